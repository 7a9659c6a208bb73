import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import { ConsumerMessages, jetstream, jetstreamManager, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { SUBJECT_SCHEMAS, SubjectFamily, subjectFamily } from '@mosaic/contracts';
import { Logger, MosaicMetrics, queryIdOf, SpanKind, SpanStatusCode, withQueryId, withRemoteParentSpan } from '@mosaic/observability';
import { HandlerOutcome, isHandlerOutcome } from './outcome';
import { ConsumerStateCollector } from './consumer-state.collector';
import { DurableConsumerSpec, ensureDurableConsumer, ensureStreams } from './provisioning';

/** What a handler receives next to the parsed payload. */
export interface JetStreamMessageContext {
  readonly subject: string;
  /** 1 on first delivery; higher after a redelivery. */
  readonly deliveryCount: number;
  readonly streamSequence: number;
  /** Tells the server the message is still being worked on (extends ack wait). */
  working(): void;
  /**
   * Aborted when a shutdown drain ran out of time and handed the message back to another
   * replica: the handler must stop and publish nothing more.
   */
  readonly handedBack: AbortSignal;
}

export interface ConsumerBinding {
  /** Handler pattern: the subject family, as used in `@EventPattern(...)`. */
  pattern: SubjectFamily;
  consumer: DurableConsumerSpec;
  /** Messages handled at once by this replica. */
  concurrency: number;
  /** Called once when a valid message is given up on, so its owner can end the query. */
  onGiveUp?: (payload: unknown, reason: string) => Promise<void>;
}

export interface JetStreamServerOptions {
  connection: NatsConnection;
  bindings: ConsumerBinding[];
  logger: Logger;
  metrics: MosaicMetrics;
  /** Longest a SIGTERM drain waits for in-flight handlers before handing messages back. */
  drainTimeoutMs?: number;
  /** How often the bound consumers' pending / ack pending / redelivered gauges are read (default 5 s). */
  consumerStateIntervalMs?: number;
}

/** Retry backoff for handlers that throw: 1 s, 2 s, 4 s ... capped at 30 s. */
const backoffMs = (deliveryCount: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, deliveryCount - 1));

/**
 * NestJS transport over JetStream durable pull consumers. Streams and consumers are
 * provisioned at start-up; each message is schema-checked (invalid ones are terminated,
 * never redelivered forever), handled inside a span continuing the publisher's trace,
 * kept alive with working() while it runs, and acked / nak'd / terminated according to
 * the handler's outcome.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: ConsumerMessages[] = [];
  /** Handlers running now, with their messages (handed back if a drain runs out of time). */
  private readonly inflight = new Map<Promise<void>, { msg: JsMsg; handBack: AbortController }>();
  private js?: JetStreamClient;
  private consumerState?: ConsumerStateCollector;
  private closing = false;

  constructor(private readonly options: JetStreamServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const jsm = await jetstreamManager(this.options.connection);
      await ensureStreams(jsm);
      for (const binding of this.options.bindings) {
        await ensureDurableConsumer(jsm, binding.consumer);
      }
      this.js = jetstream(this.options.connection);
      for (const binding of this.options.bindings) {
        await this.startConsuming(binding);
      }
      this.consumerState = new ConsumerStateCollector({
        jsm,
        consumers: this.options.bindings.map((b) => b.consumer),
        metrics: this.options.metrics,
        logger: this.options.logger,
        intervalMs: this.options.consumerStateIntervalMs,
      });
      this.consumerState.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async startConsuming(binding: ConsumerBinding): Promise<void> {
    const { stream, durable } = binding.consumer;
    const consumer = await this.js!.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: binding.concurrency, expires: 10_000 });
    this.subscriptions.push(messages);
    void this.pump(binding, messages);
  }

  private async pump(binding: ConsumerBinding, messages: ConsumerMessages): Promise<void> {
    const slots = new Set<Promise<void>>();
    try {
      for await (const msg of messages) {
        if (this.closing) {
          msg.nak();
          continue;
        }
        const handBack = new AbortController();
        const task = this.handle(binding, msg, handBack.signal).finally(() => {
          slots.delete(task);
          this.inflight.delete(task);
        });
        slots.add(task);
        this.inflight.set(task, { msg, handBack });
        if (slots.size >= binding.concurrency) await Promise.race(slots);
      }
    } catch (error) {
      if (!this.closing) this.options.logger.error({ err: error, consumer: binding.consumer.durable }, 'consumer stopped');
    }
  }

  private async handle(binding: ConsumerBinding, msg: JsMsg, handedBack: AbortSignal): Promise<void> {
    const { logger, metrics } = this.options;
    const consumerName = binding.consumer.durable;
    const family = subjectFamily(msg.subject);
    const endTimer = metrics.messageHandlerDuration.startTimer({ subject: family ?? 'unknown', consumer: consumerName });
    const handler = family ? this.getHandlerByPattern(family) : null;
    if (!family || !handler) {
      logger.error({ subject: msg.subject, consumer: consumerName }, 'no handler for subject; terminating message');
      msg.term();
      endTimer({ outcome: 'invalid' });
      return;
    }

    let payload: unknown;
    try {
      payload = SUBJECT_SCHEMAS[family].parse(msg.json());
    } catch (error) {
      logger.error({ subject: msg.subject, consumer: consumerName, seq: msg.seq, err: error }, 'invalid message terminated');
      metrics.invalidMessages.inc({ subject: family });
      msg.term();
      endTimer({ outcome: 'invalid' });
      return;
    }

    const ackWait = binding.consumer.ackWaitMs;
    const heartbeat = setInterval(() => msg.working(), Math.max(250, Math.floor(ackWait / 3)));
    const context: JetStreamMessageContext = {
      subject: msg.subject,
      deliveryCount: msg.info.deliveryCount,
      streamSequence: msg.seq,
      working: () => msg.working(),
      handedBack,
    };
    let outcome: HandlerOutcome;
    const queryId = queryIdOf(payload);
    const messageId = msg.headers?.get('Nats-Msg-Id');
    try {
      outcome = await withRemoteParentSpan(
        msg.headers,
        `consume ${family}`,
        SpanKind.CONSUMER,
        {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'consume',
          'messaging.destination.name': msg.subject,
          'messaging.destination.template': family,
          'messaging.consumer.group.name': consumerName,
          'messaging.nats.stream': msg.info.stream,
          'messaging.nats.stream.sequence': msg.seq,
          'messaging.nats.delivery_count': msg.info.deliveryCount,
          ...(messageId ? { 'messaging.message.id': messageId } : {}),
          ...(queryId ? { 'mosaic.query_id': queryId } : {}),
        },
        (span) =>
          // Every log line of the handler carries the query id, whether or not it names it.
          withQueryId(queryId, async () => {
            const result = await lastValueFrom(
              this.transformToObservable(await handler(payload, context)).pipe(defaultIfEmpty(undefined)),
            );
            if (!isHandlerOutcome(result)) throw new Error(`handler for ${family} returned no outcome`);
            span.setAttribute('mosaic.outcome', result.kind);
            if (result.kind === 'give_up') span.setStatus({ code: SpanStatusCode.ERROR, message: result.reason });
            return result;
          }),
      );
    } catch (error) {
      const exhausted = msg.info.deliveryCount >= binding.consumer.maxDeliver;
      outcome = exhausted
        ? { kind: 'give_up', reason: `failed ${msg.info.deliveryCount} times: ${(error as Error).message}` }
        : { kind: 'retry', delayMs: backoffMs(msg.info.deliveryCount), reason: (error as Error).message };
      logger.error({ err: error, subject: msg.subject, consumer: consumerName, delivery: msg.info.deliveryCount }, 'handler failed');
    } finally {
      clearInterval(heartbeat);
    }
    if (handedBack.aborted) {
      endTimer({ outcome: 'handed_back' });
      return;
    }

    if (outcome.kind === 'retry' && msg.info.deliveryCount >= binding.consumer.maxDeliver) {
      // The server will not deliver it again: end it here so its owner hears about it.
      outcome = { kind: 'give_up', reason: `still retrying after ${msg.info.deliveryCount} deliveries: ${outcome.reason}` };
    }
    switch (outcome.kind) {
      case 'done':
        await msg.ackAck().catch((error: unknown) => logger.warn({ err: error, subject: msg.subject }, 'ack not confirmed'));
        break;
      case 'retry':
        msg.nak(outcome.delayMs);
        break;
      case 'give_up':
        logger.warn({ subject: msg.subject, consumer: consumerName, reason: outcome.reason }, 'message terminated');
        await binding.onGiveUp?.(payload, outcome.reason).catch((error: unknown) => logger.error({ err: error }, 'give-up hook failed'));
        // No reason argument: nats-server < 2.10 ignores a TERM that carries one.
        msg.term();
        break;
    }
    endTimer({ outcome: outcome.kind });
  }

  /** Stops pulling, lets in-flight handlers finish (bounded), hands the rest back. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.consumerState?.stop();
    await Promise.all(this.subscriptions.map((s) => s.close().catch(() => undefined)));
    const timeout = this.options.drainTimeoutMs ?? 20_000;
    const drained = await Promise.race([
      Promise.allSettled([...this.inflight.keys()]).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout).unref()),
    ]);
    if (drained) return;
    // Hand the unfinished messages back now, so another replica starts them without waiting
    // for their ack wait to run out. A late result is deduplicated by its message id.
    const unfinished = [...this.inflight.values()];
    for (const { msg, handBack } of unfinished) {
      handBack.abort(new Error('handed back to another replica during shutdown'));
      msg.nak();
    }
    this.options.logger.warn({ handed_back: unfinished.length, drain_timeout_ms: timeout }, 'drain timed out; unfinished messages handed back');
  }

  on(): never {
    throw new Error('JetStreamServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }
}
