import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { AgentPlan, Citation, PlannedSource } from '@mosaic/contracts';
import { z } from 'zod';
import { bestExcerpt } from '../local/local.provider';
import { keywords, truncate } from '../local/text';
import {
  LlmCallContext,
  LlmProvider,
  SourceDescriptor,
  SynthesisDelta,
  SynthesisInput,
  TokenUsage,
  ToolLoopInput,
  ToolLoopResult,
} from '../provider';
import { AnthropicProviderConfig, ANTHROPIC_CONFIG_DEFAULTS } from './anthropic.config';
import { classifyAnthropicError, FailedAttempt } from './anthropic-errors';
import {
  FINAL_ANSWER_NUDGE,
  PLANNER_SYSTEM_PROMPT,
  plannerUserPrompt,
  SELECT_SOURCES_INPUT_SCHEMA,
  SELECT_SOURCES_TOOL_NAME,
  SYNTHESIS_SYSTEM_PROMPT,
  synthesisUserPrompt,
  toolLoopSystemPrompt,
} from './anthropic.prompts';
import { CitationMarkerFilter } from './citation-markers';
import { LlmError, LlmErrorCode } from './llm.exception';
import { redactSecrets } from './redact';
import { fenceAttribute, fenceToolResult } from './untrusted-text';

export type AnthropicProviderOptions = Pick<AnthropicProviderConfig, 'apiKey'> & Partial<Omit<AnthropicProviderConfig, 'apiKey'>>;

/** Seams for tests; production uses the defaults. */
export interface AnthropicProviderDeps {
  /** Waits between attempts; rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** 0 ≤ x < 1, for backoff jitter. */
  random?: () => number;
}

/** Most tool calls run from one model turn; the rest are answered with an error. */
const MAX_TOOL_CALLS_PER_TURN = 8;
const PLANNING_MAX_TOKENS = 1024;
const EPHEMERAL = { type: 'ephemeral' as const };

/**
 * The LLM behind Mosaic when an API key is configured: source planning with the fast model
 * (forced `select_sources` tool use), per-source tool loops (fast: one round; standard: up to
 * `maxSteps` turns), and streamed, cited synthesis with the standard model.
 *
 * Everything from outside (tool results, documents, rows) is redacted of secrets, truncated
 * and fenced as untrusted data before a model sees it, and the model may only call the tools
 * it was offered. Retries are ours (the SDK's are off) so their policy is explicit: 429 and
 * 529 honour `retry-after`, 5xx back off, spend limits and other 4xx fail at once.
 */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly models: { fast: string; standard: string };
  // Private fields (#) keep the key out of util.inspect / console.log of the provider.
  readonly #client: Anthropic;
  readonly #config: AnthropicProviderConfig;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(options: AnthropicProviderOptions, deps: AnthropicProviderDeps = {}) {
    this.#config = { ...ANTHROPIC_CONFIG_DEFAULTS, ...options };
    this.models = { fast: this.#config.fastModel, standard: this.#config.standardModel };
    this.#client = new Anthropic({
      apiKey: this.#config.apiKey,
      authToken: null,
      baseURL: this.#config.baseURL,
      timeout: this.#config.timeoutMs,
      maxRetries: 0,
    });
    this.#sleep = deps.sleep ?? abortableSleep;
    this.#random = deps.random ?? Math.random;
  }

  async planSources(query: string, sources: readonly SourceDescriptor[], context?: LlmCallContext): Promise<AgentPlan> {
    if (sources.length === 0) return { sources: [], reasoning: 'No sources are available.' };
    const model = this.#config.fastModel;
    const response = await this.createMessage(
      'planning',
      {
        model,
        max_tokens: PLANNING_MAX_TOKENS,
        system: [{ type: 'text', text: PLANNER_SYSTEM_PROMPT, cache_control: EPHEMERAL }],
        tools: [
          {
            name: SELECT_SOURCES_TOOL_NAME,
            description: 'Records which data sources to ask, with a confidence for each.',
            input_schema: SELECT_SOURCES_INPUT_SCHEMA,
            cache_control: EPHEMERAL,
          },
        ],
        tool_choice: { type: 'tool', name: SELECT_SOURCES_TOOL_NAME },
        messages: [{ role: 'user', content: plannerUserPrompt(query, sources) }],
      },
      context,
    );

    const call = response.content.filter(isToolUse).find((b) => b.name === SELECT_SOURCES_TOOL_NAME);
    if (!call) throw new LlmError(LlmErrorCode.MalformedOutput, `Anthropic planning (${model}) answered without calling ${SELECT_SOURCES_TOOL_NAME}`);
    const parsed = SelectSourcesInputSchema.safeParse(call.input);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
      throw new LlmError(LlmErrorCode.MalformedOutput, `Anthropic planning (${model}) gave an invalid ${SELECT_SOURCES_TOOL_NAME} input (${issues.join('; ')})`, {
        cause: parsed.error,
      });
    }

    const offered = new Set(sources.map((s) => s.id));
    const chosen = new Map<string, PlannedSource>();
    for (const pick of parsed.data.sources) {
      if (!offered.has(pick.source)) continue;
      const confidence = Number(Math.min(1, Math.max(0, pick.confidence)).toFixed(2));
      const previous = chosen.get(pick.source);
      if (previous && previous.confidence >= confidence) continue;
      chosen.set(pick.source, { source: pick.source, confidence, reasoning: truncate(pick.reasoning.trim(), 300) });
    }
    if (parsed.data.sources.length > 0 && chosen.size === 0) {
      throw new LlmError(LlmErrorCode.MalformedOutput, `Anthropic planning (${model}) named none of the ${sources.length} sources offered`);
    }
    const planned = [...chosen.values()].sort((a, b) => b.confidence - a.confidence || a.source.localeCompare(b.source));
    return { sources: planned, reasoning: truncate(parsed.data.reasoning.trim(), 1000) || 'Chosen by the routing model.' };
  }

  async runToolLoop(input: ToolLoopInput, context?: LlmCallContext): Promise<ToolLoopResult> {
    const fast = input.tier === 'fast';
    const model = fast ? this.#config.fastModel : this.#config.standardModel;
    // fast: one round of tool calls, then a turn that must answer; standard: up to maxSteps turns.
    const maxTurns = fast ? Math.min(2, Math.max(1, input.maxSteps)) : Math.max(1, input.maxSteps);
    const offered = new Set(input.tools.map((t) => t.name));
    const tools: Tool[] = input.tools.map((spec, i) => ({
      name: spec.name,
      description: truncate(redactSecrets(spec.description), 1024),
      input_schema: { ...spec.input_schema, type: 'object' },
      ...(i === input.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
    const system: TextBlockParam[] = [{ type: 'text', text: toolLoopSystemPrompt(input.source), cache_control: EPHEMERAL }];
    const messages: MessageParam[] = [{ role: 'user', content: `Question: ${redactSecrets(input.query)}` }];

    for (let turn = 1; ; turn++) {
      const mustAnswer = fast && turn === maxTurns && turn > 1;
      const response = await this.createMessage(
        'tool loop',
        {
          model,
          max_tokens: this.#config.maxTokens,
          system,
          messages,
          ...(tools.length ? { tools, tool_choice: mustAnswer ? { type: 'none' as const } : { type: 'auto' as const } } : {}),
        },
        context,
      );
      const text = response.content
        .filter(isText)
        .map((b) => b.text)
        .join('')
        .trim();
      const uses = response.content.filter(isToolUse);
      if (uses.length === 0) return { summary: truncate(text, 2000), steps: turn, stopped: 'answered' };
      if (turn >= maxTurns) {
        // The model still wants tools but has no turn left to read their results: none is run.
        return { summary: truncate(text, 2000) || `Stopped after ${turn} model turns before an answer.`, steps: turn, stopped: 'max_steps' };
      }

      messages.push({
        role: 'assistant',
        content: response.content.flatMap((b): ContentBlockParam[] => {
          if (isText(b)) return [{ type: 'text', text: b.text }];
          if (isToolUse(b)) return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
          return [];
        }),
      });
      throwIfAborted(context?.signal);
      const results = await Promise.all(uses.map((use, i) => this.runTool(use, i, offered, input)));
      const nextMustAnswer = fast && turn + 1 === maxTurns;
      messages.push({ role: 'user', content: [...results, ...(nextMustAnswer ? [{ type: 'text' as const, text: FINAL_ANSWER_NUDGE }] : [])] });
    }
  }

  async *synthesize(input: SynthesisInput, context?: LlmCallContext): AsyncIterable<SynthesisDelta> {
    const model = this.#config.standardModel;
    const { thinking } = this.#config;
    const prompt = synthesisUserPrompt(input, { itemChars: this.#config.evidenceItemCharBudget, maxItems: this.#config.maxEvidenceItems });
    const params: MessageCreateParamsStreaming = {
      model,
      max_tokens: this.#config.maxTokens + (thinking.enabled ? thinking.budgetTokens : 0),
      system: [{ type: 'text', text: SYNTHESIS_SYSTEM_PROMPT, cache_control: EPHEMERAL }],
      messages: [{ role: 'user', content: prompt.text }],
      ...(thinking.enabled ? { thinking: { type: 'enabled' as const, budget_tokens: thinking.budgetTokens } } : {}),
      stream: true,
    };

    let filter = new CitationMarkerFilter(prompt.evidence.length);
    let stopReason: string | null = null;
    for (let attempt = 1; ; attempt++) {
      filter = new CitationMarkerFilter(prompt.evidence.length);
      // Once anything reached the caller, a retry would repeat it: only a failure before that is retried.
      let forwarded = false;
      const usage = new UsageTally(model);
      const thinkingBlocks = new Set<number>();
      try {
        throwIfAborted(context?.signal);
        const stream = await this.#client.messages.create(params, { signal: context?.signal ?? undefined });
        for await (const event of stream) {
          if (event.type === 'message_start') usage.add(event.message.usage);
          else if (event.type === 'message_delta') {
            usage.add(event.usage);
            stopReason = event.delta.stop_reason;
          } else if (event.type === 'content_block_start' && event.content_block.type === 'thinking' && thinking.enabled) {
            thinkingBlocks.add(event.index);
            forwarded = true;
            yield { type: 'thinking_start' };
          } else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'text_delta') {
              const text = filter.push(event.delta.text);
              if (text) {
                forwarded = true;
                yield { type: 'text', text };
              }
            } else if (event.delta.type === 'thinking_delta' && thinkingBlocks.has(event.index)) {
              yield { type: 'thinking', text: event.delta.thinking };
            }
          } else if (event.type === 'content_block_stop' && thinkingBlocks.delete(event.index)) {
            yield { type: 'thinking_end' };
          }
        }
        // The SDK ends an aborted stream quietly; the caller must not take it for a whole answer.
        throwIfAborted(context?.signal);
        usage.report(context);
        break;
      } catch (error) {
        usage.report(context);
        if (error instanceof LlmError) throw error;
        const failure = classifyAnthropicError(error);
        const delay = this.retryDelay(failure, attempt);
        if (forwarded || delay === undefined) {
          // Close what the caller saw open, so its event sequence stays well formed.
          if (thinkingBlocks.size) yield { type: 'thinking_end' };
          throw this.toLlmError('synthesis', model, failure, attempt, error);
        }
        await this.wait(delay, context?.signal);
      }
    }

    let rest = filter.flush();
    if (stopReason === 'max_tokens') rest += '\n\n_(The answer was cut off at the output limit.)_';
    if (rest) yield { type: 'text', text: rest };
    const queryKeywords = keywords(input.query);
    const citations: Citation[] = filter.used.map((n) => {
      const { source, item } = prompt.evidence[n - 1]!;
      return { index: n, source, tool: item.tool, item: item.id, ...(item.url ? { url: item.url } : {}), excerpt: redactSecrets(bestExcerpt(item, queryKeywords)) };
    });
    yield { type: 'citations', citations };
  }

  /** One tool_use answered: run when offered, refused (never run) otherwise. */
  private async runTool(use: ToolUseContent, position: number, offered: ReadonlySet<string>, input: ToolLoopInput): Promise<ToolResultBlockParam> {
    const refuse = (content: string): ToolResultBlockParam => ({ type: 'tool_result', tool_use_id: use.id, is_error: true, content });
    if (!offered.has(use.name)) {
      return refuse(`tool not available: "${fenceAttribute(use.name)}" is not one of the tools offered for this question, and it was not called.`);
    }
    if (position >= MAX_TOOL_CALLS_PER_TURN) return refuse(`not run: at most ${MAX_TOOL_CALLS_PER_TURN} tool calls run per turn.`);
    if (!isPlainObject(use.input)) return refuse('not run: the arguments must be a JSON object.');
    try {
      const result = await input.callTool(use.name, use.input);
      return { type: 'tool_result', tool_use_id: use.id, is_error: !result.ok, content: fenceToolResult(use.name, result.text, this.#config.toolResultCharBudget) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return refuse(fenceToolResult(use.name, `the tool call failed: ${message}`, 1000));
    }
  }

  /** A non-streaming call with our retry policy, its response checked and its usage reported. */
  private async createMessage(what: string, params: MessageCreateParamsNonStreaming, context?: LlmCallContext): Promise<CheckedMessage> {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(context?.signal);
      let raw: unknown;
      try {
        raw = await this.#client.messages.create(params, { signal: context?.signal ?? undefined });
      } catch (error) {
        const failure = classifyAnthropicError(error);
        const delay = this.retryDelay(failure, attempt);
        if (delay === undefined) throw this.toLlmError(what, params.model, failure, attempt, error);
        await this.wait(delay, context?.signal);
        continue;
      }
      const parsed = MessageSchema.safeParse(raw);
      if (!parsed.success) {
        throw new LlmError(LlmErrorCode.MalformedOutput, `Anthropic ${what} (${params.model}) returned a response that is not a Message`, {
          cause: parsed.error,
          attempts: attempt,
        });
      }
      context?.onUsage?.(toTokenUsage(params.model, parsed.data.usage));
      return parsed.data;
    }
  }

  /** How long to wait before the next attempt, or undefined when there is none. */
  private retryDelay(failure: FailedAttempt, attempt: number): number | undefined {
    if (!failure.retryable || attempt > this.#config.maxRetries) return undefined;
    if (failure.retryAfterMs !== undefined) {
      // Waiting longer than we allow ourselves would only hold the query past its usefulness.
      return failure.retryAfterMs <= this.#config.maxRetryDelayMs ? failure.retryAfterMs : undefined;
    }
    const backoff = Math.min(this.#config.maxRetryDelayMs, this.#config.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(backoff * (0.5 + this.#random() / 2));
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.#sleep(ms, signal);
    } catch (error) {
      throw new LlmError(LlmErrorCode.Aborted, 'Anthropic call aborted while waiting to retry', { cause: error });
    }
  }

  private toLlmError(what: string, model: string, failure: FailedAttempt, attempts: number, cause: unknown): LlmError {
    const parts = [`Anthropic ${what} call (${model}) failed: ${EXPLANATIONS[failure.code]}`];
    if (failure.status !== undefined) parts.push(` (HTTP ${failure.status})`);
    if (attempts > 1) parts.push(` after ${attempts} attempts`);
    if (failure.retryAfterMs !== undefined && failure.retryable) parts.push(`; the API asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s`);
    if (failure.detail) parts.push(`: ${truncate(this.scrub(failure.detail), 300)}`);
    return new LlmError(failure.code, parts.join(''), { cause, status: failure.status, attempts, retryAfterMs: failure.retryAfterMs });
  }

  /** Text of ours that may quote the API: never with the key in it. */
  private scrub(text: string): string {
    return redactSecrets(text.split(this.#config.apiKey).join('[redacted:api-key]'));
  }
}

const EXPLANATIONS: Record<LlmErrorCode, string> = {
  [LlmErrorCode.RateLimited]: 'rate limited',
  [LlmErrorCode.Overloaded]: 'the API is overloaded',
  [LlmErrorCode.SpendLimit]: "the organization's spend or usage limit is reached (not retried; raise the limit or add credit in the Anthropic console)",
  [LlmErrorCode.InvalidRequest]: 'the API rejected the request',
  [LlmErrorCode.Authentication]: 'the API key was rejected (check ANTHROPIC_API_KEY)',
  [LlmErrorCode.Timeout]: 'no response in time',
  [LlmErrorCode.MalformedOutput]: 'the response could not be read',
  [LlmErrorCode.Unavailable]: 'the API could not be reached',
  [LlmErrorCode.Aborted]: 'the call was aborted',
  [LlmErrorCode.InvalidConfig]: 'the configuration is invalid',
};

const TextContentSchema = z.object({ type: z.literal('text'), text: z.string() });
const ToolUseContentSchema = z.object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string(), input: z.unknown() });
const OtherContentSchema = z.object({ type: z.string().refine((t) => t !== 'text' && t !== 'tool_use') }).passthrough();
const UsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});
const MessageSchema = z.object({
  type: z.literal('message'),
  content: z.array(z.union([TextContentSchema, ToolUseContentSchema, OtherContentSchema])),
  stop_reason: z.string().nullable(),
  usage: UsageSchema,
});
type TextContent = z.infer<typeof TextContentSchema>;
type ToolUseContent = z.infer<typeof ToolUseContentSchema>;
type CheckedMessage = z.infer<typeof MessageSchema>;
type ContentBlock = CheckedMessage['content'][number];
const isText = (block: ContentBlock): block is TextContent => block.type === 'text';
const isToolUse = (block: ContentBlock): block is ToolUseContent => block.type === 'tool_use';
type UsageFields = z.infer<typeof UsageSchema>;

/** The select_sources tool's input: checked, never trusted. */
const SelectSourcesInputSchema = z.object({
  sources: z.array(
    z.object({
      source: z.string(),
      confidence: z.number().finite(),
      reasoning: z.string().default(''),
    }),
  ),
  reasoning: z.string().default(''),
});

function toTokenUsage(model: string, usage: UsageFields): TokenUsage {
  return {
    model,
    input_tokens: usage.input_tokens ?? 0,
    output_tokens: usage.output_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
  };
}

/** Usage of one streamed call: `message_start` has the input side, `message_delta` the running totals. */
class UsageTally {
  private seen = false;
  private reported = false;
  private readonly fields: Required<{ [K in keyof UsageFields]: number }> = {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  };

  constructor(private readonly model: string) {}

  add(usage: Partial<Record<keyof UsageFields, number | null | undefined>> | null | undefined): void {
    if (!usage) return;
    this.seen = true;
    for (const key of Object.keys(this.fields) as Array<keyof UsageFields>) {
      const value = usage[key];
      if (typeof value === 'number') this.fields[key] = value;
    }
  }

  /** Reports once, and only when the API said something (a call that never started cost nothing). */
  report(context?: LlmCallContext): void {
    if (!this.seen || this.reported) return;
    this.reported = true;
    context?.onUsage?.(toTokenUsage(this.model, this.fields));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LlmError(LlmErrorCode.Aborted, 'Anthropic call aborted by the caller', { cause: signal.reason });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
