import { AgentPlan } from '@mosaic/contracts';
import { LlmError, LlmErrorCode } from './anthropic/llm.exception';
import { FallbackProvider } from './fallback.provider';
import { LlmProvider, SynthesisDelta, SynthesisInput } from './provider';

const plan: AgentPlan = { sources: [{ source: 'files', confidence: 0.9, reasoning: 'local' }], reasoning: 'local plan' };
const input: SynthesisInput = { query: 'q', plan, results: [], sourceNames: {} };

function provider(name: string, behaviour: { plan?: () => Promise<AgentPlan>; deltas?: SynthesisDelta[]; failAfter?: number }): LlmProvider {
  return {
    name,
    planSources: behaviour.plan ?? (async () => plan),
    async *synthesize() {
      const deltas = behaviour.deltas ?? [];
      for (let i = 0; i < deltas.length; i++) {
        if (behaviour.failAfter === i) throw new Error(`${name} failed`);
        yield deltas[i]!;
      }
      if (behaviour.failAfter === deltas.length) throw new Error(`${name} failed`);
    },
  };
}

async function collect(stream: AsyncIterable<SynthesisDelta>): Promise<SynthesisDelta[]> {
  const out: SynthesisDelta[] = [];
  for await (const delta of stream) out.push(delta);
  return out;
}

describe(FallbackProvider.name, () => {
  const local = provider('local', { deltas: [{ type: 'text', text: 'local answer' }, { type: 'citations', citations: [] }] });

  it('should plan with the local provider and report why when the model fails', async () => {
    const reasons: string[] = [];
    const sut = new FallbackProvider(provider('anthropic', { plan: async () => Promise.reject(new Error('overloaded')) }), local, (role, e) => reasons.push(`${role}: ${(e as Error).message}`));
    await expect(sut.planSources('q', [])).resolves.toEqual({ ...plan, reasoning: 'Planned by keyword because the model is unavailable. local plan' });
    expect(reasons).toEqual(['plan: overloaded']);
    expect(sut.name).toBe('anthropic');
  });

  it('should synthesize locally when the model fails before streaming any text', async () => {
    const sut = new FallbackProvider(provider('anthropic', { deltas: [{ type: 'thinking_start' }], failAfter: 1 }), local);
    const deltas = await collect(sut.synthesize(input));
    expect(deltas).toEqual([
      { type: 'thinking_start' },
      { type: 'text', text: '_Quoted from the sources without the model, because the model is unavailable._\n\n' },
      { type: 'text', text: 'local answer' },
      { type: 'citations', citations: [] },
    ]);
  });

  it('should tell the client why in words it can act on when the spend limit is reached', async () => {
    const spent = new LlmError(LlmErrorCode.SpendLimit, 'spend limit');
    const sut = new FallbackProvider(provider('anthropic', { plan: async () => Promise.reject(spent) }), local);
    expect((await sut.planSources('q', [])).reasoning).toMatch(/^Planned by keyword because the model provider's spend limit is reached\./);
  });

  it('should pass the error on when the model fails after text reached the client', async () => {
    const sut = new FallbackProvider(provider('anthropic', { deltas: [{ type: 'text', text: 'partial [1]' }], failAfter: 1 }), local);
    await expect(collect(sut.synthesize(input))).rejects.toThrow('anthropic failed');
  });

  it('should keep the model answer untouched when it succeeds', async () => {
    const sut = new FallbackProvider(provider('anthropic', { deltas: [{ type: 'text', text: 'model' }, { type: 'citations', citations: [] }] }), local);
    expect(await collect(sut.synthesize(input))).toEqual([{ type: 'text', text: 'model' }, { type: 'citations', citations: [] }]);
  });
});
