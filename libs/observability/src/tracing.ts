import { context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, SpanProcessor } from '@opentelemetry/sdk-trace-base';

let started = false;

/**
 * Starts tracing for this process: async context propagation, W3C trace context and a
 * tracer provider. Exporters are attached as span processors (none by default).
 */
export function startTracing(service: string, spanProcessors: SpanProcessor[] = []): void {
  if (started) return;
  started = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors, resource: undefined }),
  );
  tracerName = service;
}

let tracerName = 'mosaic';
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

export { SpanKind };
