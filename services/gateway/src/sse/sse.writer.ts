import type { FastifyReply } from 'fastify';
import { MosaicMetrics } from '@mosaic/observability';

export interface SseItem {
  /** The stream sequence (the SSE `id` a client resumes after); 0 for synthetic events. */
  seq: number;
  data: unknown;
}

/**
 * Streams `items` as Server-Sent Events on a hijacked reply: an `id` on every event from the
 * stream (so `Last-Event-ID` resumes after it), heartbeats, and the open-connection gauge.
 */
export async function writeSse(
  reply: FastifyReply,
  items: AsyncIterable<SseItem>,
  options: { metrics: MosaicMetrics; heartbeatMs: number; headers?: Record<string, string> },
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    // Headers set earlier (rate limits) would be lost once the reply is hijacked.
    ...(reply.getHeaders() as Record<string, string>),
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    ...options.headers,
  });
  raw.write(`retry: 2000\n\n`);
  options.metrics.openSseConnections.inc();
  const heartbeat = setInterval(() => raw.write(`: keep-alive\n\n`), options.heartbeatMs);
  try {
    for await (const { seq, data } of items) {
      const id = seq > 0 ? `id: ${seq}\n` : '';
      raw.write(`${id}data: ${JSON.stringify(data)}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    options.metrics.openSseConnections.dec();
    raw.end();
  }
}

/** A query's events as SSE items, each with its stream sequence as id. */
export async function* eventItems(events: AsyncIterable<{ seq: number; event: unknown }>): AsyncGenerator<SseItem> {
  for await (const { seq, event } of events) yield { seq, data: event };
}

/**
 * An AbortSignal that fires when the response closes: the client went away, or the
 * answer was sent. Bound to this response, not the keep-alive socket it shares.
 */
export function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}

/** `Last-Event-ID` (or `?after=`) as a stream sequence; undefined when absent, 400 when malformed. */
export function resumeAfter(header: string | string[] | undefined, query: string | undefined): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header) ?? query;
  if (value === undefined || value === '') return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}
