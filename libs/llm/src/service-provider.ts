import type { Logger, MosaicMetrics } from '@mosaic/observability';
import { createLlmProvider } from './anthropic/create-llm-provider';
import { LlmError } from './anthropic/llm.exception';
import { FallbackProvider } from './fallback.provider';
import { LocalProvider } from './local/local.provider';
import { LlmProvider } from './provider';

/**
 * The provider a service runs with: the local one without ANTHROPIC_API_KEY; with it, Claude,
 * backed by the local provider when a plan or synthesis fails (counted in
 * `mosaic_llm_fallbacks_total{role, code}` and logged without the prompt).
 */
export function serviceLlmProvider(env: Record<string, string | undefined>, metrics: MosaicMetrics, logger: Logger): LlmProvider {
  const primary = createLlmProvider(env);
  if (primary instanceof LocalProvider) return primary;
  return new FallbackProvider(primary, new LocalProvider(), (role, error) => {
    const code = error instanceof LlmError ? error.code : 'unexpected';
    metrics.llmFallbacks.inc({ role, code });
    logger.warn({ role, code, err: error }, 'model call failed; the local provider answered instead');
  });
}
