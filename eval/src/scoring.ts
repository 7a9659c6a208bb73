import { MultiSourceResponse } from '@mosaic/contracts';
import { Fact } from './question-set.schema';

/**
 * Pure scoring of one answer against one question. Every function here is deterministic
 * and side-effect free, so the numbers of a run can be recomputed from its results file.
 */

// ---------------------------------------------------------------- routing

export interface RoutingScore {
  /** Share of planned sources that were expected. An empty plan scores 1 only when nothing was expected. */
  precision: number;
  /** Share of expected sources that were planned. Nothing expected: 1 (nothing to miss). */
  recall: number;
  /** Planned but not expected. */
  extra: string[];
  /** Expected but not planned. */
  missed: string[];
}

export function scoreRouting(planned: readonly string[], expected: readonly string[]): RoutingScore {
  const plannedSet = new Set(planned);
  const expectedSet = new Set(expected);
  const hits = [...plannedSet].filter((s) => expectedSet.has(s)).length;
  return {
    precision: plannedSet.size === 0 ? (expectedSet.size === 0 ? 1 : 0) : hits / plannedSet.size,
    recall: expectedSet.size === 0 ? 1 : hits / expectedSet.size,
    extra: [...plannedSet].filter((s) => !expectedSet.has(s)),
    missed: [...expectedSet].filter((s) => !plannedSet.has(s)),
  };
}

// ---------------------------------------------------------------- facts

/** Runs of whitespace (soft-wrapped lines, table padding) count as one space. */
const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** How a fact is shown in tables and results: the string itself, or `/regex/`. */
export const factLabel = (fact: Fact): string => (typeof fact === 'string' ? fact : `/${fact.regex}/`);

/** Case-insensitive; the text's runs of whitespace count as one space, for strings and patterns alike. */
export function factMatches(fact: Fact, text: string): boolean {
  if (typeof fact === 'string') return collapse(text).toLowerCase().includes(collapse(fact).toLowerCase());
  return new RegExp(fact.regex, 'i').test(collapse(text));
}

export interface FactScore {
  found: string[];
  missing: string[];
  /** found / expected; null when the question expects no facts. */
  recall: number | null;
}

export function scoreFacts(response: string, facts: readonly Fact[]): FactScore {
  const found: string[] = [];
  const missing: string[] = [];
  for (const fact of facts) (factMatches(fact, response) ? found : missing).push(factLabel(fact));
  return { found, missing, recall: facts.length ? found.length / facts.length : null };
}

// ---------------------------------------------------------------- citations

export type CitationFault = 'unknown_item' | 'excerpt_not_in_item' | 'empty_excerpt';

export interface CitationVerdict {
  index: number;
  source: string;
  item: string;
  correct: boolean;
  fault?: CitationFault;
}

export interface CitationScore {
  total: number;
  correct: number;
  /** correct / total; null when the answer cites nothing. */
  share: number | null;
  verdicts: CitationVerdict[];
  /** `[n]` markers in the response (every occurrence) whose n is no citation's index. */
  danglingMarkers: number;
  danglingIndices: number[];
  /** Citations no marker in the response refers to (not an error, but worth a look). */
  unreferenced: number[];
}

/** A marker is `[n]`, or a list `[n, m]`; each number counts once per occurrence. */
const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/** Every citation number the response refers to, in order, repeats included. */
export function citationMarkers(response: string): number[] {
  return [...response.matchAll(MARKER)].flatMap((m) => m[1]!.split(',').map((n) => Number(n.trim())));
}

/** A trailing ellipsis marks a truncated quote: what precedes it must still be quoted verbatim. */
const TRUNCATION = /\s*(?:…|\.\.\.)$/;

/**
 * Whether `excerpt` is quoted from `content`: an exact, case-sensitive substring once runs of
 * whitespace are collapsed (quotes join soft-wrapped lines), allowing a trailing ellipsis.
 */
export function isQuotedFrom(excerpt: string, content: string): boolean {
  const quote = collapse(collapse(excerpt).replace(TRUNCATION, ''));
  return quote.length > 0 && collapse(content).includes(quote);
}

type Answer = Pick<MultiSourceResponse, 'response' | 'citations' | 'source_results'>;

/**
 * A citation is correct when the item it names (same source and item id) is among the
 * items the sources returned and really contains the excerpt.
 */
export function scoreCitations(answer: Answer): CitationScore {
  const contents = new Map<string, string[]>();
  for (const result of answer.source_results) {
    for (const item of result.items) {
      const key = itemKey(result.source, item.id);
      contents.set(key, [...(contents.get(key) ?? []), item.content]);
    }
  }
  const verdicts = answer.citations.map((citation): CitationVerdict => {
    const base = { index: citation.index, source: citation.source, item: citation.item };
    const candidates = contents.get(itemKey(citation.source, citation.item));
    if (!candidates) return { ...base, correct: false, fault: 'unknown_item' };
    if (!collapse(citation.excerpt).replace(TRUNCATION, '')) return { ...base, correct: false, fault: 'empty_excerpt' };
    if (!candidates.some((content) => isQuotedFrom(citation.excerpt, content))) return { ...base, correct: false, fault: 'excerpt_not_in_item' };
    return { ...base, correct: true };
  });
  const indices = new Set(answer.citations.map((c) => c.index));
  const markers = citationMarkers(answer.response);
  const dangling = markers.filter((n) => !indices.has(n));
  const referenced = new Set(markers);
  const correct = verdicts.filter((v) => v.correct).length;
  return {
    total: verdicts.length,
    correct,
    share: verdicts.length ? correct / verdicts.length : null,
    verdicts,
    danglingMarkers: dangling.length,
    danglingIndices: [...new Set(dangling)],
    unreferenced: [...indices].filter((i) => !referenced.has(i)),
  };
}

const itemKey = (source: string, item: string) => `${source}\u0000${item}`;

// ---------------------------------------------------------------- overall

/** The per-question numbers the summary is built from (errored questions have none). */
export interface QuestionScores {
  routing: RoutingScore;
  facts: FactScore;
  citations: CitationScore;
  failedSources: string[];
}

export interface OverallScores {
  /** Questions that got an answer (errored ones are left out of every mean). */
  answered: number;
  /** Means over answered questions. */
  routingPrecision: number | null;
  routingRecall: number | null;
  /** Mean of per-question fact recall, over questions that expect facts. */
  factRecall: number | null;
  factsFound: number;
  factsExpected: number;
  /** All correct citations / all citations (a question with many citations weighs more). */
  citationCorrectness: number | null;
  citationsCorrect: number;
  citationsTotal: number;
  danglingMarkers: number;
  failedSources: number;
}

const mean = (values: readonly number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

export function overallScores(questions: readonly QuestionScores[]): OverallScores {
  const factRecalls = questions.map((q) => q.facts.recall).filter((r): r is number => r !== null);
  const citationsCorrect = sum(questions.map((q) => q.citations.correct));
  const citationsTotal = sum(questions.map((q) => q.citations.total));
  return {
    answered: questions.length,
    routingPrecision: mean(questions.map((q) => q.routing.precision)),
    routingRecall: mean(questions.map((q) => q.routing.recall)),
    factRecall: mean(factRecalls),
    factsFound: sum(questions.map((q) => q.facts.found.length)),
    factsExpected: sum(questions.map((q) => q.facts.found.length + q.facts.missing.length)),
    citationCorrectness: citationsTotal ? citationsCorrect / citationsTotal : null,
    citationsCorrect,
    citationsTotal,
    danglingMarkers: sum(questions.map((q) => q.citations.danglingMarkers)),
    failedSources: sum(questions.map((q) => q.failedSources.length)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

// ---------------------------------------------------------------- thresholds

/** Optional gates (`--min-fact-recall=0.6` ...); none set means the run never fails on scores. */
export interface Thresholds {
  minRoutingPrecision?: number;
  minRoutingRecall?: number;
  minFactRecall?: number;
  minCitationCorrectness?: number;
  maxDanglingMarkers?: number;
}

/** One line per missed threshold; a metric with no value (nothing to measure) does not fail. */
export function missedThresholds(overall: OverallScores, thresholds: Thresholds): string[] {
  const missed: string[] = [];
  const atLeast = (name: string, value: number | null, min: number | undefined) => {
    if (min !== undefined && value !== null && value < min) missed.push(`${name} ${value.toFixed(3)} < ${min}`);
  };
  atLeast('routing precision', overall.routingPrecision, thresholds.minRoutingPrecision);
  atLeast('routing recall', overall.routingRecall, thresholds.minRoutingRecall);
  atLeast('fact recall', overall.factRecall, thresholds.minFactRecall);
  atLeast('citation correctness', overall.citationCorrectness, thresholds.minCitationCorrectness);
  if (thresholds.maxDanglingMarkers !== undefined && overall.danglingMarkers > thresholds.maxDanglingMarkers) {
    missed.push(`dangling markers ${overall.danglingMarkers} > ${thresholds.maxDanglingMarkers}`);
  }
  return missed;
}
