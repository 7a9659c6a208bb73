export * from './provider';
export * from './local/text';
export * from './local/local.provider';
export * from './fallback.provider';
export * from './usage';
