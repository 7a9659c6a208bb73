export * from './subjects';
export * from './query';
export * from './events';
export * from './api';
export * from './subject-map';
export * from './auth';
export * from './mcp-servers';
export * from './history';
