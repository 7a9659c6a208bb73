import { AgentPlan, Citation, SourceResult } from '@mosaic/contracts';

/** What the planner knows about a source when choosing. */
export interface SourceDescriptor {
  id: string;
  name: string;
  description: string;
  /** Words that suggest the source is relevant (tables, document kinds, domains). */
  keywords: readonly string[];
}

export interface SynthesisInput {
  query: string;
  plan: AgentPlan;
  results: SourceResult[];
  /** Display names by source id. */
  sourceNames: Record<string, string>;
}

/** A piece of the streamed answer; the final piece carries the citations. */
export type SynthesisDelta = { type: 'text'; text: string } | { type: 'citations'; citations: Citation[] };

/** The one interface both the local and the Anthropic provider implement. */
export interface LlmProvider {
  readonly name: string;
  planSources(query: string, sources: readonly SourceDescriptor[]): Promise<AgentPlan>;
  synthesize(input: SynthesisInput): AsyncIterable<SynthesisDelta>;
}
