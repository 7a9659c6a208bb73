import { z } from 'zod';
import { baseEnvSchema, envFields, llmEnvShape } from '@mosaic/runtime';

export const synthesizerEnvSchema = baseEnvSchema.extend({
  ...llmEnvShape,
  PORT: envFields.port.default(8083),
  REDIS_URL: z.string().min(1, 'REDIS_URL is required (redis://...)'),
  SYNTHESIZER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** How long a finishing synthesizer holds a query before another may take over. */
  FINALIZE_LEASE_MS: envFields.positiveMs.default(30_000),
});
export type SynthesizerConfig = z.infer<typeof synthesizerEnvSchema>;
