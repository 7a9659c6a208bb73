import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
    help: 'LLM call duration by provider, role (plan, tools, synthesis) and outcome',
    labelNames: ['provider', 'role', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly llmFallbacks = new Counter({
    name: 'mosaic_llm_fallbacks_total',
    help: 'Times a model call failed and the local provider answered instead, by role and error code',
    labelNames: ['role', 'code'] as const,
    registers: [this.registry],
  });

  readonly openSseConnections = new Gauge({
    name: 'mosaic_sse_connections_open',
    help: 'Server-Sent Event streams currently open',
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
