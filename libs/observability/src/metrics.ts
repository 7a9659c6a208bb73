import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Why a request was refused with 429: the per-user or per-API-key token buckets, a login
 * lockout after repeated failures, or the tenant's daily model-token budget.
 */
export const RATE_LIMIT_KINDS = ['user', 'api_key', 'login_lockout', 'token_budget'] as const;
export type RateLimitKind = (typeof RATE_LIMIT_KINDS)[number];

/**
 * The process's metrics. Label values are bounded: route templates (never raw URLs),
 * subject families (never query ids), connector and tool names from the catalog.
 */
export class MosaicMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'mosaic_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status class',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly messageHandlerDuration = new Histogram({
    name: 'mosaic_message_handler_duration_seconds',
    help: 'JetStream message handling duration by subject family, consumer and outcome',
    labelNames: ['subject', 'consumer', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly connectorCallDuration = new Histogram({
    name: 'mosaic_connector_call_duration_seconds',
    help: 'MCP tool call duration by connector, tool and outcome',
    labelNames: ['connector', 'tool', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly connectorTaskDuration = new Histogram({
    name: 'mosaic_connector_task_duration_seconds',
    help: 'Duration of one source task in a connector worker, by connector and outcome',
    labelNames: ['connector', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: 'mosaic_breaker_state',
    help: "Worst circuit breaker state among the connector's credential sets: 0 closed, 1 half-open, 2 open",
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  readonly breakerTransitions = new Counter({
    name: 'mosaic_breaker_transitions_total',
    help: 'Circuit breaker state changes by connector and the state entered',
    labelNames: ['connector', 'state'] as const,
    registers: [this.registry],
  });

  readonly connectorCacheRequests = new Counter({
    name: 'mosaic_connector_cache_requests_total',
    help: 'Connector cache look-ups by connector, cache (tools, result, schema) and outcome (hit, miss, error: cache unavailable)',
    labelNames: ['connector', 'cache', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly queryDuration = new Histogram({
    name: 'mosaic_query_duration_seconds',
    help: 'End-to-end query duration as seen by the synthesizer, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly llmTokens = new Counter({
    name: 'mosaic_llm_tokens_total',
    help: 'LLM tokens by model and kind (input, output, cache_read, cache_creation)',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly llmCallDuration = new Histogram({
    name: 'mosaic_llm_call_duration_seconds',
    help: 'LLM call duration by provider, model (the provider name when no model reported usage), role (plan, tools_fast, tools_standard, synthesis) and outcome',
    labelNames: ['provider', 'model', 'role', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly llmFallbacks = new Counter({
    name: 'mosaic_llm_fallbacks_total',
    help: 'Times a model call failed and the local provider answered instead, by role and error code',
    labelNames: ['role', 'code'] as const,
    registers: [this.registry],
  });

  readonly historyBatchDuration = new Histogram({
    name: 'mosaic_history_batch_duration_seconds',
    help: 'Time to write one batch of history (conversations, messages, query runs), by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly historyEventsWritten = new Counter({
    name: 'mosaic_history_events_written_total',
    help: 'Query events written to history',
    registers: [this.registry],
  });

  readonly openSseConnections = new Gauge({
    name: 'mosaic_sse_connections_open',
    help: 'Server-Sent Event streams currently open',
    registers: [this.registry],
  });

  readonly rateLimitRejections = new Counter({
    name: 'mosaic_rate_limit_rejections_total',
    help: 'Requests refused with 429, by kind (user, api_key, login_lockout, token_budget)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  // JetStream consumer state, read from the server by ConsumerStateCollector (libs/messaging).
  // Every replica of a service reports the same consumer: aggregate with max by (stream, consumer).
  readonly jetstreamConsumerPending = new Gauge({
    name: 'mosaic_jetstream_consumer_pending',
    help: 'Messages of the stream matching the durable consumer not yet delivered (num_pending), by stream and consumer',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
  });

  readonly jetstreamConsumerAckPending = new Gauge({
    name: 'mosaic_jetstream_consumer_ack_pending',
    help: 'Messages delivered to the durable consumer and not yet acknowledged (num_ack_pending), by stream and consumer',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
  });

  readonly jetstreamConsumerRedelivered = new Gauge({
    name: 'mosaic_jetstream_consumer_redelivered',
    help: 'Unacknowledged messages of the durable consumer delivered more than once (num_redelivered), by stream and consumer',
    labelNames: ['stream', 'consumer'] as const,
    registers: [this.registry],
  });

  readonly invalidMessages = new Counter({
    name: 'mosaic_invalid_messages_total',
    help: 'Messages terminated because they failed schema validation, by subject family',
    labelNames: ['subject'] as const,
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Exports every 429 kind from zero, so `rate()` sees the first rejection and dashboards show
   * 0 rather than no data. Called once by the service that refuses requests (the gateway).
   */
  initRateLimitRejections(): void {
    for (const kind of RATE_LIMIT_KINDS) this.rateLimitRejections.inc({ kind }, 0);
  }

  countRateLimitRejection(kind: RateLimitKind): void {
    this.rateLimitRejections.inc({ kind });
  }

  /** Times `fn` into `histogram` with the outcome label set from the result. */
  static async time<T, L extends string>(
    histogram: Histogram<L>,
    labels: Partial<Record<L, string>>,
    fn: () => Promise<T>,
    outcomeOf: (value: T) => string = () => 'success',
  ): Promise<T> {
    const end = histogram.startTimer(labels);
    try {
      const value = await fn();
      end({ outcome: outcomeOf(value) } as Partial<Record<L, string>>);
      return value;
    } catch (error) {
      end({ outcome: 'error' } as Partial<Record<L, string>>);
      throw error;
    }
  }
}
