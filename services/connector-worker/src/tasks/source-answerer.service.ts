import { Inject, Injectable } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SourceItem, SourceTaskV1 } from '@mosaic/contracts';
import { ConnectorDefinition, describeSource, directRoute, itemsFromOutcome, StrategyContext, StrategyResult, ToolCaller } from '@mosaic/connectors';
import { countTokens, keywords, LlmError, LlmProvider, serviceLlmProvider, TokenUsage, ToolSpec } from '@mosaic/llm';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { WorkerConfig } from '../config';

/** Names the Messages API accepts for tools; others are not offered. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MAX_ITEMS = 12;

export interface SourceAnswer extends StrategyResult {
  /** Which tier answered: the direct pattern (or local provider), the fast model, the standard model. */
  tier: 'direct' | 'local' | 'fast' | 'standard';
  usage: TokenUsage[];
}

/**
 * Answers one source's share of a query (seed §5.2, three tiers): a direct routing pattern runs
 * the connector's deterministic strategy with no model at all; otherwise the fast model makes
 * one round of tool calls, and when that finds nothing the standard model runs the full loop.
 * Without a model (the local provider) every task uses the deterministic strategy. If the model
 * fails, the deterministic strategy answers instead.
 */
@Injectable()
export class SourceAnswerer {
  private readonly llm: LlmProvider;

  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
  ) {
    this.llm = serviceLlmProvider(config as unknown as Record<string, string | undefined>, metrics, logger);
  }

  async answer(
    task: SourceTaskV1,
    definition: ConnectorDefinition,
    call: ToolCaller,
    credentials: Readonly<Record<string, string>>,
    context: StrategyContext,
    signal: AbortSignal,
  ): Promise<SourceAnswer> {
    const local = async (tier: 'direct' | 'local'): Promise<SourceAnswer> => ({
      ...(await definition.localStrategy(task.query, call, credentials, context)),
      tier,
      usage: [],
    });
    if (!this.llm.runToolLoop) return local('local');
    if (directRoute(definition, task.query)) return local('direct');

    const usage: TokenUsage[] = [];
    try {
      const tools = (await (definition.modelTools ?? defaultModelTools)(context, { allowWrites: task.allow_writes === true }))
        .filter((tool) => TOOL_NAME.test(tool.name))
        .map(toolSpec);
      if (tools.length === 0) return local('local');
      const fast = await this.loop('fast', task, definition, tools, call, usage, signal);
      if (fast.items.length > 0) return { ...fast, tier: 'fast', usage };
      const standard = await this.loop('standard', task, definition, tools, call, usage, signal);
      return { ...standard, tier: 'standard', usage };
    } catch (error) {
      if (signal.aborted || !(error instanceof LlmError)) throw error;
      this.metrics.llmFallbacks.inc({ role: 'tools', code: error.code });
      this.logger.warn({ query_id: task.query_id, source: task.source, code: error.code, err: error }, 'tool loop failed; the connector strategy answers instead');
      return { ...(await local('local')), usage };
    }
  }

  private async loop(
    tier: 'fast' | 'standard',
    task: SourceTaskV1,
    definition: ConnectorDefinition,
    tools: ToolSpec[],
    call: ToolCaller,
    usage: TokenUsage[],
    signal: AbortSignal,
  ): Promise<StrategyResult> {
    const queryKeywords = keywords(task.query);
    const items: SourceItem[] = [];
    const end = this.metrics.llmCallDuration.startTimer({ provider: this.llm.name, role: `tools_${tier}` });
    const firstUsage = usage.length;
    const model = () => usage.slice(firstUsage).at(-1)?.model ?? this.llm.name;
    try {
      const result = await this.llm.runToolLoop!(
        {
          query: task.query,
          source: describeSource(definition),
          tools,
          tier,
          // fast: one round of tool calls plus the turn that answers.
          maxSteps: tier === 'fast' ? 2 : this.config.TOOL_LOOP_MAX_STEPS,
          callTool: async (name, args) => {
            const outcome = await call(name, args);
            // Every successful result is evidence the synthesizer may cite, item by item.
            if (outcome.ok) items.push(...itemsFromOutcome(name, outcome, queryKeywords));
            return { ok: outcome.ok, text: outcome.text };
          },
        },
        {
          signal,
          onUsage: (u) => {
            usage.push(u);
            countTokens(this.metrics, u);
          },
        },
      );
      end({ outcome: 'success', model: model() });
      const ranked = items
        .map((item, index) => ({ item, index }))
        .sort((a, b) => b.item.score - a.item.score || a.index - b.index)
        .slice(0, MAX_ITEMS)
        .map(({ item }) => item);
      return { items: ranked, summary: result.summary };
    } catch (error) {
      end({ outcome: 'error', model: model() });
      throw error;
    }
  }
}

/** The server's tools a model may use: read-only ones, unless the request allowed writes. */
async function defaultModelTools(context: StrategyContext, options: { allowWrites: boolean }): Promise<Tool[]> {
  return (await context.listTools()).filter((tool) => options.allowWrites || tool.annotations?.readOnlyHint === true);
}

function toolSpec(tool: Tool): ToolSpec {
  return { name: tool.name, description: tool.description ?? '', input_schema: tool.inputSchema as Record<string, unknown> };
}
