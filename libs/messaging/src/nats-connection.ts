import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';

export type { NatsConnection } from '@nats-io/nats-core';

export interface NatsConnectOptions {
  url: string;
  /** Client name shown in NATS monitoring (the service name). */
  name: string;
  user?: string;
  pass?: string;
}

/** Connects with unlimited reconnects: a NATS restart must not kill a service. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    user: options.user,
    pass: options.pass,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    timeout: 5000,
  });
}
