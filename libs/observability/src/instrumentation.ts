import type { IncomingMessage } from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/** Probes and scrapes: answered all day long, and no one reads their traces. */
const UNTRACED_PATHS = /^\/(api\/)?(health(\/|$|\?)|metrics(\/|$|\?))/;

let registered = false;

/**
 * Patches http (server and client spans), pg and ioredis. They are patched as they are loaded,
 * so this must run before anything requires them: `register.ts` does it as the first import of
 * each service's `main.ts`. The spans go to whatever tracer provider `startTracing` installs
 * later (until then, to none). `OTEL_SDK_DISABLED=true` leaves every module untouched.
 */
export function instrumentLibraries(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (registered || env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  registered = true;
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
        // A client call outside any request or message (a JWKS refresh, ...) starts no trace of its own.
        requireParentforOutgoingSpans: true,
      }),
      // Statement text only (parameters are never recorded), and only inside a traced operation:
      // pool upkeep and health checks start no traces.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return true;
}
