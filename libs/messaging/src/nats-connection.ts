import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';

export type { NatsConnection } from '@nats-io/nats-core';

export interface NatsConnectOptions {
  url: string;
  /** Client name shown in NATS monitoring (the service name). */
  name: string;
  /** The NATS identity (`gateway`, `worker`, ...); omitted when the server requires none. */
  user?: string;
  pass?: string;
  /**
   * Prefix of this connection's reply subjects. Default: `_INBOX.<user>` when a user is
   * given (the server lets each identity subscribe only to its own inbox prefix, so no
   * other service can read the replies it receives), else `_INBOX`.
   */
  inboxPrefix?: string;
}

/** The inbox prefix of a NATS identity: the only reply subjects it may subscribe to. */
export const natsInboxPrefix = (user: string): string => `_INBOX.${user}`;

/** Connects with unlimited reconnects: a NATS restart must not kill a service. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    user: options.user,
    pass: options.pass,
    inboxPrefix: options.inboxPrefix ?? (options.user ? natsInboxPrefix(options.user) : undefined),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    timeout: 5000,
  });
}
