import type { MosaicMetrics } from '@mosaic/observability';
import type { TokenUsage } from './provider';

export interface UsageSummary {
  input_tokens: number;
  output_tokens: number;
  by_model: Record<string, { input_tokens: number; output_tokens: number }>;
}

/** Totals of a query's model calls, overall and by model (`MultiSourceResponse.usage`). */
export function summarizeUsage(usage: readonly TokenUsage[]): UsageSummary {
  const summary: UsageSummary = { input_tokens: 0, output_tokens: 0, by_model: {} };
  for (const u of usage) {
    // Cached prompt tokens are input too: they are billed, at a lower rate.
    const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    summary.input_tokens += input;
    summary.output_tokens += u.output_tokens;
    const model = (summary.by_model[u.model] ??= { input_tokens: 0, output_tokens: 0 });
    model.input_tokens += input;
    model.output_tokens += u.output_tokens;
  }
  return summary;
}

/** Exports one call's tokens as `mosaic_llm_tokens_total{model, kind}`. */
export function countTokens(metrics: MosaicMetrics, usage: TokenUsage): void {
  metrics.llmTokens.inc({ model: usage.model, kind: 'input' }, usage.input_tokens);
  metrics.llmTokens.inc({ model: usage.model, kind: 'output' }, usage.output_tokens);
  if (usage.cache_read_input_tokens) metrics.llmTokens.inc({ model: usage.model, kind: 'cache_read' }, usage.cache_read_input_tokens);
  if (usage.cache_creation_input_tokens) metrics.llmTokens.inc({ model: usage.model, kind: 'cache_creation' }, usage.cache_creation_input_tokens);
}
