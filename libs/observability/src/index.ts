export * from './logger';
export * from './tracing';
export * from './tracing-config';
export * from './metrics';
