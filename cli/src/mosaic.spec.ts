/**
 * Runs bin/mosaic.js as a process against a fake gateway (a local HTTP server), so the
 * whole path is covered: arguments, URL and key resolution, HTTP, SSE, output, exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', 'bin', 'mosaic.js');
const QID = '3f1c2b9e-2f0a-4d47-9d55-0c2f4d3c1a10';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: Server;
let url: string;
let handler: Handler;
let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'mosaic-cli-run-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(cwd, { recursive: true, force: true });
});

function mosaic(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', MOSAIC_URL: url, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const event = (seq: number, e: Record<string, unknown>) => `id: ${seq}\ndata: ${JSON.stringify({ query_id: QID, ts: 1, ...e })}\n\n`;

const result = (ok: string[], failed: string[] = []) => ({
  query_id: QID,
  response: 'The runbook says to page the on-call [1].',
  source_results: [],
  successful_sources: ok,
  failed_sources: failed,
  plan: { sources: [], reasoning: '' },
  citations: [{ index: 1, source: 'files', tool: 'search_files', item: 'runbooks/escalation.md', excerpt: 'x'.repeat(400) }],
  duration_ms: 42,
});

/** Writes the SSE text in awkward pieces (cutting lines and events), then ends or not. */
function streamSse(res: ServerResponse, text: string, end = true): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Query-Id': QID });
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 7) pieces.push(text.slice(i, i + 7));
  let n = 0;
  const next = () => {
    if (n < pieces.length) {
      res.write(pieces[n++]);
      setImmediate(next);
    } else if (end) res.end();
    else res.destroy();
  };
  next();
}

const happy =
  'retry: 2000\n\n' +
  event(1, { event_type: 'planning' }) +
  event(2, { event_type: 'plan_complete', sources: [{ source: 'files', confidence: 0.9, reasoning: '' }], reasoning: 'runbooks' }) +
  ': keep-alive\n\n' +
  event(3, { event_type: 'tool_start', source: 'files', tool: 'search_files' }) +
  event(4, { event_type: 'source_complete', source: 'files', success: true, items: 8, duration_ms: 580 }) +
  event(5, { event_type: 'synthesizing' }) +
  event(6, { event_type: 'synthesis_chunk', chunk: 'The runbook says ' }) +
  event(7, { event_type: 'synthesis_chunk', chunk: 'to page the on-call [1].' }) +
  event(8, { event_type: 'done', result: result(['files']) });

describe('mosaic ask', () => {
  it('streams progress to stderr and the answer with its sources to stdout; exit 0', async () => {
    let seen: { url?: string; body?: string; auth?: string } = {};
    handler = (req, body, res) => {
      seen = { url: req.url, body, auth: req.headers.authorization };
      streamSse(res, happy);
    };
    const run = await mosaic(['ask', 'what', 'does the runbook say?', '--source', 'files', '-s', 'postgres,files'], { MOSAIC_API_KEY: 'k1' });
    expect(run.code).toBe(0);
    expect(seen.url).toBe('/api/agent/query/stream');
    expect(JSON.parse(seen.body!)).toEqual({ query: 'what does the runbook say?', sources: ['files', 'postgres'] });
    expect(seen.auth).toBe('Bearer k1');
    expect(run.stderr).toContain('plan: files (90%)');
    expect(run.stderr).toContain('▸ files: search_files …');
    expect(run.stderr).toContain('✓ files (8 items, 580 ms)');
    expect(run.stdout).toMatch(/^The runbook says to page the on-call \[1\]\.\n\nSources:\n\[1\] files · search_files · runbooks\/escalation\.md — x+…\n$/);
    expect(run.stdout.split('\n')[3].length).toBeLessThan(220);
  });

  it('--json prints only the done result on stdout', async () => {
    handler = (_req, _body, res) => streamSse(res, happy);
    const run = await mosaic(['ask', '--json', 'q']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(result(['files']));
    expect(run.stderr).toBe('');
  });

  it('exits 1 with the message of an HTTP error body', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'source_disabled', message: 'source(s) not enabled in this deployment: jira' } }));
    };
    const run = await mosaic(['ask', 'q', '--source', 'jira']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400 source_disabled: source(s) not enabled in this deployment: jira');
  });

  it('exits 1 on an error event', async () => {
    handler = (_req, _body, res) =>
      streamSse(res, event(1, { event_type: 'planning' }) + event(2, { event_type: 'error', code: 'deadline_exceeded', error: 'the query did not finish before its deadline' }));
    const run = await mosaic(['ask', 'q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('query failed (deadline_exceeded): the query did not finish before its deadline');
  });

  it('exits 1 when done has no successful source', async () => {
    handler = (_req, _body, res) => streamSse(res, event(1, { event_type: 'done', result: result([], ['files']) }));
    const run = await mosaic(['ask', 'q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no source answered');
  });

  it('reports a stream that drops before its terminal event; exit 1', async () => {
    handler = (_req, _body, res) => streamSse(res, happy.slice(0, happy.indexOf('id: 5')), false);
    const run = await mosaic(['ask', 'q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/connection closed before the query finished.*last event id 4/);
  });

  it('reports a stream that ends cleanly but early; exit 1', async () => {
    handler = (_req, _body, res) => streamSse(res, event(1, { event_type: 'planning' }));
    const run = await mosaic(['ask', 'q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('connection closed before the query finished');
  });

  it('exits 1 with a hint when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await mosaic(['ask', 'q', '--url', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('connection refused');
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [[], ['ask'], ['ask', 'q', '--nope'], ['ask', 'q', '--source', 'Bad Id'], ['frobnicate'], ['ask', 'q', '--url', 'ftp://x']]) {
      expect((await mosaic(args)).code).toBe(2);
    }
  });
});

describe('mosaic sources and --help', () => {
  it('prints the sources as a table', async () => {
    handler = (req, _body, res) => {
      expect(req.url).toBe('/api/agent/sources');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify([
          { id: 'files', name: 'Files', description: '', icon: '', enabled: true, configured: true },
          { id: 'echo', name: 'Echo', description: '', icon: '', enabled: false, configured: false },
        ]),
      );
    };
    const run = await mosaic(['sources']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('id     name   enabled  configured\nfiles  Files  yes      yes\necho   Echo   no       no\n');
  });

  it('shows help without any network access', async () => {
    const run = await mosaic(['--help'], { MOSAIC_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mosaic ask "<question>"');
  });
});
