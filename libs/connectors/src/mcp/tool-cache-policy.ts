import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolOutcome } from './mcp-session';

/** What is cached: a server's tool list, a tool's result, or a schema description. */
export type CacheKind = 'tools' | 'result' | 'schema';

export interface ToolCacheRule {
  /** `none`: never cached (writes, diagnostics). */
  kind: Exclude<CacheKind, 'tools'> | 'none';
  ttlSeconds: number;
}

/** Default lifetimes (seconds): tool lists 300, results 30, schemas 600. */
export const CACHE_TTL_SECONDS: Readonly<Record<CacheKind, number>> = { tools: 300, result: 30, schema: 600 };

/** Results larger than this are never cached: the cache is for many small answers, not a blob store. */
export const MAX_CACHED_RESULT_BYTES = 256 * 1024;

const NEVER: ToolCacheRule = { kind: 'none', ttlSeconds: 0 };
const SCHEMA: ToolCacheRule = { kind: 'schema', ttlSeconds: CACHE_TTL_SECONDS.schema };
const RESULT: ToolCacheRule = { kind: 'result', ttlSeconds: CACHE_TTL_SECONDS.result };

/**
 * Per-tool rules by exact tool name: tools that describe structure change rarely and get the
 * schema lifetime; the echo diagnostics tools exist to exercise timing and failures, so they are
 * never cached. A tool not listed here falls back to `ruleByName`.
 */
export const TOOL_CACHE_RULES: Readonly<Record<string, ToolCacheRule>> = {
  list_tables: SCHEMA,
  describe_table: SCHEMA,
  list_schemas: SCHEMA,
  get_schema: SCHEMA,
  list_allowed_directories: SCHEMA,
  sleep: NEVER,
  fail: NEVER,
  crash: NEVER,
};

/** Name words of tools that change something: their results are never cached. */
const WRITE_WORDS =
  /(^|_)(write|edit|create|update|delete|remove|move|rename|insert|upsert|drop|alter|post|send|put|patch|set|add|merge|close|reopen|comment|react|invite|archive|upload)(_|$)/i;
/** Name words of tools that describe structure rather than data. */
const SCHEMA_WORDS = /(^|_)(schema|schemas|describe|columns)(_|$)|^list_tables$/i;

/** The rule for a tool: the explicit map first, then its name. */
export function cacheRuleFor(tool: string, rules: Readonly<Record<string, ToolCacheRule>> = TOOL_CACHE_RULES): ToolCacheRule {
  const explicit = rules[tool];
  if (explicit) return explicit;
  if (WRITE_WORDS.test(tool)) return NEVER;
  if (SCHEMA_WORDS.test(tool)) return SCHEMA;
  return RESULT;
}

/**
 * Whether the server's own description allows caching the tool's results: a tool the server
 * marks as not read-only, or destructive, is never cached even if its name looks harmless.
 * Unknown tools (not in the list) are allowed: the name rule already applied.
 */
export function annotationsAllowCaching(tools: readonly Pick<Tool, 'name' | 'annotations'>[], tool: string): boolean {
  const annotations = tools.find((t) => t.name === tool)?.annotations;
  return annotations?.readOnlyHint !== false && annotations?.destructiveHint !== true;
}

/** Whose cache an entry is in: a tenant's, or the deployment's for tasks without one. */
export function cacheScope(task: { tenant_id?: string }): string {
  return task.tenant_id ? `tenant:${task.tenant_id}` : 'deployment';
}

/**
 * A stable, one-way name for a credential set (the same on every replica): session, breaker and
 * cache keys use it, so no key ever carries a credential.
 */
export function credentialSetHash(credentials: Readonly<Record<string, string>>): string {
  const entries = Object.entries(credentials).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update('mosaic:credential-set:v1\0').update(JSON.stringify(entries)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface CacheKeyParts {
  scope: string;
  connector: string;
  credentialHash: string;
}

/**
 * Redis keys of the connector caches. The hash tag `{scope}` keeps one tenant's entries on one
 * cluster slot; tool arguments are hashed, since they may be long or hold a user's search terms.
 * Never renamed in place: bump `v1` instead.
 */
export const cacheKeys = {
  tools: (p: CacheKeyParts) => `mosaic:cache:v1:{${p.scope}}:${p.connector}:${p.credentialHash}:tools`,
  call: (p: CacheKeyParts, kind: Exclude<CacheKind, 'tools'>, tool: string, args: Record<string, unknown>) =>
    `mosaic:cache:v1:{${p.scope}}:${p.connector}:${p.credentialHash}:${kind}:${encodeURIComponent(tool)}:${createHash('sha256')
      .update(canonicalJson(args))
      .digest('hex')
      .slice(0, 32)}`,
};

/** A cached tool outcome, parsed on the way out like anything read from outside. */
export const CachedToolOutcomeSchema = z.object({
  ok: z.literal(true),
  text: z.string(),
  structured: z.record(z.unknown()).optional(),
});

/** Only successful results under the size limit are cached: tool errors never are. */
export function cacheableOutcome(outcome: ToolOutcome, maxBytes = MAX_CACHED_RESULT_BYTES): string | undefined {
  if (!outcome.ok) return undefined;
  const json = JSON.stringify({ ok: true, text: outcome.text, ...(outcome.structured ? { structured: outcome.structured } : {}) });
  return Buffer.byteLength(json) <= maxBytes ? json : undefined;
}
