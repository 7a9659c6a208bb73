import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger } from 'pino';
import { currentQueryId } from './tracing';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  'password',
  'token',
  'authorization',
  'apiKey',
  'api_key',
  'credentials',
  'secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
  '*.credentials',
  '*.secret',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Structured JSON logs on stderr (stdout stays free for MCP stdio servers and CLIs).
 * Every line carries the active trace and span ids, and the query id of the message being handled.
 */
export function createLogger(
  service: string,
  level = process.env['LOG_LEVEL'] ?? 'info',
  destination: DestinationStream = pino.destination({ fd: 2, sync: false }),
): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const queryId = currentQueryId();
        const ids = queryId ? { query_id: queryId } : {};
        const spanContext = trace.getSpan(context.active())?.spanContext();
        if (!spanContext || !isSpanContextValid(spanContext)) return ids;
        return { ...ids, trace_id: spanContext.traceId, span_id: spanContext.spanId };
      },
    },
    destination,
  );
}
