import { z } from 'zod';
import { baseEnvSchema, envFields } from '@mosaic/runtime';
import { CONNECTORS } from '@mosaic/connectors';

export const workerEnvSchema = baseEnvSchema.extend({
  PORT: envFields.port.default(8090),
  /** The one connector this deployment serves. */
  CONNECTOR: z
    .string({ required_error: 'CONNECTOR is required (one of the catalog ids)' })
    .refine((id) => Object.hasOwn(CONNECTORS, id), (id) => ({ message: `CONNECTOR "${id}" is not in the catalog (${Object.keys(CONNECTORS).join(', ')})` })),
  /** Tasks one replica works on at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Redelivery delay when a replica dies mid-task (kept alive by working() while it runs). */
  WORKER_ACK_WAIT_MS: envFields.positiveMs.default(10_000),
  /** Longest one tool call may take, deadline permitting. */
  TOOL_CALL_TIMEOUT_MS: envFields.positiveMs.default(15_000),
  MCP_IDLE_TIMEOUT_MS: envFields.positiveMs.default(300_000),
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;
