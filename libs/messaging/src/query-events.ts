import { DeliverPolicy, jetstream, JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  AgentEventInput,
  AgentEventV1,
  AgentEventV1Schema,
  isTerminalEvent,
  QUERY_EVENTS_V1_PREFIX,
  queryEventsSubject,
  STREAMS,
} from '@mosaic/contracts';
import { JetStreamPublisher } from './publisher';

/** An event as read back from the stream: `seq` is its SSE id. */
export interface SequencedEvent {
  seq: number;
  event: AgentEventV1;
}

/** Publishes a query's client-visible events. */
export class QueryEventsPublisher {
  constructor(private readonly publisher: JetStreamPublisher) {}

  /**
   * `dedupeKey` names the event within the query (`source_complete:files`), so a
   * redelivered task that republishes it is dropped by the stream.
   */
  async emit(queryId: string, event: AgentEventInput, dedupeKey: string): Promise<void> {
    const full = { ...event, query_id: queryId, ts: Date.now() } as AgentEventV1;
    await this.publisher.publish(QUERY_EVENTS_V1_PREFIX, queryEventsSubject(queryId), full, `${queryId}:${dedupeKey}`);
  }
}

export interface ReadEventsOptions {
  /** Resume after this stream sequence (the client's `Last-Event-ID`). */
  afterSeq?: number;
  signal?: AbortSignal;
}

/**
 * Reads one query's events in order from the events stream, starting at the
 * beginning or after a given sequence, and ends after the terminal event.
 */
export class QueryEventsReader {
  private readonly js: JetStreamClient;

  constructor(connection: NatsConnection) {
    this.js = jetstream(connection);
  }

  /** The query's first event (its `query_accepted`), or undefined when the stream has none. */
  async first(queryId: string, timeoutMs = 1000): Promise<SequencedEvent | undefined> {
    const consumer = await this.js.consumers.get(STREAMS.events.name, {
      filter_subjects: queryEventsSubject(queryId),
      inactive_threshold: 30_000,
      deliver_policy: DeliverPolicy.All,
    });
    try {
      const msg = await consumer.next({ expires: timeoutMs });
      if (!msg) return undefined;
      const parsed = AgentEventV1Schema.safeParse(msg.json());
      return parsed.success ? { seq: msg.seq, event: parsed.data } : undefined;
    } finally {
      void consumer.delete().catch(() => undefined);
    }
  }

  async *read(queryId: string, options: ReadEventsOptions = {}): AsyncGenerator<SequencedEvent> {
    const consumer = await this.js.consumers.get(STREAMS.events.name, {
      filter_subjects: queryEventsSubject(queryId),
      // A reader that vanishes (gateway crash) leaves no consumer behind for long.
      inactive_threshold: 30_000,
      ...(options.afterSeq
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.afterSeq + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    const messages = await consumer.consume({ max_messages: 256 });
    const stop = () => void messages.close().catch(() => undefined);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const msg of messages) {
        const parsed = AgentEventV1Schema.safeParse(msg.json());
        if (!parsed.success) continue;
        yield { seq: msg.seq, event: parsed.data };
        if (isTerminalEvent(parsed.data)) break;
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      stop();
      void consumer.delete().catch(() => undefined);
    }
  }
}
