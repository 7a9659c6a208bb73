import path from 'node:path';
import { repoRoot } from '@mosaic/connectors';
import { launchStack, ServiceLaunch, ServiceStack, SignedUpUser, signUpUser } from '@mosaic/runtime';
import { requireInfraEnv } from '@mosaic/testing';

export interface ObservedStackOptions {
  sources: string[];
  /** Environment for every service. */
  env: Record<string, string>;
  /** Changes one launch before it starts (per-service environment). */
  adjust?: (launch: ServiceLaunch) => void;
  /** Runs once every port is known, before any service starts (e.g. a scraper that needs the targets). */
  beforeStart?: (launches: ServiceLaunch[]) => Promise<void>;
  /** Log folder name under .mosaic/test-logs. */
  name: string;
}

export interface ObservedStack {
  url: string;
  launches: ServiceLaunch[];
  logDir: string;
  stop(): Promise<void>;
}

/**
 * A whole Mosaic stack as processes against the test infrastructure, as the end-to-end tests
 * start it, with hooks to give single services their own environment and to act once the ports
 * are known.
 */
export async function startObservedStack(options: ObservedStackOptions): Promise<ObservedStack> {
  const appDatabaseUrl = process.env['APP_DATABASE_URL'];
  if (!appDatabaseUrl) throw new Error('APP_DATABASE_URL is not set: run `npm test` (the test infra env provides it)');
  const infra = { ...requireInfraEnv(), APP_DATABASE_URL: appDatabaseUrl };
  const root = repoRoot();
  const logDir = path.join(root, '.mosaic', 'test-logs', options.name);
  const stack = new ServiceStack({ root, logDir, baseEnv: { NATS_URL: infra.NATS_URL, LOG_LEVEL: 'info', NODE_ENV: 'test' } });
  const { url, launches } = await launchStack({
    stack,
    root,
    infra,
    sources: options.sources,
    env: options.env,
    adjust: options.adjust,
    beforeStart: options.beforeStart,
  });
  return { url, launches, logDir, stop: () => stack.stopAll() };
}

export type StackUser = SignedUpUser;

/** A new user in a new tenant (its admin), logged in. */
export const signUp = (url: string, label: string): Promise<StackUser> => signUpUser(url, label, 'deploy.example');
