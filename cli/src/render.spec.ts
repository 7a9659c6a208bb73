import { formatCitations, Renderer, truncate } from '../lib/render';

const QID = '3f1c2b9e-2f0a-4d47-9d55-0c2f4d3c1a10';

function capture(json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const renderer = new Renderer({ out: (s) => out.push(s), err: (s) => err.push(s), json });
  return { renderer, out: () => out.join(''), err: () => err.join('') };
}

const done = {
  event_type: 'done',
  query_id: QID,
  ts: 1,
  result: {
    query_id: QID,
    response: 'Refunds are issued within 14 days [1].',
    source_results: [],
    successful_sources: ['files'],
    failed_sources: ['postgres'],
    plan: { sources: [], reasoning: '' },
    citations: [{ index: 1, source: 'files', tool: 'search_files', item: 'policies/refunds.md#Refunds', excerpt: 'Refunds are issued\nwithin 14 days.' }],
    duration_ms: 1234,
  },
};

describe('Renderer', () => {
  it('prints progress on stderr and the streamed answer and its sources on stdout', () => {
    const { renderer, out, err } = capture();
    const events = [
      { event_type: 'planning' },
      { event_type: 'plan_complete', sources: [{ source: 'files', confidence: 0.92, reasoning: '' }, { source: 'postgres', confidence: 0.5, reasoning: '' }], reasoning: 'both' },
      { event_type: 'source_start', source: 'files' },
      { event_type: 'tool_start', source: 'files', tool: 'search_files' },
      { event_type: 'tool_end', source: 'files', tool: 'search_files', success: true, duration_ms: 12 },
      { event_type: 'source_complete', source: 'files', success: true, items: 8, duration_ms: 580 },
      { event_type: 'source_complete', source: 'postgres', success: false, error: 'postgres timed out', items: 0, duration_ms: 30000 },
      { event_type: 'synthesizing' },
      { event_type: 'synthesis_chunk', chunk: 'Refunds are issued ' },
      { event_type: 'synthesis_chunk', chunk: 'within 14 days [1].' },
      done,
    ];
    for (const event of events) renderer.handle(event);
    expect(err()).toContain('… planning');
    expect(err()).toContain('plan: files (92%), postgres (50%)');
    expect(err()).toContain('▸ files: search_files …');
    expect(err()).toContain('✓ files (8 items, 580 ms)');
    expect(err()).toContain('✗ postgres: postgres timed out');
    expect(err()).toContain('done in 1234 ms · answered by files · failed: postgres');
    expect(out()).toBe(
      'Refunds are issued within 14 days [1].\n\nSources:\n[1] files · search_files · policies/refunds.md#Refunds — Refunds are issued within 14 days.\n',
    );
    expect(renderer.finished).toBe(true);
    expect(renderer.result.successful_sources).toEqual(['files']);
    expect(err()).not.toContain('\u001b[');
  });

  it('prints the whole response at done when no chunk was streamed', () => {
    const { renderer, out } = capture();
    renderer.handle(done);
    expect(out().startsWith('Refunds are issued within 14 days [1].\n\nSources:')).toBe(true);
  });

  it('with json, prints only the result JSON on stdout and nothing on stderr', () => {
    const { renderer, out, err } = capture(true);
    renderer.handle({ event_type: 'planning' });
    renderer.handle({ event_type: 'synthesis_chunk', chunk: 'Refunds' });
    renderer.handle(done);
    expect(JSON.parse(out())).toEqual(done.result);
    expect(err()).toBe('');
  });

  it('records an error event as terminal', () => {
    const { renderer } = capture();
    renderer.handle({ event_type: 'error', code: 'deadline_exceeded', error: 'too slow' });
    expect(renderer.finished).toBe(true);
    expect(renderer.error).toEqual({ code: 'deadline_exceeded', message: 'too slow' });
  });

  it('colors only when asked', () => {
    const out: string[] = [];
    const renderer = new Renderer({ out: () => undefined, err: (s) => out.push(s), color: true });
    renderer.handle({ event_type: 'source_complete', source: 'files', success: true, items: 1, duration_ms: 3 });
    expect(out.join('')).toContain('\u001b[32m✓\u001b[39m');
    expect(out.join('')).toContain('1 item,');
  });
});

describe('truncate and formatCitations', () => {
  it('truncates long excerpts to about 160 characters on a word boundary', () => {
    const long = 'word '.repeat(100);
    const cut = truncate(long);
    expect(cut.length).toBeLessThanOrEqual(161);
    expect(cut.endsWith('word…')).toBe(true);
    expect(truncate('  short\n\ttext ')).toBe('short text');
  });

  it('lists citations as [n] source · tool · item — excerpt', () => {
    expect(formatCitations([])).toBe('');
    expect(formatCitations([{ index: 2, source: 'postgres', tool: 'query', item: 'orders/42', excerpt: '' }])).toBe(
      'Sources:\n[2] postgres · query · orders/42\n',
    );
  });
});

describe('answer whitespace', () => {
  it('keeps inner whitespace, drops leading and trailing blank lines, ends with one newline', () => {
    const { renderer, out } = capture();
    for (const chunk of ['\n', 'Intro:', '\n\n', '- a ', '\n', '- b', '\n\n', '\n']) renderer.handle({ event_type: 'synthesis_chunk', chunk });
    renderer.handle({ ...done, result: { ...done.result, citations: [] } });
    expect(out()).toBe('Intro:\n\n- a \n- b\n');
  });
});
