import path from 'node:path';
import { repoRoot } from '@mosaic/connectors';
import { launchStack, ServiceLaunch, ServiceStack, SignedUpUser, signUpUser } from '@mosaic/runtime';
import { requireInfraEnv } from '@mosaic/testing';

export interface TestStackOptions {
  sources: string[];
  replicas?: Record<string, number>;
  /** Extra environment for every service (QUERY_DEADLINE_MS, WORKER_ACK_WAIT_MS, ...). */
  env?: Record<string, string>;
  /** Log folder name under .mosaic/test-logs. */
  name: string;
}

export interface TestStack {
  url: string;
  /** `Authorization` header of a freshly signed-up user of its own tenant. */
  auth: Record<string, string>;
  /** Signs up (and logs in) another user in a new tenant. */
  newUser(label: string): Promise<TestUser>;
  stack: ServiceStack;
  launches: ServiceLaunch[];
  stop(): Promise<void>;
}

/** Starts a whole Mosaic stack as processes against the test infrastructure. */
export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const infra = { ...requireInfraEnv(), APP_DATABASE_URL: appDatabaseUrl() };
  const root = repoRoot();
  const stack = new ServiceStack({
    root,
    logDir: path.join(root, '.mosaic', 'test-logs', options.name),
    baseEnv: { NATS_URL: infra.NATS_URL, LOG_LEVEL: 'info', NODE_ENV: 'test' },
  });
  const { url, launches } = await launchStack({
    stack,
    root,
    infra,
    sources: options.sources,
    replicas: options.replicas,
    // The SaaS fakes and test MCP servers listen on loopback, which only an allow-list opens.
    env: { MCP_EGRESS_ALLOW: '127.0.0.1', ...options.env },
  });
  const newUser = (label: string) => signUp(url, label);
  const owner = await newUser('owner');
  return { url, auth: owner.auth, newUser, stack, launches, stop: () => stack.stopAll() };
}

export type TestUser = SignedUpUser;

function appDatabaseUrl(): string {
  const url = process.env['APP_DATABASE_URL'];
  if (!url) throw new Error('APP_DATABASE_URL is not set: run `npm test` (the test infra env provides it)');
  return url;
}

/** A new user in a new tenant, logged in: unique emails keep runs independent. */
export const signUp = (url: string, label: string): Promise<TestUser> => signUpUser(url, label, 'e2e.example');
