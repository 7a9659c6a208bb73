export * from './outcome';
export * from './nats-connection';
export * from './provisioning';
export * from './jetstream.server';
export * from './consumer-state.collector';
export * from './publisher';
export * from './query-events';
export * from './rpc';
