import {
  context,
  createContextKey,
  diag,
  DiagLogLevel,
  propagation,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes, serviceInstanceIdDetector } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  Sampler,
  SimpleSpanProcessor,
  SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import { TracingConfig, tracingConfigFromEnv } from './tracing-config';

export interface TracingOptions {
  /** Span processors besides the configured exporters (tests add an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /** The environment to read the `OTEL_*` variables from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives the SDK's own warnings (an exporter that cannot reach its collector, ...). */
  logger?: Logger;
}

let started = false;
let provider: BasicTracerProvider | undefined;
let tracerName = 'mosaic';

/**
 * Starts tracing for this process: async context propagation, W3C trace context, and a tracer
 * provider whose resource, sampler and exporters come from the standard `OTEL_*` variables
 * ({@link tracingConfigFromEnv}). Spans exist even when nothing exports them, so log lines
 * still carry trace ids. Call once, at start-up; later calls do nothing.
 *
 * pg, ioredis and http are instrumented separately, before they are loaded: see `register.ts`.
 */
export function startTracing(service: string, options: TracingOptions = {}): TracingConfig {
  const config = tracingConfigFromEnv(service, options.env ?? process.env);
  if (started) return config;
  started = true;
  tracerName = service;
  // Also without the SDK: the query id of a log line travels in the async context.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (config.disabled) return config;

  if (options.logger) diag.setLogger(diagLogger(options.logger), DiagLogLevel.WARN);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  provider = new BasicTracerProvider({
    resource: detectResources({ detectors: [envDetector, processDetector, hostDetector, serviceInstanceIdDetector] }).merge(
      resourceFromAttributes({ 'service.name': config.serviceName }),
    ),
    sampler: samplerFor(config),
    spanProcessors: [...exportingProcessors(config), ...(options.spanProcessors ?? [])],
  });
  trace.setGlobalTracerProvider(provider);
  return config;
}

/** Exports what is still buffered and stops the provider; waits at most `timeoutMs`. */
export async function shutdownTracing(timeoutMs = 5000): Promise<void> {
  const current = provider;
  provider = undefined;
  if (!current) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    current.shutdown().catch((error: unknown) => diag.warn('tracing shutdown failed', error)),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs).unref())),
  ]);
  clearTimeout(timer);
}

function exportingProcessors(config: TracingConfig): SpanProcessor[] {
  return config.exporters.map((name) => {
    if (name === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
    // Headers, timeout and compression come from OTEL_EXPORTER_OTLP_* (read by the exporter itself).
    const options = config.otlpTracesUrl ? { url: config.otlpTracesUrl } : {};
    const exporter = config.otlpProtocol === 'http/json' ? new OtlpJsonTraceExporter(options) : new OtlpProtobufTraceExporter(options);
    return new BatchSpanProcessor(exporter);
  });
}

function samplerFor(config: TracingConfig): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
  }
}

function diagLogger(logger: Logger) {
  const log = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, ...args: unknown[]) =>
    logger[level]({ component: 'opentelemetry', details: args.map(String) }, message);
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('trace') };
}

const tracer = () => trace.getTracer(tracerName);

/** Anything with header-like get/set, such as NATS `MsgHdrs`. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

/** Writes the active trace context (`traceparent`, `tracestate`) into message headers. */
export function injectTraceContext(carrier: HeaderCarrier): void {
  propagation.inject(context.active(), carrier, {
    set: (c, key, value) => c.set(key, value),
  });
}

/** Runs `fn` inside a span whose parent is the trace context found in `carrier`. */
export async function withRemoteParentSpan<T>(
  carrier: HeaderCarrier | undefined,
  name: string,
  kind: SpanKind,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = carrier
    ? propagation.extract(context.active(), carrier, {
        get: (c, key) => c.get(key) || undefined,
        keys: () => ['traceparent', 'tracestate'],
      })
    : context.active();
  return withSpan(name, kind, attributes, fn, parent);
}

/** Runs `fn` inside a new span (child of the active one), recording errors. */
export async function withSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
  parent = context.active(),
): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export function currentTraceId(): string | undefined {
  return trace.getSpan(context.active())?.spanContext().traceId;
}

/**
 * Names the active HTTP server span after the route template (`POST /api/keys/:id`, never the
 * raw path with its ids). Call it from the framework's request hook; the HTTP instrumentation
 * renames the span and sets `http.route` when the response ends.
 */
export function setHttpRoute(route: string | undefined): void {
  const metadata = getRPCMetadata(context.active());
  if (route && metadata?.type === RPCType.HTTP) metadata.route = route;
}

const QUERY_ID = createContextKey('mosaic.query_id');

/** Runs `fn` with `queryId` in the async context: every log line written meanwhile carries it. */
export function withQueryId<T>(queryId: string | undefined, fn: () => T): T {
  return queryId ? context.with(context.active().setValue(QUERY_ID, queryId), fn) : fn();
}

export function currentQueryId(): string | undefined {
  const value = context.active().getValue(QUERY_ID);
  return typeof value === 'string' ? value : undefined;
}

/** The `query_id` of a message payload, when it has one. */
export function queryIdOf(payload: unknown): string | undefined {
  const value = typeof payload === 'object' && payload !== null ? (payload as { query_id?: unknown }).query_id : undefined;
  return typeof value === 'string' && value ? value : undefined;
}

export { SpanKind, SpanStatusCode };
export type { Span };
