/**
 * `npm run eval`: answer quality over the sample workspace, through the whole pipeline.
 *
 * Starts a Mosaic stack (auth, planner, synthesizer, a files and a postgres worker, gateway)
 * against the `test` infrastructure, asks every question of eval/questions.json over HTTP
 * (POST /api/agent/query, bearer token of a user it signs up), and scores each answer:
 *   routing     precision and recall of the planned sources against expected_sources;
 *   facts       share of expected_facts found in the response (case-insensitive);
 *   citations   share of citations whose excerpt is in the cited item's content (same source
 *               and item id among the returned items), and `[n]` markers with no citation.
 * Prints a table per question and a summary, and writes .mosaic/eval/results.json.
 * The model provider is the services' own choice (local, or Anthropic when ANTHROPIC_API_KEY
 * is set: every ANTHROPIC_* variable is passed to the services).
 *
 * Exit codes: 0 done (whatever the scores), 1 the run failed (stack, or a question got no
 * answer), 2 bad flags or environment, 3 a --min-/--max- threshold was missed.
 *
 *   npm run eval
 *   npm run eval -- --only demo-refunds,demo-acme-checkout
 *   npm run eval -- --min-fact-recall=0.5 --min-citation-correctness=1 --max-dangling-markers=0
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { repoRoot } from '@mosaic/connectors';
import { ConfigError, parseConfig } from '@mosaic/runtime';
import { EvalStack, startEvalStack } from './eval-stack';
import { askMosaic } from './query-client';
import { EvalQuestion, loadQuestionSet, QuestionSetError } from './question-set.schema';
import { missLines, QuestionOutcome, questionJson, questionTable, summaryJson, summaryLines } from './report';
import { missedThresholds, overallScores, scoreCitations, scoreFacts, scoreRouting, Thresholds } from './scoring';

const HELP = `usage: npm run eval -- [options]
  --questions FILE                   question set (default eval/questions.json)
  --only IDS                         ask only these question ids, comma-separated
  --out FILE                         JSON results (default .mosaic/eval/results.json)
  --timeout-ms N                     per-question HTTP timeout (default 90000)
  --min-routing-precision X          exit 3 when the mean routing precision is below X (0..1)
  --min-routing-recall X             ... routing recall
  --min-fact-recall X                ... fact recall
  --min-citation-correctness X       ... share of correct citations
  --max-dangling-markers N           exit 3 when more [n] markers than N have no citation
needs the test infrastructure's URLs (scripts/eval.sh exports them); every ANTHROPIC_* variable is passed to the services`;

/** Bad flags or environment: reported without a stack trace, exit code 2. */
class UsageError extends Error {}

interface Settings {
  questions: string;
  only?: string[];
  out: string;
  timeoutMs: number;
  thresholds: Thresholds;
}

function readSettings(root: string): Settings {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        questions: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'min-routing-precision': { type: 'string' },
        'min-routing-recall': { type: 'string' },
        'min-fact-recall': { type: 'string' },
        'min-citation-correctness': { type: 'string' },
        'max-dangling-markers': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const share = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number from 0 to 1, got "${raw}"`);
    return n;
  };
  const count = (name: string, raw: string | undefined, min: number) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  return {
    questions: path.resolve(root, values.questions ?? path.join('eval', 'questions.json')),
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    out: path.resolve(root, values.out ?? path.join('.mosaic', 'eval', 'results.json')),
    timeoutMs: count('timeout-ms', values['timeout-ms'], 1) ?? 90_000,
    thresholds: {
      minRoutingPrecision: share('min-routing-precision', values['min-routing-precision']),
      minRoutingRecall: share('min-routing-recall', values['min-routing-recall']),
      minFactRecall: share('min-fact-recall', values['min-fact-recall']),
      minCitationCorrectness: share('min-citation-correctness', values['min-citation-correctness']),
      maxDanglingMarkers: count('max-dangling-markers', values['max-dangling-markers'], 0),
    },
  };
}

const EnvSchema = z.object({
  NATS_URL: z.string().min(1),
  DATABASE_URL: z.string().min(1),
  APP_DATABASE_URL: z.string().min(1),
  REDIS_URL: z.string().min(1),
  SAMPLE_DATABASE_URL: z.string().min(1),
  SAMPLE_READER_DATABASE_URL: z.string().min(1),
});

/** The model provider's settings go to the services untouched; the services decide what they mean. */
const PROVIDER_ENV = /^ANTHROPIC_/;

function readEnv() {
  try {
    const env = parseConfig(EnvSchema);
    const providerEnv = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => PROVIDER_ENV.test(entry[0]) && entry[1] !== undefined),
    );
    return { ...env, providerEnv };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.message}\nrun through \`npm run eval\` (scripts/eval.sh exports the test infrastructure's URLs)`);
    throw error;
  }
}

/** Which provider answered, as this run's planner reported it; says so when another stack planned some queries. */
function describeProvider(outcomes: readonly QuestionOutcome[], anthropicKeySet: boolean): string {
  const answered = outcomes.filter((o) => o.answer);
  const names = [...new Set(answered.map((o) => o.provider).filter((p): p is string => p !== undefined))];
  const unattributed = answered.filter((o) => o.provider === undefined).length;
  if (names.length === 0) return `unknown: the planner logged no provider (ANTHROPIC_API_KEY ${anthropicKeySet ? 'set' : 'not set'})`;
  const note = unattributed
    ? ` (${unattributed} of ${answered.length} queries were planned by another Mosaic stack on the same NATS: its planner shares the durable consumer, so those answers may come from other code)`
    : '';
  return `${names.join(', ')}${note}`;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const settings = readSettings(root);
  const env = readEnv();
  const say = (line: string) => process.stderr.write(`[eval] ${line}\n`);

  let questions: EvalQuestion[];
  try {
    questions = loadQuestionSet(settings.questions).questions;
  } catch (error) {
    if (error instanceof QuestionSetError) throw new UsageError(error.message);
    throw error;
  }
  if (settings.only) {
    const unknown = settings.only.filter((id) => !questions.some((q) => q.id === id));
    if (unknown.length) throw new UsageError(`--only names unknown question ids: ${unknown.join(', ')}`);
    questions = questions.filter((q) => settings.only!.includes(q.id));
  }

  const logDir = path.join(root, '.mosaic', 'eval', 'logs');
  say(`starting the Mosaic stack (sources: files, postgres; logs in ${path.relative(root, logDir)}/) ...`);
  let stack: EvalStack | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stack?.stop() ?? Promise.resolve());
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping the stack ...`);
    void stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    stack = await startEvalStack({
      root,
      natsUrl: env.NATS_URL,
      databaseUrl: env.DATABASE_URL,
      appDatabaseUrl: env.APP_DATABASE_URL,
      redisUrl: env.REDIS_URL,
      sampleDatabaseUrl: env.SAMPLE_DATABASE_URL,
      sampleReaderDatabaseUrl: env.SAMPLE_READER_DATABASE_URL,
      logDir,
      providerEnv: env.providerEnv,
      say,
    });
    say(`stack ready at ${stack.url}; asking ${questions.length} question(s)`);

    const outcomes: QuestionOutcome[] = [];
    for (const [i, question] of questions.entries()) {
      const progress = `${String(i + 1).padStart(2)}/${questions.length} ${question.id}`;
      try {
        const { answer, ms } = await askMosaic(stack.url, stack.auth, question.question, settings.timeoutMs);
        const scores = {
          routing: scoreRouting(
            answer.plan.sources.map((s) => s.source),
            question.expected_sources,
          ),
          facts: scoreFacts(answer.response, question.expected_facts),
          citations: scoreCitations(answer),
          failedSources: answer.failed_sources,
        };
        outcomes.push({ question, answer, scores, ms });
        say(`${progress}: ${ms.toFixed(0)} ms`);
      } catch (error) {
        outcomes.push({ question, error: (error as Error).message });
        say(`${progress}: FAILED ${(error as Error).message}`);
      }
    }

    await new Promise((resolve) => setTimeout(resolve, 300)); // let the planner's log pipe flush
    const providers = stack.plannerProviders();
    for (const outcome of outcomes) if (outcome.answer) outcome.provider = providers.get(outcome.answer.query_id);
    const provider = describeProvider(outcomes, Boolean(env.providerEnv['ANTHROPIC_API_KEY']));

    const scored = outcomes.flatMap((o) => (o.scores ? [o.scores] : []));
    const errors = outcomes.filter((o) => o.error).length;
    const overall = overallScores(scored);
    const missed = missedThresholds(overall, settings.thresholds);
    const misses = missLines(outcomes);
    process.stdout.write(`\n${questionTable(outcomes)}\n`);
    if (misses.length) process.stdout.write(`\n${misses.join('\n')}\n`);
    process.stdout.write(`\n${summaryLines(overall, provider, errors, outcomes.flatMap((o) => (o.ms === undefined ? [] : [o.ms]))).join('\n')}\n`);

    mkdirSync(path.dirname(settings.out), { recursive: true });
    writeFileSync(
      settings.out,
      `${JSON.stringify(
        {
          eval: 'answer-quality',
          finished_at: new Date().toISOString(),
          provider,
          question_set: path.relative(root, settings.questions),
          sample_database: stack.sample,
          summary: summaryJson(overall, errors),
          thresholds: {
            min_routing_precision: settings.thresholds.minRoutingPrecision ?? null,
            min_routing_recall: settings.thresholds.minRoutingRecall ?? null,
            min_fact_recall: settings.thresholds.minFactRecall ?? null,
            min_citation_correctness: settings.thresholds.minCitationCorrectness ?? null,
            max_dangling_markers: settings.thresholds.maxDanglingMarkers ?? null,
          },
          missed_thresholds: missed,
          questions: outcomes.map(questionJson),
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results: ${path.relative(root, settings.out)}\n`);

    if (errors) {
      process.stdout.write(`the run failed: ${errors} question(s) got no answer\n`);
      process.exitCode = 1;
    } else if (missed.length) {
      process.stdout.write(`thresholds missed: ${missed.join('; ')}\n`);
      process.exitCode = 3;
    }
  } finally {
    say('stopping the stack');
    await stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`[eval] ${error.message}\n${HELP}\n`);
    process.exit(2);
  }
  process.stderr.write(`[eval] failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
