/** Nest injection tokens shared by every service. */
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
