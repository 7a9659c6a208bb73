export * from './provider';
export * from './local/text';
export * from './local/local.provider';
