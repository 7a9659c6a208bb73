import { context, trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

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
 * Every line carries the active trace and span ids.
 */
export function createLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
