import type { JetStreamManager } from '@nats-io/jetstream';
import { Logger, MosaicMetrics } from '@mosaic/observability';

/** A durable consumer whose state is exported: its stream and its durable name. */
export interface ConsumerRef {
  stream: string;
  durable: string;
}

export interface ConsumerStateCollectorOptions {
  jsm: JetStreamManager;
  /** The consumers this service owns (its bindings); names come from the contract, so labels stay bounded. */
  consumers: readonly ConsumerRef[];
  metrics: MosaicMetrics;
  logger: Logger;
  /** How often consumer info is read from the server (default 5 s). */
  intervalMs?: number;
}

export const DEFAULT_CONSUMER_STATE_INTERVAL_MS = 5_000;

/**
 * Exports the server's view of this service's durable consumers as
 * `mosaic_jetstream_consumer_{pending,ack_pending,redelivered}{stream, consumer}`: one
 * CONSUMER.INFO request per consumer every interval. Read on a timer rather than on scrape, so
 * a slow NATS never stalls `/metrics`; a tick is skipped while the previous one still runs.
 * A consumer that cannot be read loses its series (a stale lag would look healthy) and the
 * failure is logged once, until it can be read again.
 */
export class ConsumerStateCollector {
  private readonly consumers: ConsumerRef[];
  private timer?: NodeJS.Timeout;
  private inflight?: Promise<void>;
  private readonly failing = new Set<string>();

  constructor(private readonly options: ConsumerStateCollectorOptions) {
    const unique = new Map(options.consumers.map((c) => [`${c.stream}/${c.durable}`, { stream: c.stream, durable: c.durable }]));
    this.consumers = [...unique.values()];
  }

  /** Reads once now, then every interval until `stop()`. */
  start(): void {
    if (this.timer || this.consumers.length === 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? DEFAULT_CONSUMER_STATE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a read in progress (it never throws). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight;
  }

  /** Reads every consumer once and updates the gauges. */
  async collect(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => this.collectOne(consumer)));
  }

  private tick(): void {
    if (this.inflight) return;
    this.inflight = this.collect().finally(() => {
      this.inflight = undefined;
    });
  }

  private async collectOne({ stream, durable }: ConsumerRef): Promise<void> {
    const { metrics, logger } = this.options;
    const labels = { stream, consumer: durable };
    const key = `${stream}/${durable}`;
    try {
      const info = await this.options.jsm.consumers.info(stream, durable);
      metrics.jetstreamConsumerPending.set(labels, info.num_pending);
      metrics.jetstreamConsumerAckPending.set(labels, info.num_ack_pending);
      metrics.jetstreamConsumerRedelivered.set(labels, info.num_redelivered);
      if (this.failing.delete(key)) logger.info({ stream, consumer: durable }, 'consumer state readable again');
    } catch (error) {
      metrics.jetstreamConsumerPending.remove(labels);
      metrics.jetstreamConsumerAckPending.remove(labels);
      metrics.jetstreamConsumerRedelivered.remove(labels);
      if (!this.failing.has(key)) {
        this.failing.add(key);
        logger.warn({ err: error, stream, consumer: durable }, 'cannot read consumer state; its lag metrics are withdrawn until it can');
      }
    }
  }
}
