import { z } from 'zod';
import { baseEnvSchema, envFields, llmEnvShape } from '@mosaic/runtime';

export const plannerEnvSchema = baseEnvSchema.extend({
  ...llmEnvShape,
  PORT: envFields.port.default(8082),
  PLANNER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  PLANNER_ACK_WAIT_MS: envFields.positiveMs.default(15_000),
});
export type PlannerConfig = z.infer<typeof plannerEnvSchema>;
