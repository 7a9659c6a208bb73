import { z } from 'zod';
import { baseEnvSchema, envFields, llmEnvShape } from '@mosaic/runtime';
import { CONNECTORS } from '@mosaic/connectors';
import { REGISTERED_MCP_CONNECTOR } from '@mosaic/contracts';

export const workerEnvSchema = baseEnvSchema
  .extend({
    ...llmEnvShape,
    /** Most model turns of one source's tool-use loop (Anthropic provider). */
    TOOL_LOOP_MAX_STEPS: z.coerce.number().int().min(1).max(20).default(6),
    PORT: envFields.port.default(8090),
    /** The one connector this deployment serves. */
    CONNECTOR: z
      .string({ required_error: 'CONNECTOR is required (one of the catalog ids)' })
      .refine(
        (id) => Object.hasOwn(CONNECTORS, id) || id === REGISTERED_MCP_CONNECTOR,
        (id) => ({ message: `CONNECTOR "${id}" is not in the catalog (${[...Object.keys(CONNECTORS), REGISTERED_MCP_CONNECTOR].join(', ')})` }),
      ),
    /** Tasks one replica works on at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** Redelivery delay when a replica dies mid-task (kept alive by working() while it runs). */
    WORKER_ACK_WAIT_MS: envFields.positiveMs.default(10_000),
    /** Longest one tool call may take, deadline permitting. */
    TOOL_CALL_TIMEOUT_MS: envFields.positiveMs.default(15_000),
    MCP_IDLE_TIMEOUT_MS: envFields.positiveMs.default(300_000),
    /**
     * Hosts, addresses and CIDRs that registered MCP servers and users' own connector URLs
     * (Jira site, GitHub API URL, ...) may resolve to even though they are loopback, private or
     * link-local (comma-separated; empty: public addresses only).
     */
    MCP_EGRESS_ALLOW: z.string().default(''),
    /**
     * `mcp` workers: the stdio commands tenants may register, by id, as JSON:
     * `{"wiki": {"command": "/usr/bin/node", "args": ["/opt/wiki-mcp.js"], "env": {}}}`.
     */
    MCP_STDIO_COMMANDS: z
      .string()
      .default('{}')
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'MCP_STDIO_COMMANDS must be a JSON object' });
          return z.NEVER;
        }
      })
      .pipe(
        z.record(
          z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'command ids are lowercase letters, digits, "_" and "-"'),
          z.object({ command: z.string().min(1), args: z.array(z.string()).default([]), env: z.record(z.string()).default({}) }).strict(),
        ),
      ),
    /** Folders users' own `path` credentials (files `root`) may lie in, colon-separated; default: the deployment's FILES_ROOT. */
    CONNECTOR_ALLOWED_PATHS: z
      .string()
      .default('')
      .transform((v) => v.split(':').map((p) => p.trim()).filter(Boolean)),
    /** Redis for the tool-list, result and schema caches; without it nothing is cached. */
    REDIS_URL: z.string().min(1).optional(),
    /** `off` disables the connector caches even with REDIS_URL set (the benchmark measures real calls). */
    CONNECTOR_CACHE: z.enum(['on', 'off']).default('on'),
    /** Breaker timeout of one tool call (its signal is aborted); defaults to TOOL_CALL_TIMEOUT_MS. */
    BREAKER_TIMEOUT_MS: envFields.positiveMs.optional(),
    /** Failure percentage within the rolling window above which a breaker opens. */
    BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().min(0).max(100).default(50),
    /** Calls within the rolling window before a breaker may open at all. */
    BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
    /** Time a breaker stays open before one half-open probe is let through. */
    BREAKER_RESET_TIMEOUT_MS: envFields.positiveMs.default(30_000),
    /** Window the failure percentage is computed over (10 buckets, so at least 10 ms). */
    BREAKER_ROLLING_WINDOW_MS: envFields.positiveMs.min(10, 'BREAKER_ROLLING_WINDOW_MS must be at least 10').default(10_000),
  })
  .transform((env) => ({ ...env, BREAKER_TIMEOUT_MS: env.BREAKER_TIMEOUT_MS ?? env.TOOL_CALL_TIMEOUT_MS }));
export type WorkerConfig = z.infer<typeof workerEnvSchema>;
