import { AgentPlan } from '@mosaic/contracts';
import { LlmError, LlmErrorCode } from './anthropic/llm.exception';
import { LlmCallContext, LlmProvider, SourceDescriptor, SynthesisDelta, SynthesisInput, ToolLoopInput, ToolLoopResult } from './provider';

export type FallbackRole = 'plan' | 'synthesis';

const REASONS: Partial<Record<LlmErrorCode, string>> = {
  [LlmErrorCode.SpendLimit]: "the model provider's spend limit is reached",
  [LlmErrorCode.RateLimited]: 'the model is rate limited',
  [LlmErrorCode.Overloaded]: 'the model is overloaded',
  [LlmErrorCode.Authentication]: 'the model API key was rejected',
  [LlmErrorCode.Timeout]: 'the model did not answer in time',
  [LlmErrorCode.MalformedOutput]: 'the model answered in an unexpected shape',
};

/** Why the model did not answer, in words a user can act on (never the provider's raw message). */
export function fallbackReason(error: unknown): string {
  return (error instanceof LlmError && REASONS[error.code]) || 'the model is unavailable';
}

/**
 * A model provider backed by the local one: when a plan or a synthesis fails before anything
 * reached the client, the local provider answers instead, and `onFallback` is told why. A
 * synthesis that fails after text was streamed cannot be redone without contradicting what the
 * client already has, so that error is passed on.
 */
export class FallbackProvider implements LlmProvider {
  readonly name: string;

  constructor(
    private readonly primary: LlmProvider,
    private readonly fallback: LlmProvider,
    private readonly onFallback: (role: FallbackRole, error: unknown) => void = () => undefined,
  ) {
    this.name = primary.name;
  }

  async planSources(query: string, sources: readonly SourceDescriptor[], context?: LlmCallContext): Promise<AgentPlan> {
    try {
      return await this.primary.planSources(query, sources, context);
    } catch (error) {
      if (context?.signal?.aborted) throw error;
      this.onFallback('plan', error);
      const plan = await this.fallback.planSources(query, sources, context);
      return { ...plan, reasoning: `Planned by keyword because ${fallbackReason(error)}. ${plan.reasoning}` };
    }
  }

  async *synthesize(input: SynthesisInput, context?: LlmCallContext): AsyncIterable<SynthesisDelta> {
    let streamed = false;
    try {
      for await (const delta of this.primary.synthesize(input, context)) {
        if (delta.type === 'text' || delta.type === 'thinking') streamed = true;
        yield delta;
      }
      return;
    } catch (error) {
      if (streamed || context?.signal?.aborted) throw error;
      this.onFallback('synthesis', error);
      yield { type: 'text', text: `_Quoted from the sources without the model, because ${fallbackReason(error)}._\n\n` };
    }
    yield* this.fallback.synthesize(input, context);
  }

  get runToolLoop(): ((input: ToolLoopInput, context?: LlmCallContext) => Promise<ToolLoopResult>) | undefined {
    return this.primary.runToolLoop?.bind(this.primary);
  }
}
