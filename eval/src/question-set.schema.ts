import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SourceIdSchema } from '@mosaic/contracts';

/**
 * A fact a correct answer must contain: a plain string (case-insensitive substring) or
 * `{"regex": "..."}` (always matched case-insensitively). Facts are necessary, not
 * sufficient: an answer holding them all can still be wrong elsewhere.
 */
export const FactSchema = z.union([
  z.string().trim().min(1),
  z
    .object({ regex: z.string().min(1) })
    .strict()
    .refine(({ regex }) => compiles(regex), ({ regex }) => ({ message: `not a valid regular expression: ${regex}` })),
]);
export type Fact = z.infer<typeof FactSchema>;

export const QUESTION_CATEGORIES = ['single', 'multi', 'demo', 'off-topic'] as const;

export const EvalQuestionSchema = z
  .object({
    /** Stable, kebab-case: results of different runs are compared by it. */
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are kebab-case'),
    /** single: one source holds the answer; multi: both; demo: the README's demo questions; off-topic: neither. */
    category: z.enum(QUESTION_CATEGORIES),
    question: z.string().trim().min(1),
    /** The sources a perfect planner picks; empty when no source can answer. */
    expected_sources: z.array(SourceIdSchema),
    expected_facts: z.array(FactSchema),
    /** Where in the sample workspace the answer is (for people, not scored). */
    notes: z.string().optional(),
  })
  .strict()
  .refine((q) => new Set(q.expected_sources).size === q.expected_sources.length, { message: 'expected_sources has duplicates' });
export type EvalQuestion = z.infer<typeof EvalQuestionSchema>;

export const QuestionSetSchema = z
  .object({
    description: z.string().optional(),
    questions: z.array(EvalQuestionSchema).min(1),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['questions', i, 'id'], message: `duplicate id ${q.id}` });
      seen.add(q.id);
    });
  });
export type QuestionSet = z.infer<typeof QuestionSetSchema>;

/** Thrown when the question file is missing, not JSON, or fails the schema. */
export class QuestionSetError extends Error {}

/** Reads and validates a question set; every problem is listed in the error. */
export function loadQuestionSet(file: string): QuestionSet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new QuestionSetError(`cannot read the question set ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = QuestionSetSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new QuestionSetError(`invalid question set ${file}:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}
