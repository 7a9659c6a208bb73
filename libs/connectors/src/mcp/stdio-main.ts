/**
 * The start-up every connector's stdio MCP server shares: stdout carries MCP messages only,
 * so logs go to fd 2; the server closes when its parent closes stdin or signals it; a
 * start-up error is written to stderr without any secret it may quote.
 */
import pino from 'pino';

export type ParsedConfig<C> = { ok: true; config: C } | { ok: false; message: string };

/** The config, or its "every bad variable" message on stderr and exit code 1. */
export function configOrExit<C>(parsed: ParsedConfig<C>): C {
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  return parsed.config;
}

/**
 * pino straight to fd 2: stdout belongs to the MCP protocol. Not @mosaic/observability: a stdio
 * server needs no tracing, and pulling the OpenTelemetry types into this lib's program tips the
 * MCP SDK's tool types over tsc's instantiation-depth limit. Synchronous: the few lines a server
 * writes must not be lost on process.exit.
 */
export function createStderrLogger(name: string, level: string): pino.Logger {
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** Runs `close` once, on stdin end or close, SIGTERM or SIGINT, then exits 0. */
export function exitOnStdinCloseOrSignal(logger: pino.Logger, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await close();
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Closes one resource, logging (never throwing) a failure as `closing <what> failed`. */
export async function closeOrWarn(
  logger: pino.Logger,
  what: string,
  close: () => Promise<unknown>,
  describeError: (error: unknown) => unknown,
): Promise<void> {
  await close().catch((error: unknown) => logger.warn({ error: describeError(error) }, `closing ${what} failed`));
}

/** Runs `main`; a failure is reported as `<title> failed to start: <message>`, redacted, with exit code 1. */
export function runStdioMain(title: string, main: () => Promise<void>, redact: (message: string) => string = (message) => message): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${title} failed to start: ${redact(messageOf(error))}\n`);
    process.exit(1);
  });
}

/** Replaces a secret (read from the environment) wherever a message quotes it. */
export function redactSecret(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('[redacted]') : message;
}

/**
 * Code and message only, for a database driver's error: a pg, mysql2 or URL error object can
 * carry the SQL text and the connection parameters.
 */
export function codeAndMessage(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { message: String(error) };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
