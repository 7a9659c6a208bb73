import { LocalProvider } from '@mosaic/llm';
import { getConnector } from '../catalog';
import { describeSource } from '../connector';
import { filesConnector, markdownSections, nameMatches, slugify, splitMultipleFiles } from './files.connector';

/** The text `read_multiple_files` of the official filesystem server returns for these reads. */
function readMultipleFilesText(reads: Array<[path: string, content: string] | [path: string, content: null, error: string]>): string {
  return reads
    .map(([file, content, error]) => (content === null ? `${file}: Error - ${error}` : `${file}:\n${content}\n`))
    .join('\n---\n');
}

describe(splitMultipleFiles.name, () => {
  const a = '/srv/docs/runbooks/payment-outage.md';
  const b = '/srv/docs/policies/refund-policy.md';
  const c = '/srv/docs/handbook/customer-onboarding.md';

  it('should map each path to its content when every read succeeded', () => {
    const text = readMultipleFilesText([
      [a, '# Payment Outage\n\nPage the on-call engineer.'],
      [b, '# Refund Policy\n\nRefund within 30 days.'],
    ]);

    const sut = splitMultipleFiles(text, [a, b]);

    expect([...sut.entries()]).toEqual([
      [a, '# Payment Outage\n\nPage the on-call engineer.'],
      [b, '# Refund Policy\n\nRefund within 30 days.'],
    ]);
  });

  it('should keep --- lines inside a document when the content has horizontal rules or front matter', () => {
    const withRules = '---\ntitle: Payment outage\n---\n# Payment Outage\n\nStep one.\n\n---\n\nStep two.';
    const text = readMultipleFilesText([
      [a, withRules],
      [b, 'Refunds.\n---\nMore refunds.'],
      [c, 'Welcome.'],
    ]);

    const sut = splitMultipleFiles(text, [a, b, c]);

    expect(sut.get(a)).toBe(withRules);
    expect(sut.get(b)).toBe('Refunds.\n---\nMore refunds.');
    expect(sut.get(c)).toBe('Welcome.');
  });

  it('should leave out a file whose read failed and keep its neighbours intact when one read fails', () => {
    const text = readMultipleFilesText([
      [a, 'Page the on-call engineer.'],
      [b, null, 'ENOENT: no such file or directory'],
      [c, 'Welcome.'],
    ]);

    const sut = splitMultipleFiles(text, [a, b, c]);

    expect([...sut.keys()]).toEqual([a, c]);
    expect(sut.get(a)).toBe('Page the on-call engineer.');
    expect(sut.get(c)).toBe('Welcome.');
  });

  it('should leave out a failed read when the error sits on the line after the path', () => {
    const text = `${a}:\nError - Access denied\n\n---\n${c}:\nWelcome.\n`;

    const sut = splitMultipleFiles(text, [a, c]);

    expect([...sut.entries()]).toEqual([[c, 'Welcome.']]);
  });

  it('should leave out the first and last files when their reads failed', () => {
    const text = readMultipleFilesText([
      [a, null, 'EACCES: permission denied'],
      [b, 'Refunds.'],
      [c, null, 'ENOENT: no such file or directory'],
    ]);

    const sut = splitMultipleFiles(text, [a, b, c]);

    expect([...sut.entries()]).toEqual([[b, 'Refunds.']]);
  });

  it('should return nothing when the text holds none of the paths', () => {
    expect(splitMultipleFiles('No matches found', [a, b]).size).toBe(0);
  });
});

describe(markdownSections.name, () => {
  it('should split at #, ## and ### headings and keep the text before the first heading when a document has both', () => {
    const sut = markdownSections(
      ['Owner: Payments', '', '# Payment Outage', 'Intro.', '## Symptoms', '- Checkout fails.', '### Deep dive', 'Details.'].join('\n'),
    );

    expect(sut).toEqual([
      { heading: '', slug: '', body: 'Owner: Payments' },
      { heading: 'Payment Outage', slug: 'payment-outage', body: 'Intro.' },
      { heading: 'Symptoms', slug: 'symptoms', body: '- Checkout fails.' },
      { heading: 'Deep dive', slug: 'deep-dive', body: 'Details.' },
    ]);
  });

  it('should keep #### headings inside the section body when they are deeper than level 3', () => {
    const sut = markdownSections('## Steps\nFirst.\n#### Note\nSecond.');

    expect(sut).toEqual([{ heading: 'Steps', slug: 'steps', body: 'First.\n#### Note\nSecond.' }]);
  });

  it('should skip a heading with no text under it when two headings follow each other', () => {
    const sut = markdownSections('# Title\n\n## Empty\n\n## Filled\nText.');

    expect(sut.map((s) => s.heading)).toEqual(['Filled']);
  });

  it('should strip closing #s and punctuation from the slug when the heading has them', () => {
    const sut = markdownSections('## First 10 minutes! ##\nAct.');

    expect(sut).toEqual([{ heading: 'First 10 minutes!', slug: 'first-10-minutes', body: 'Act.' }]);
  });

  it('should not treat #hashtags as headings when there is no space after the #', () => {
    const sut = markdownSections('## Channels\nAsk in\n#refund-approvals first.');

    expect(sut).toHaveLength(1);
    expect(sut[0]!.body).toContain('#refund-approvals');
  });

  // A shell comment in a fenced block must not start a bogus section.
  it('should keep a shell comment inside a fenced code block in its section when a runbook has code', () => {
    const sut = markdownSections(['## Restart', 'Run:', '```bash', '# restart the service', 'kubectl rollout restart deploy/api', '```'].join('\n'));

    expect(sut.map((s) => s.heading)).toEqual(['Restart']);
  });

  it('should return nothing when the document is empty', () => {
    expect(markdownSections('\n\n')).toEqual([]);
  });
});

describe(slugify.name, () => {
  it('should lowercase, drop punctuation and hyphenate when the heading has spaces and symbols', () => {
    expect(slugify('Failover to the Backup Gateway (Stripe → Adyen)')).toBe('failover-to-the-backup-gateway-stripe-adyen');
  });
});

describe(nameMatches.name, () => {
  it('should match a document when its file name carries a query keyword', () => {
    expect(nameMatches('What does the refund policy say?', 'policies/refund-policy.md')).toBe(true);
  });

  it('should not match a document when no query keyword is in its name', () => {
    expect(nameMatches('What does the refund policy say?', 'runbooks/deploy-rollback.md')).toBe(false);
  });
});

// Planning against the real catalog lives here rather than in @mosaic/llm: the catalog depends on
// that lib, so importing it from there would make the two projects depend on each other.
describe('filesConnector in the real catalog', () => {
  const catalog = ['files', 'postgres', 'echo'].map((id) => describeSource(getConnector(id)!));
  let sut: LocalProvider;

  beforeEach(() => {
    sut = new LocalProvider();
  });

  it('should be the files connector that the catalog returns for files', () => {
    expect(getConnector('files')).toBe(filesConnector);
  });

  it('should plan files and postgres when the question asks about urgent tickets and the escalation runbook', async () => {
    const plan = await sut.planSources(
      'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
      catalog,
    );

    expect(plan.sources.map((s) => s.source).sort()).toEqual(['files', 'postgres']);
  });

  it('should rank files first when the question is about the refund policy document', async () => {
    const plan = await sut.planSources('What does the refund policy document say?', catalog);

    expect(plan.sources[0]!.source).toBe('files');
    expect(plan.sources.map((s) => s.source)).not.toContain('echo');
  });

  it('should ask every source with low confidence when the question matches no source', async () => {
    const plan = await sut.planSources('Quux zorblat frobnicates?', catalog);

    expect(plan.sources.map((s) => s.source).sort()).toEqual(['echo', 'files', 'postgres']);
    expect(plan.sources.every((s) => s.confidence < 0.3)).toBe(true);
  });
});
