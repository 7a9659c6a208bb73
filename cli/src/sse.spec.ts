import { parseSse, SseParser } from '../lib/sse';

/** Feeds `text` to a fresh parser cut at every given offset, collecting events. */
function feed(text: string, cuts: number[]) {
  const parser = new SseParser();
  const events = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    events.push(...parser.push(text.slice(at, cut)));
    at = cut;
  }
  parser.end();
  return { events, lastEventId: parser.lastEventId };
}

describe('SseParser', () => {
  const stream = 'retry: 2000\n\nid: 1\ndata: {"event_type":"planning"}\n\n: keep-alive\n\nid: 2\ndata: {"event_type":"done"}\n\n';
  const expected = [
    { event: 'message', data: '{"event_type":"planning"}', id: '1' },
    { event: 'message', data: '{"event_type":"done"}', id: '2' },
  ];

  it('parses a stream given at once: ids, data, retry-only and comment blocks', () => {
    expect(parseSse(stream)).toEqual(expected);
  });

  it('gives the same events whatever the chunk boundaries (every single cut, and byte by byte)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(feed(stream, [cut]).events).toEqual(expected);
    }
    const bytes = Array.from({ length: stream.length }, (_, i) => i);
    expect(feed(stream, bytes).events).toEqual(expected);
  });

  it('returns an event only once its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: a')).toEqual([]);
    expect(parser.push('bc\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'abc' }]);
  });

  it('accepts CRLF, CR and LF line endings, also mixed and split between chunks', () => {
    const crlf = 'id: 7\r\ndata: x\r\n\r\ndata: y\r\n\r\n';
    const cr = 'id: 7\rdata: x\r\rdata: y\r\r';
    const mixed = 'id: 7\r\ndata: x\n\rdata: y\r\n\n';
    const want = [
      { event: 'message', data: 'x', id: '7' },
      { event: 'message', data: 'y', id: '7' },
    ];
    for (const text of [crlf, cr, mixed]) {
      expect(parseSse(text)).toEqual(want);
      for (let cut = 0; cut <= text.length; cut++) expect(feed(text, [cut]).events).toEqual(want);
    }
  });

  it('does not take a CR at the end of a chunk and a LF opening the next one for two line ends', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\ndata: b\r')).toEqual([]);
    expect(parser.push('')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('joins multi-line data with \\n and keeps empty data lines', () => {
    expect(parseSse('data: first\ndata:second\ndata\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: 'first\nsecond\n\n two spaces' },
    ]);
    expect(parseSse('data:\n\n')).toEqual([{ event: 'message', data: '' }]);
  });

  it('ignores comments (also between the data lines of an event) and reports them', () => {
    const comments: string[] = [];
    const parser = new SseParser({ onComment: (text) => comments.push(text) });
    const events = parser.push(': keep-alive\n\ndata: a\n:inner\ndata: b\n\n:\n\n');
    expect(events).toEqual([{ event: 'message', data: 'a\nb' }]);
    expect(comments).toEqual(['keep-alive', 'inner', '']);
  });

  it('reads event names, remembers the last id across events, and ignores unknown fields', () => {
    const parser = new SseParser();
    const events = parser.push('event: update\nid: 41\nfoo: bar\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n');
    expect(events).toEqual([
      { event: 'update', data: '1', id: '41' },
      { event: 'message', data: '2', id: '41' },
      { event: 'message', data: '3' },
    ]);
    expect(parser.lastEventId).toBe('');
  });

  it('tracks ids even of blocks without data (for Last-Event-ID) and ignores ids containing NUL', () => {
    const parser = new SseParser();
    expect(parser.push('id: 5\n\nid: bad\0id\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('5');
  });

  it('reports a valid retry and ignores an invalid one', () => {
    const retries: number[] = [];
    const parser = new SseParser({ onRetry: (ms) => retries.push(ms) });
    expect(parser.push('retry: 2000\n\nretry: soon\n\ndata: x\nretry: 5\n\n')).toEqual([{ event: 'message', data: 'x', retry: 5 }]);
    expect(retries).toEqual([2000, 5]);
  });

  it('discards an event the stream ends in the middle of', () => {
    const parser = new SseParser();
    expect(parser.push('data: complete\n\ndata: partial\n')).toEqual([{ event: 'message', data: 'complete' }]);
    expect(parser.end()).toEqual([]);
    expect(parser.pending).toBe('');
  });

  it('decodes UTF-8 bytes split inside a character, and drops a leading BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: {"chunk":"café — ✓ 𝄞"}\n\n');
    const parser = new SseParser();
    const events = [];
    for (const byte of bytes) events.push(...parser.push(Uint8Array.of(byte)));
    expect(events).toEqual([{ event: 'message', data: '{"chunk":"café — ✓ 𝄞"}' }]);
  });

  it('keeps the colon-space rule: only one leading space is removed from a value', () => {
    expect(parseSse('data:x\n\ndata: x\n\ndata:  x\n\n').map((e) => e.data)).toEqual(['x', 'x', ' x']);
  });
});
