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

/**
 * A piece of the streamed answer; the final piece carries the citations. Thinking pieces come
 * first, and only from a provider with extended thinking on.
 */
export type SynthesisDelta =
  | { type: 'text'; text: string }
  | { type: 'citations'; citations: Citation[] }
  | { type: 'thinking_start' }
  | { type: 'thinking'; text: string }
  | { type: 'thinking_end' };

/** Tokens one model call used (recorded per query, exported as metrics by model). */
export interface TokenUsage {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** What every provider call may be given besides its input. */
export interface LlmCallContext {
  signal?: AbortSignal;
  /** Called once per model call with what it used. */
  onUsage?: (usage: TokenUsage) => void;
}

/** A tool of a source's MCP server, as offered to a model. */
export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** One source's tool-use loop: the model picks tools, the worker runs them, until it answers. */
export interface ToolLoopInput {
  query: string;
  source: SourceDescriptor;
  /** Only these may be called; anything else the model asks for is refused without a call. */
  tools: readonly ToolSpec[];
  /** Runs a tool for real. Its text is untrusted data from outside, never instructions. */
  callTool(name: string, args: Record<string, unknown>): Promise<{ ok: boolean; text: string }>;
  /** `fast`: the routing model makes one round of calls; `standard`: the full loop up to `maxSteps`. */
  tier: 'fast' | 'standard';
  maxSteps: number;
}

export interface ToolLoopResult {
  /** The model's own short account of what the source said (not a citeable item). */
  summary: string;
  steps: number;
  stopped: 'answered' | 'max_steps';
}

/** The one interface both the local and the Anthropic provider implement. */
export interface LlmProvider {
  readonly name: string;
  planSources(query: string, sources: readonly SourceDescriptor[], context?: LlmCallContext): Promise<AgentPlan>;
  synthesize(input: SynthesisInput, context?: LlmCallContext): AsyncIterable<SynthesisDelta>;
  /** Absent on the local provider, which answers with each connector's deterministic strategy. */
  runToolLoop?(input: ToolLoopInput, context?: LlmCallContext): Promise<ToolLoopResult>;
}
