import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { headers } from '@nats-io/nats-core';
import type { RpcReply } from '@mosaic/contracts';
import { injectTraceContext, Logger, MosaicMetrics, queryIdOf, SpanKind, withQueryId, withRemoteParentSpan, withSpan } from '@mosaic/observability';
import { ZodTypeAny } from 'zod';

/** An error an RPC handler returns on purpose; the caller receives its code and status. */
export class RpcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface RpcBinding {
  subject: string;
  schema: ZodTypeAny;
  handler: (request: unknown) => Promise<unknown>;
}

/**
 * Core NATS request/reply with a queue group: each request is parsed by its schema,
 * handled once by one replica, and answered with `{ok, data}` or `{ok: false, error}`.
 */
export class RpcServer {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly queue: string,
    private readonly logger: Logger,
    private readonly metrics: MosaicMetrics,
  ) {}

  listen(bindings: RpcBinding[]): void {
    for (const binding of bindings) {
      const subscription = this.connection.subscribe(binding.subject, {
        queue: this.queue,
        callback: (error, msg) => {
          if (error) {
            this.logger.error({ err: error, subject: binding.subject }, 'rpc subscription error');
            return;
          }
          void this.answer(binding, msg);
        },
      });
      this.subscriptions.push(subscription);
    }
  }

  private async answer(binding: RpcBinding, msg: { data: Uint8Array; headers?: unknown; respond: (data: string) => boolean; json: <T>() => T }) {
    const end = this.metrics.messageHandlerDuration.startTimer({ subject: binding.subject, consumer: this.queue });
    let reply: RpcReply<unknown>;
    try {
      const parsed = binding.schema.safeParse(msg.json());
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
        throw new RpcError(400, 'validation_error', message);
      }
      const queryId = queryIdOf(parsed.data);
      const data = await withRemoteParentSpan(
        msg.headers as never,
        `rpc ${binding.subject}`,
        SpanKind.SERVER,
        {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.destination.name': binding.subject,
          'messaging.consumer.group.name': this.queue,
          ...(queryId ? { 'mosaic.query_id': queryId } : {}),
        },
        () => withQueryId(queryId, () => binding.handler(parsed.data)),
      );
      reply = { ok: true, data };
    } catch (error) {
      if (error instanceof RpcError) {
        reply = { ok: false, error: { code: error.code, message: error.message, status: error.status, ...(error.retryAfter ? { retry_after: error.retryAfter } : {}) } };
      } else {
        this.logger.error({ err: error, subject: binding.subject }, 'rpc handler failed');
        reply = { ok: false, error: { code: 'internal_error', message: 'internal error', status: 500 } };
      }
    }
    end({ outcome: reply.ok ? 'done' : reply.error.status >= 500 ? 'error' : 'rejected' });
    msg.respond(JSON.stringify(reply));
  }

  async close(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.drain().catch(() => undefined)));
  }
}

/** Calls an RPC subject; a missing or slow responder becomes a 503 `RpcError`. */
export class RpcClient {
  constructor(private readonly connection: NatsConnection) {}

  async call<T>(subject: string, payload: unknown, timeoutMs = 5000): Promise<T> {
    // A CLIENT span: it lasts until the reply, and pairs with the responder's SERVER span.
    const attributes = { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.operation.name': 'request', 'messaging.destination.name': subject };
    return withSpan(`request ${subject}`, SpanKind.CLIENT, attributes, async (span) => {
      const hdrs = headers();
      injectTraceContext(hdrs);
      let reply: RpcReply<T>;
      try {
        const msg = await this.connection.request(subject, JSON.stringify(payload), { timeout: timeoutMs, headers: hdrs });
        reply = msg.json<RpcReply<T>>();
      } catch (error) {
        throw new RpcError(503, 'dependency_unavailable', `${subject.split('.').slice(2, 4).join(' ')} is unavailable: ${(error as Error).message}`);
      }
      if (!reply.ok) {
        span.setAttribute('mosaic.rpc.error_code', reply.error.code);
        throw new RpcError(reply.error.status, reply.error.code, reply.error.message, reply.error.retry_after);
      }
      return reply.data;
    });
  }
}
