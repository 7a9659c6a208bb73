import { AgentPlan } from '@mosaic/contracts';
import { LlmCallContext, LlmProvider, SourceDescriptor, SynthesisDelta, SynthesisInput, ToolLoopInput, ToolLoopResult } from './provider';

export type FallbackRole = 'plan' | 'synthesis';

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
      return this.fallback.planSources(query, sources, context);
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
    }
    yield* this.fallback.synthesize(input, context);
  }

  get runToolLoop(): ((input: ToolLoopInput, context?: LlmCallContext) => Promise<ToolLoopResult>) | undefined {
    return this.primary.runToolLoop?.bind(this.primary);
  }
}
