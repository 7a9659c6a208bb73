import { AgentPlan, Citation, PlannedSource, SourceItem } from '@mosaic/contracts';
import { LlmProvider, SourceDescriptor, SynthesisDelta, SynthesisInput } from '../provider';
import { keywords, overlapScore, sentenceBlocks, stemSet, truncate } from './text';

export interface LocalProviderOptions {
  /** Confidence at or above which a source is queried. */
  selectionThreshold?: number;
  /** Most items cited per source. */
  maxItemsPerSource?: number;
  /** Items scoring below this are not cited. */
  minItemScore?: number;
}

/**
 * The embedded default provider: keyword and metadata scoring for planning, and
 * extractive synthesis in which every sentence is quoted from the item it cites.
 */
export class LocalProvider implements LlmProvider {
  readonly name = 'local';
  private readonly threshold: number;
  private readonly maxItems: number;
  private readonly minScore: number;

  constructor(options: LocalProviderOptions = {}) {
    this.threshold = options.selectionThreshold ?? 0.3;
    this.maxItems = options.maxItemsPerSource ?? 6;
    this.minScore = options.minItemScore ?? 0.2;
  }

  async planSources(query: string, sources: readonly SourceDescriptor[]): Promise<AgentPlan> {
    const queryKeywords = keywords(query);
    const scored: PlannedSource[] = sources.map((source) => {
      const vocabulary = new Set([
        ...stemSet(source.keywords.join(' ')),
        ...stemSet(source.name),
        ...stemSet(source.id.replace(/[_-]/g, ' ')),
      ]);
      const hits = queryKeywords.filter((k) => vocabulary.has(k));
      const confidence = Math.min(0.95, hits.length === 0 ? 0.1 : 0.35 + 0.15 * hits.length);
      return {
        source: source.id,
        confidence: Number(confidence.toFixed(2)),
        reasoning: hits.length ? `query mentions ${hits.join(', ')}` : 'no query term matches this source',
      };
    });
    let chosen = scored.filter((s) => s.confidence >= this.threshold);
    let reasoning: string;
    if (chosen.length === 0) {
      chosen = scored.map((s) => ({ ...s, reasoning: 'no source stood out, so every available source is asked' }));
      reasoning = 'No source matched the question clearly; asking every available source.';
    } else {
      reasoning = chosen.map((s) => `${s.source}: ${s.reasoning}`).join('; ');
    }
    chosen.sort((a, b) => b.confidence - a.confidence || a.source.localeCompare(b.source));
    return { sources: chosen, reasoning };
  }

  async *synthesize(input: SynthesisInput): AsyncIterable<SynthesisDelta> {
    const queryKeywords = keywords(input.query);
    const citations: Citation[] = [];
    const order = new Map(input.plan.sources.map((s, i) => [s.source, i]));
    const results = [...input.results].sort((a, b) => (order.get(a.source) ?? 99) - (order.get(b.source) ?? 99));
    const succeeded = results.filter((r) => r.success);
    const failed = results.filter((r) => !r.success);
    const name = (id: string) => input.sourceNames[id] ?? id;

    const sections: string[] = [];
    for (const result of succeeded) {
      const picked = pickItems(result.items, this.maxItems, this.minScore);
      if (picked.length === 0) continue;
      const lines = picked.map((item) => {
        const excerpt = bestExcerpt(item, queryKeywords);
        citations.push({
          index: citations.length + 1,
          source: result.source,
          tool: item.tool,
          item: item.id,
          ...(item.url ? { url: item.url } : {}),
          excerpt,
        });
        return `- ${neutralizeMarkers(item.title)}: ${neutralizeMarkers(excerpt)} [${citations.length}]`;
      });
      sections.push(`**${name(result.source)}**\n${lines.join('\n')}`);
    }

    const answered = succeeded.filter((r) => citations.some((c) => c.source === r.source)).map((r) => name(r.source));
    const intro = answered.length
      ? `Here is what ${answered.join(' and ')} say about "${neutralizeMarkers(truncate(input.query, 120))}":`
      : `None of the sources asked (${results.map((r) => name(r.source)).join(', ') || 'none'}) returned anything relevant to "${neutralizeMarkers(truncate(input.query, 120))}".`;
    yield { type: 'text', text: `${intro}\n\n` };
    for (const section of sections) yield { type: 'text', text: `${section}\n\n` };
    if (failed.length) {
      const list = failed.map((r) => `${name(r.source)} (${neutralizeMarkers(r.error ?? 'failed')})`).join('; ');
      yield { type: 'text', text: `Not included because the source failed: ${list}.\n` };
    }
    yield { type: 'citations', citations };
  }
}

function pickItems(items: readonly SourceItem[], max: number, minScore: number): SourceItem[] {
  return [...items]
    .filter((i) => i.score >= minScore)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, max);
}

/** The one or two sentences of an item that carry most of the query's keywords. */
export function bestExcerpt(item: Pick<SourceItem, 'content' | 'title'>, queryKeywords: readonly string[], maxChars = 320): string {
  // One-line items (a database row, a message) are quoted whole.
  if (!item.content.includes('\n')) return truncate(item.content.trim(), maxChars);
  const blocks = sentenceBlocks(item.content);
  if (blocks.length === 0) return truncate(item.content.trim(), maxChars);
  const scored = blocks.flatMap((block, b) => block.map((text, i) => ({ text, b, i, score: overlapScore(queryKeywords, text) })));
  const best = [...scored].sort((x, y) => y.score - x.score || x.b - y.b || x.i - y.i)[0]!;
  // Add a neighbour from the same block when it also matches, so the excerpt stays a quote.
  const neighbours = scored.filter((s) => s.b === best.b && Math.abs(s.i - best.i) === 1 && s.score > 0);
  const next = neighbours.sort((x, y) => y.score - x.score || x.i - y.i)[0];
  const chosen = next ? [best, next].sort((x, y) => x.i - y.i) : [best];
  return truncate(chosen.map((c) => c.text).join(' '), maxChars);
}

/** Keeps text from the sources from forging `[n]` citation markers in the answer. */
export const neutralizeMarkers = (text: string): string => text.replace(/\[(\d+)\]/g, '($1)');
