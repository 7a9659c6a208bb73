import { LocalProvider } from '../local/local.provider';
import { LlmProvider } from '../provider';
import { parseAnthropicConfig } from './anthropic.config';
import { AnthropicProvider, AnthropicProviderDeps } from './anthropic.provider';
import { LlmError, LlmErrorCode } from './llm.exception';

/**
 * The provider a service runs with: Anthropic when ANTHROPIC_API_KEY is set, else the local,
 * deterministic provider. Invalid ANTHROPIC_* variables fail start-up (listing every one)
 * rather than silently falling back.
 */
export function createLlmProvider(env: Record<string, string | undefined>, deps?: AnthropicProviderDeps): LlmProvider {
  if (!env.ANTHROPIC_API_KEY?.trim()) return new LocalProvider();
  const parsed = parseAnthropicConfig(env);
  if (!parsed.ok) throw new LlmError(LlmErrorCode.InvalidConfig, parsed.message);
  return new AnthropicProvider(parsed.config, deps);
}
