/**
 * `npm start`: runs after scripts/start.sh has built the code and started the local
 * infrastructure. Loads the sample workspace, starts every service, prints how to ask
 * a question, and stops the services on Ctrl-C.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../config';
import { ensureDemoIdentity, localSigningKeys, localVaultKeys } from './identity-setup';
import { launchStack } from './launch-stack';
import { ServiceStack } from './service-stack';

const env = parseConfig(
  z.object({
    MOSAIC_ROOT: z.string().min(1),
    NATS_URL: z.string().min(1),
    DATABASE_URL: z.string().min(1),
    APP_DATABASE_URL: z.string().min(1),
    REDIS_URL: z.string().min(1),
    SAMPLE_DATABASE_URL: z.string().min(1),
    SAMPLE_READER_DATABASE_URL: z.string().min(1),
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    MOSAIC_SOURCES: z.string().default('files,postgres'),
    LOG_LEVEL: z.string().default('info'),
  }),
);

/**
 * The standard OpenTelemetry variables, passed on to every service: with
 * `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npm start` each one exports its spans.
 * Not OTEL_SERVICE_NAME: each service is named after itself.
 */
function tracingEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parent).filter((e): e is [string, string] => e[0].startsWith('OTEL_') && e[0] !== 'OTEL_SERVICE_NAME' && e[1] !== undefined),
  );
}

/** True when something already accepts connections on the port. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const root = env.MOSAIC_ROOT;
  if (await portInUse(env.PORT)) {
    throw new Error(`port ${env.PORT} is already in use (is Mosaic already running?); stop it, or choose another port with PORT=<port> npm start`);
  }
  const stateDir = path.join(root, '.mosaic');
  const logDir = path.join(stateDir, 'logs');
  const say = (line: string) => process.stdout.write(`[mosaic] ${line}\n`);

  const stack = new ServiceStack({
    root,
    logDir,
    baseEnv: { NATS_URL: env.NATS_URL, LOG_LEVEL: env.LOG_LEVEL, NODE_ENV: 'development' },
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping services ...`);
    await stack.stopAll();
    say('services stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await launchStack({
    stack,
    root,
    infra: env,
    sources: env.MOSAIC_SOURCES.split(',').map((s) => s.trim()).filter(Boolean),
    gatewayPort: env.PORT,
    signingKeys: await localSigningKeys(stateDir),
    vaultKeys: localVaultKeys(stateDir),
    env: tracingEnv(process.env),
    onPrepared: ({ migrations, sampleFiles }) => {
      say(migrations.length ? `database migrated: ${migrations.join(', ')}` : 'database schema is up to date');
      say(`sample workspace loaded: ${sampleFiles.join(', ')} into mosaic_sample; documents in sample/workspace/docs`);
    },
    onStarted: (launch) => say(`${launch.name.padEnd(18)} ready on 127.0.0.1:${launch.port}`),
  });

  const url = `http://127.0.0.1:${env.PORT}`;
  const demoEnvFile = path.join(stateDir, 'demo.env');
  const savedKey = existsSync(demoEnvFile) ? /^MOSAIC_API_KEY=(.+)$/m.exec(readFileSync(demoEnvFile, 'utf8'))?.[1] : undefined;
  const demo = await ensureDemoIdentity(url, stateDir, savedKey);
  writeFileSync(demoEnvFile, `MOSAIC_URL=${url}\nMOSAIC_API_KEY=${demo.apiKey}\n`, { mode: 0o600 });
  process.stdout.write(`
Mosaic is running at ${url} (logs in .mosaic/logs/).

Demo login: ${demo.email} / ${demo.password}
Demo API key (also in .mosaic/demo.env, which the CLI reads): ${demo.apiKey}

Ask a question:

  npx mosaic ask "Which customers have open urgent support tickets, and what does our escalation runbook say to do?"

  curl -N -X POST ${url}/api/agent/query/stream \\
       -H "Authorization: Bearer ${demo.apiKey}" \\
       -H 'Content-Type: application/json' \\
       -d '{"query": "What is our refund policy, and which orders were refunded?"}'

Press Ctrl-C to stop.
`);
  // Keep running; if a service dies, say so (the others keep serving).
  for (const [name, service] of stack.services) {
    void service.exited.then((code) => {
      if (!stopping) say(`${name} exited with code ${code}; see .mosaic/logs/${name}.log`);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[mosaic] start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
