import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AgentPlan, AgentPlanSchema, Citation, SourceItem, SourceResult } from '@mosaic/contracts';
import { SourceDescriptor, SynthesisInput } from '../provider';
import { LocalProvider } from './local.provider';

const DOCS = path.resolve(__dirname, '../../../../sample/workspace/docs');

// Shaped like the connector catalog's descriptors. The real catalog (which depends on
// this lib) is planned against in libs/connectors/src/files/files.connector.spec.ts.
const descriptors: SourceDescriptor[] = [
  {
    id: 'files',
    name: 'Files',
    description: 'Runbooks, policies and other documents',
    keywords: ['document', 'runbook', 'policy', 'escalation', 'outage', 'handle'],
  },
  {
    id: 'postgres',
    name: 'Postgres',
    description: 'Customers, orders, refunds and support tickets',
    keywords: ['customer', 'order', 'refund', 'ticket', 'support', 'urgent', 'open'],
  },
  { id: 'echo', name: 'Echo', description: 'Diagnostics', keywords: ['echo', 'ping'] },
];

const sourceNames = { files: 'Files', postgres: 'Postgres', echo: 'Echo' };

/** The body under one heading of a sample document, as the files connector returns it. */
function docSection(file: string, heading: string, score: number): SourceItem {
  const lines = readFileSync(path.join(DOCS, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^#{1,3} /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`no section "${heading}" in ${file}`);
  const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
  const slug = heading.toLowerCase().replace(/[^a-z0-9\s-]/g, '').trim().replace(/\s+/g, '-');
  return { id: `${file}#${slug}`, title: `${file} › ${heading}`, tool: 'read_multiple_files', content: body, score };
}

function item(id: string, content: string, score: number, extra: Partial<SourceItem> = {}): SourceItem {
  return { id, title: id, tool: 'search', content, score, ...extra };
}

function ok(source: string, items: SourceItem[]): SourceResult {
  return { source, success: true, summary: `${items.length} items`, items, tool_calls: [], duration_ms: 10 };
}

function failed(source: string, error?: string): SourceResult {
  return { source, success: false, ...(error ? { error } : {}), summary: '', items: [], tool_calls: [], duration_ms: 10 };
}

function planOf(...sources: string[]): AgentPlan {
  return { sources: sources.map((source) => ({ source, confidence: 0.9, reasoning: 'test' })), reasoning: 'test' };
}

async function run(sut: LocalProvider, input: SynthesisInput): Promise<{ text: string; citations: Citation[] }> {
  let text = '';
  let citations: Citation[] | undefined;
  for await (const delta of sut.synthesize(input)) {
    if (delta.type === 'text') text += delta.text;
    else if (delta.type === 'citations') citations = delta.citations;
  }
  if (!citations) throw new Error('synthesize ended without citations');
  return { text, citations };
}

const markersOf = (text: string) => [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Why `citation` is not quoted from the item it names, or undefined when it is. */
function misquote(citation: Citation, results: readonly SourceResult[]): string | undefined {
  const cited = results.find((r) => r.source === citation.source)?.items.find((i) => i.id === citation.item);
  if (!cited) return `citation [${citation.index}] names ${citation.source}/${citation.item}, which was not returned`;
  const truncated = citation.excerpt.endsWith('…');
  const quoted = squash(truncated ? citation.excerpt.slice(0, -1) : citation.excerpt);
  // Soft-wrapped lines read as one line, so whitespace runs compare equal.
  const content = squash(cited.content);
  if (quoted.length === 0) return `citation [${citation.index}] has an empty excerpt`;
  if (!content.includes(quoted)) return `citation [${citation.index}] excerpt "${citation.excerpt}" does not occur in ${citation.item}`;
  return undefined;
}

describe(LocalProvider.name, () => {
  let sut: LocalProvider;

  beforeEach(() => {
    sut = new LocalProvider();
  });

  describe('planSources', () => {
    it('should choose both postgres and files when the question asks about tickets and a runbook', async () => {
      const plan = await sut.planSources(
        'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
        descriptors,
      );

      expect(AgentPlanSchema.parse(plan)).toEqual(plan);
      expect(plan.sources.map((s) => s.source).sort()).toEqual(['files', 'postgres']);
      expect(plan.sources.every((s) => s.confidence >= 0.3)).toBe(true);
      expect(plan.sources.find((s) => s.source === 'postgres')!.reasoning).toMatch(/ticket/);
      expect(plan.sources.find((s) => s.source === 'files')!.reasoning).toMatch(/runbook/);
    });

    it('should rank files first when the question is about a policy document', async () => {
      const plan = await sut.planSources('What does the refund policy document say?', descriptors);

      expect(plan.sources[0]!.source).toBe('files');
      const confidences = plan.sources.map((s) => s.confidence);
      expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
      expect(plan.sources.map((s) => s.source)).not.toContain('echo');
    });

    it('should ask every source with low confidence when no source matches the question', async () => {
      const plan = await sut.planSources('Quux zorblat frobnicates?', descriptors);

      expect(plan.sources.map((s) => s.source).sort()).toEqual(['echo', 'files', 'postgres']);
      expect(plan.sources.every((s) => s.confidence < 0.3)).toBe(true);
      expect(plan.reasoning).toMatch(/every available source/);
    });

    it('should raise confidence with each matched keyword and cap it when many match', async () => {
      const plan = await sut.planSources(
        'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
        descriptors,
      );

      // postgres matches customer, open, urgent, support, ticket; files matches escalation, runbook.
      expect(plan.sources).toEqual([
        expect.objectContaining({ source: 'postgres', confidence: 0.95 }),
        expect.objectContaining({ source: 'files', confidence: 0.65 }),
      ]);
    });

    it('should match a source by its name or id when none of its keywords occur', async () => {
      const drive: SourceDescriptor = { id: 'google_drive', name: 'Google Drive', description: 'Shared drive', keywords: [] };

      const plan = await sut.planSources('What is in our Google Drive?', [...descriptors, drive]);

      expect(plan.sources.map((s) => s.source)).toEqual(['google_drive']);
    });

    it('should leave out sources under the selection threshold when it is raised', async () => {
      const strict = new LocalProvider({ selectionThreshold: 0.6 });

      const plan = await strict.planSources('What does the refund policy document say?', descriptors);

      // files: policy + document (0.65); postgres: refund only (0.5).
      expect(plan.sources.map((s) => s.source)).toEqual(['files']);
    });

    it('should only plan the sources it was given when the catalog is restricted', async () => {
      const plan = await sut.planSources(
        'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
        descriptors.filter((d) => d.id === 'files'),
      );

      expect(plan.sources.map((s) => s.source)).toEqual(['files']);
    });
  });

  describe('synthesize', () => {
    const query = 'How do we handle a payment outage, and how are duplicate charges refunded?';
    const longRow = `Acme Corp | order 42 | refunded duplicate charge | ${'note '.repeat(100)}`;
    const results: SourceResult[] = [
      ok('files', [
        docSection('policies/refund-policy.md', 'Duplicate charges', 0.9),
        docSection('policies/refund-policy.md', 'Service credits', 0.7),
        docSection('policies/refund-policy.md', 'Approvals', 0.1),
      ]),
      ok('postgres', [
        item('support_tickets:101', 'Acme Corp | Checkout fails with payment gateway timeout | urgent | open', 0.8, {
          url: 'postgres://support_tickets/101',
        }),
        item('orders:42', longRow, 0.5),
        item('orders:7', 'Initech | order 7 | paid', 0.19),
      ]),
      failed('echo', 'echo did not answer before the query deadline'),
    ];
    const input: SynthesisInput = { query, plan: planOf('files', 'postgres', 'echo'), results, sourceNames };

    it('should pair every [n] marker with the citation of that index when sources answered', async () => {
      const { text, citations } = await run(sut, input);

      const markers = markersOf(text);
      expect(markers.length).toBeGreaterThan(0);
      expect(new Set(markers)).toEqual(new Set(citations.map((c) => c.index)));
      expect(citations.map((c) => c.index)).toEqual(citations.map((_, i) => i + 1));
      expect(new Set(citations.map((c) => c.source))).toEqual(new Set(['files', 'postgres']));
    });

    it('should quote every excerpt from the item it cites when items are sections and rows', async () => {
      const { citations } = await run(sut, input);

      expect(citations.filter((c) => c.source === 'files')).toHaveLength(2);
      expect(citations.map((c) => misquote(c, results)).filter(Boolean)).toEqual([]);
    });

    it('should cut a long one-line item to a prefix ending in an ellipsis when it exceeds the excerpt size', async () => {
      const { citations } = await run(sut, input);

      const excerpt = citations.find((c) => c.item === 'orders:42')!.excerpt;
      expect(excerpt.endsWith('…')).toBe(true);
      expect(excerpt.length).toBeLessThanOrEqual(320);
      expect(longRow.startsWith(excerpt.slice(0, -1))).toBe(true);
    });

    it('should keep the url of the cited item when it has one', async () => {
      const { citations } = await run(sut, input);

      expect(citations.find((c) => c.item === 'support_tickets:101')).toMatchObject({
        source: 'postgres',
        tool: 'search',
        url: 'postgres://support_tickets/101',
      });
    });

    it('should name each failed source with its error when a source failed', async () => {
      const { text, citations } = await run(sut, input);

      expect(text).toContain('Echo (echo did not answer before the query deadline)');
      expect(citations.some((c) => c.source === 'echo')).toBe(false);
    });

    it('should say the source failed when it failed without an error message', async () => {
      const { text } = await run(sut, { ...input, results: [...results.slice(0, 2), failed('echo')] });

      expect(text).toContain('Echo (failed)');
    });

    it('should not cite items scoring under the minimum when they were returned', async () => {
      const { text, citations } = await run(sut, input);

      const cited = citations.map((c) => c.item);
      expect(cited).not.toContain('policies/refund-policy.md#approvals');
      expect(cited).not.toContain('orders:7');
      expect(text).not.toContain('Initech');
      expect(text).not.toContain('Approvals');
    });

    it('should cite at most maxItemsPerSource items per source when a source returns many', async () => {
      const many = Array.from({ length: 6 }, (_, i) => item(`orders:${i}`, `order ${i} refunded after a payment outage`, 0.5 + i / 100));
      const provider = new LocalProvider({ maxItemsPerSource: 2 });

      const { citations } = await run(provider, { ...input, results: [ok('postgres', many)], plan: planOf('postgres') });

      expect(citations.map((c) => c.item)).toEqual(['orders:5', 'orders:4']);
    });

    it('should say nothing relevant was found and cite nothing when every item scores under the minimum', async () => {
      const { text, citations } = await run(sut, {
        ...input,
        results: [ok('postgres', [item('orders:7', 'Initech | order 7 | paid', 0.05)])],
        plan: planOf('postgres'),
      });

      expect(citations).toEqual([]);
      expect(markersOf(text)).toEqual([]);
      expect(text).toMatch(/None of the sources asked \(Postgres\) returned anything relevant/);
    });

    it('should quote the excerpt from the runbook when its best sentences are not adjacent', async () => {
      const own = [ok('files', [docSection('runbooks/payment-outage.md', 'Payment Outage Runbook', 0.9)])];

      const { citations } = await run(sut, { ...input, results: own, plan: planOf('files') });

      expect(citations).toHaveLength(1);
      expect(citations.map((c) => misquote(c, own)).filter(Boolean)).toEqual([]);
    });

    it('should quote two matching list items as they appear when they are next to each other', async () => {
      const content = ['- Duplicate charges are refunded in full.', '- Refunds for a payment outage need no approval.'].join('\n');
      const own = [ok('files', [item('policies/refunds.md', content, 0.9)])];

      const { citations } = await run(sut, { ...input, results: own, plan: planOf('files') });

      expect(citations).toHaveLength(1);
      expect(citations.map((c) => misquote(c, own)).filter(Boolean)).toEqual([]);
    });

    it('should not emit a citation marker without a citation when the question contains [n]', async () => {
      const { text, citations } = await run(sut, { ...input, query: 'What does step [7] of the payment outage runbook say?' });

      expect(new Set(markersOf(text))).toEqual(new Set(citations.map((c) => c.index)));
    });
  });
});
