import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadQuestionSet, QuestionSetError, QuestionSetSchema } from './question-set.schema';
import { factLabel, factMatches } from './scoring';

const root = path.resolve(__dirname, '..', '..');
const QUESTIONS = path.join(root, 'eval', 'questions.json');

/** Every document and SQL file of the sample workspace, as one text. */
function sampleWorkspaceText(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(md|sql)$/.test(entry.name)) files.push(full);
    }
  };
  walk(path.join(root, 'sample', 'workspace'));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

const question = (overrides: Record<string, unknown> = {}) => ({
  id: 'q-one',
  category: 'single',
  question: 'What is our refund policy?',
  expected_sources: ['files'],
  expected_facts: ['30 days'],
  ...overrides,
});

describe('QuestionSetSchema', () => {
  it('should accept string and regex facts when both are well-formed', () => {
    const sut = QuestionSetSchema.safeParse({ questions: [question({ expected_facts: ['30 days', { regex: 'NW-2026-00(11|37)' }] })] });

    expect(sut.success).toBe(true);
  });

  it('should reject a regex fact when it does not compile', () => {
    const sut = QuestionSetSchema.safeParse({ questions: [question({ expected_facts: [{ regex: 'NW-(' }] })] });

    expect(sut.success).toBe(false);
  });

  it('should reject the set when two questions share an id', () => {
    const sut = QuestionSetSchema.safeParse({ questions: [question(), question()] });

    expect(sut.success).toBe(false);
    expect(JSON.stringify(sut.error?.issues)).toContain('duplicate id q-one');
  });

  it('should reject a question when a source id is malformed or repeated', () => {
    expect(QuestionSetSchema.safeParse({ questions: [question({ expected_sources: ['Files'] })] }).success).toBe(false);
    expect(QuestionSetSchema.safeParse({ questions: [question({ expected_sources: ['files', 'files'] })] }).success).toBe(false);
  });
});

describe(loadQuestionSet.name, () => {
  it('should list the bad field when the file fails the schema', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mosaic-eval-')), 'questions.json');
    writeFileSync(file, JSON.stringify({ questions: [question({ category: 'trivia' })] }));

    expect(() => loadQuestionSet(file)).toThrow(QuestionSetError);
    expect(() => loadQuestionSet(file)).toThrow(/questions\.0\.category/);
  });
});

describe('eval/questions.json', () => {
  const set = loadQuestionSet(QUESTIONS);
  const workspace = sampleWorkspaceText();

  it('should hold about twenty questions covering every category', () => {
    expect(set.questions.length).toBeGreaterThanOrEqual(18);
    expect(new Set(set.questions.map((q) => q.category))).toEqual(new Set(['single', 'multi', 'demo', 'off-topic']));
    expect(set.questions.some((q) => q.category === 'single' && q.expected_sources[0] === 'files')).toBe(true);
    expect(set.questions.some((q) => q.category === 'single' && q.expected_sources[0] === 'postgres')).toBe(true);
  });

  it('should only expect the sample workspace sources', () => {
    for (const q of set.questions) for (const source of q.expected_sources) expect(['files', 'postgres']).toContain(source);
  });

  it("should contain the README's demo questions word for word", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const demo = set.questions.filter((q) => q.category === 'demo').map((q) => q.question);

    expect(demo).toHaveLength(3);
    for (const text of demo) expect(readme).toContain(text);
  });

  it('should take every expected fact from the sample data', () => {
    const ungrounded = set.questions.flatMap((q) => q.expected_facts.filter((f) => !factMatches(f, workspace)).map((f) => `${q.id}: ${factLabel(f)}`));

    expect(ungrounded).toEqual([]);
  });
});
