import { MultiSourceResponse } from '@mosaic/contracts';
import { EvalQuestion } from './question-set.schema';
import { factLabel, OverallScores, QuestionScores } from './scoring';

/** One question's run: an answer with its scores, or the reason there is none. */
export interface QuestionOutcome {
  question: EvalQuestion;
  answer?: MultiSourceResponse;
  scores?: QuestionScores;
  /** Client-side round trip (ms). */
  ms?: number;
  /** The provider the planner reported for this query, when it was this run's planner. */
  provider?: string;
  error?: string;
}

const list = (sources: readonly string[]) => (sources.length ? sources.join(',') : '-');
const num = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '-' : value.toFixed(digits));
const ratio = (a: number, b: number) => (b ? `${a}/${b}` : '-');

const COLUMNS: [string, number, 'left' | 'right'][] = [
  ['id', 28, 'left'],
  ['category', 10, 'left'],
  ['expected', 16, 'left'],
  ['planned', 16, 'left'],
  ['P', 5, 'right'],
  ['R', 6, 'right'],
  ['facts', 7, 'right'],
  ['cites ok', 9, 'right'],
  ['dangling', 9, 'right'],
  ['failed', 8, 'right'],
  ['ms', 7, 'right'],
];

function row(cells: string[]): string {
  return cells.map((cell, i) => (COLUMNS[i]![2] === 'left' ? cell.padEnd(COLUMNS[i]![1]) : cell.padStart(COLUMNS[i]![1]))).join('').trimEnd();
}

/** One line per question; P/R are routing precision/recall. */
export function questionTable(outcomes: readonly QuestionOutcome[]): string {
  const lines = [row(COLUMNS.map(([name]) => name))];
  for (const { question, answer, scores, ms, error } of outcomes) {
    const head = [question.id.slice(0, COLUMNS[0]![1] - 1), question.category, list(question.expected_sources)];
    if (!answer || !scores) {
      lines.push(`${row([...head, 'ERROR'])}  ${error ?? ''}`);
      continue;
    }
    const { routing, facts, citations } = scores;
    lines.push(
      row([
        ...head,
        list(answer.plan.sources.map((s) => s.source)),
        num(routing.precision),
        num(routing.recall),
        ratio(facts.found.length, facts.found.length + facts.missing.length),
        ratio(citations.correct, citations.total),
        String(citations.danglingMarkers),
        list(scores.failedSources),
        ms === undefined ? '-' : ms.toFixed(0),
      ]),
    );
  }
  return lines.join('\n');
}

/** What went wrong per question, one line each (questions without a miss are left out). */
export function missLines(outcomes: readonly QuestionOutcome[]): string[] {
  const lines: string[] = [];
  for (const { question, scores } of outcomes) {
    if (!scores) continue;
    const parts: string[] = [];
    if (scores.routing.missed.length) parts.push(`not planned: ${scores.routing.missed.join(', ')}`);
    if (scores.routing.extra.length) parts.push(`planned needlessly: ${scores.routing.extra.join(', ')}`);
    if (scores.facts.missing.length) parts.push(`missing facts: ${scores.facts.missing.map((f) => JSON.stringify(f)).join(', ')}`);
    const wrong = scores.citations.verdicts.filter((v) => !v.correct);
    if (wrong.length) parts.push(`wrong citations: ${wrong.map((v) => `[${v.index}] ${v.fault} (${v.source} ${v.item})`).join(', ')}`);
    if (scores.citations.danglingIndices.length) parts.push(`dangling markers: ${scores.citations.danglingIndices.map((n) => `[${n}]`).join(' ')}`);
    if (scores.failedSources.length) parts.push(`failed sources: ${scores.failedSources.join(', ')}`);
    if (parts.length) lines.push(`${question.id}: ${parts.join('; ')}`);
  }
  return lines;
}

export function summaryLines(overall: OverallScores, provider: string, errors: number, latencies: readonly number[]): string[] {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p50 = sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)];
  return [
    `provider: ${provider}`,
    `questions: ${overall.answered} answered, ${errors} error(s)`,
    `routing: precision ${num(overall.routingPrecision)}, recall ${num(overall.routingRecall)} (mean per question)`,
    `facts: recall ${num(overall.factRecall)} (mean per question; ${overall.factsFound}/${overall.factsExpected} facts found)`,
    `citations: correctness ${num(overall.citationCorrectness)} (${overall.citationsCorrect}/${overall.citationsTotal} correct), dangling markers ${overall.danglingMarkers}`,
    `failed sources: ${overall.failedSources}`,
    `latency: p50 ${p50 === undefined ? '-' : p50.toFixed(0)} ms, max ${sorted.length ? sorted[sorted.length - 1]!.toFixed(0) : '-'} ms`,
  ];
}

/** The results file's summary (snake_case, like the API). */
export function summaryJson(overall: OverallScores, errors: number): Record<string, unknown> {
  return {
    answered: overall.answered,
    errors,
    routing_precision: overall.routingPrecision,
    routing_recall: overall.routingRecall,
    fact_recall: overall.factRecall,
    facts_found: overall.factsFound,
    facts_expected: overall.factsExpected,
    citation_correctness: overall.citationCorrectness,
    citations_correct: overall.citationsCorrect,
    citations_total: overall.citationsTotal,
    dangling_markers: overall.danglingMarkers,
    failed_sources: overall.failedSources,
  };
}

/** The results file's entry of one question (snake_case, like the API). */
export function questionJson(outcome: QuestionOutcome): Record<string, unknown> {
  const { question, answer, scores } = outcome;
  return {
    id: question.id,
    category: question.category,
    question: question.question,
    expected_sources: question.expected_sources,
    expected_facts: question.expected_facts.map(factLabel),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(answer && scores
      ? {
          query_id: answer.query_id,
          provider: outcome.provider ?? null,
          planned_sources: answer.plan.sources.map((s) => s.source),
          plan_reasoning: answer.plan.reasoning,
          successful_sources: answer.successful_sources,
          failed_sources: answer.failed_sources,
          routing: scores.routing,
          facts: scores.facts,
          citations: {
            total: scores.citations.total,
            correct: scores.citations.correct,
            share: scores.citations.share,
            incorrect: scores.citations.verdicts.filter((v) => !v.correct),
            dangling_markers: scores.citations.danglingMarkers,
            dangling_indices: scores.citations.danglingIndices,
            unreferenced: scores.citations.unreferenced,
          },
          client_ms: outcome.ms === undefined ? null : Math.round(outcome.ms),
          server_ms: answer.duration_ms,
          response: answer.response,
          cited: answer.citations,
        }
      : {}),
  };
}
