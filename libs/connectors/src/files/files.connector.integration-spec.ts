import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolCaller } from '../connector';
import { McpCallError, McpLaunchSpec, McpSession, McpSessionPool } from '../mcp/mcp-session';
import { filesConnector } from './files.connector';

jest.setTimeout(30_000);

const DOCS = path.resolve(__dirname, '../../../../sample/workspace/docs');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (probe()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** The pid of the server process behind a stdio session (McpSession keeps its client private). */
function serverPid(session: McpSession): number {
  const transport = (session as unknown as { client: Client }).client.transport as StdioClientTransport | undefined;
  const pid = transport?.pid;
  if (!pid) throw new Error('session has no server process');
  return pid;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function callerFor(session: McpSession): ToolCaller {
  return (tool, args) => session.callTool(tool, args, { timeoutMs: 10_000 });
}

describe('filesConnector (official filesystem MCP server)', () => {
  const credentials = { root: DOCS };
  const spec: McpLaunchSpec = filesConnector.launch(credentials);
  let pool: McpSessionPool;

  beforeAll(() => {
    pool = new McpSessionPool();
  });

  afterAll(async () => {
    await pool.closeAll();
  });

  it('should return the payment outage runbook section first when asked how to handle a payment outage', async () => {
    const session = await pool.get('files', spec);

    const sut = await filesConnector.localStrategy('how do we handle a payment outage?', callerFor(session), credentials);

    expect(sut.items.length).toBeGreaterThan(0);
    expect(sut.items[0]!.id).toMatch(/^runbooks\/payment-outage\.md(#|$)/);
    expect(sut.items[0]!.title).toContain('runbooks/payment-outage.md');
    const runbook = readFileSync(path.join(DOCS, 'runbooks/payment-outage.md'), 'utf8');
    expect(runbook).toContain(sut.items[0]!.content);
    expect(sut.items[0]!.content).toMatch(/payment outage/i);
    const scores = sut.items.map((i) => i.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(sut.items.every((i) => i.tool === 'read_multiple_files' && i.score > 0 && i.score <= 1)).toBe(true);
    expect(sut.summary).toMatch(/Found \d+ relevant section/);
  });

  it('should find the refund policy when asked about refunds for duplicate charges', async () => {
    const session = await pool.get('files', spec);

    const sut = await filesConnector.localStrategy('what is our refund policy for duplicate charges?', callerFor(session), credentials);

    expect(sut.items[0]!.id).toBe('policies/refund-policy.md#duplicate-charges');
  });

  it('should return no items and say so when no document mentions the question', async () => {
    const session = await pool.get('files', spec);

    const sut = await filesConnector.localStrategy('zorblat quux frobnication', callerFor(session), credentials);

    expect(sut.items).toEqual([]);
    expect(sut.summary).toMatch(/None of the \d+ documents mention zorblat/);
  });
});

describe(McpSessionPool.name, () => {
  const spec: McpLaunchSpec = filesConnector.launch({ root: DOCS });
  let sut: McpSessionPool;

  beforeEach(() => {
    sut = new McpSessionPool(60_000);
  });

  afterEach(async () => {
    await sut.closeAll();
  });

  it('should reuse the open session when the same key is asked for again', async () => {
    const first = await sut.get('files', spec);
    const second = await sut.get('files', spec);

    expect(second).toBe(first);
    expect(serverPid(second)).toBe(serverPid(first));
    expect(sut.size).toBe(1);
  });

  it('should share one opening when the same key is asked for concurrently', async () => {
    const [first, second] = await Promise.all([sut.get('files', spec), sut.get('files', spec)]);

    expect(second).toBe(first);
    expect(sut.size).toBe(1);
  });

  it('should open a separate session when the key differs', async () => {
    const first = await sut.get('files:a', spec);
    const second = await sut.get('files:b', spec);

    expect(second).not.toBe(first);
    expect(serverPid(second)).not.toBe(serverPid(first));
    expect(sut.size).toBe(2);
  });

  it('should open a new working session when the server process died', async () => {
    const first = await sut.get('files', spec);
    const pid = serverPid(first);

    process.kill(pid, 'SIGKILL');
    await eventually('the session notices the server died', () => first.isClosed);
    const second = await sut.get('files', spec);

    expect(second).not.toBe(first);
    expect(serverPid(second)).not.toBe(pid);
    const tools = await second.listTools();
    expect(tools.map((t) => t.name)).toContain('read_multiple_files');
    const listed = await second.callTool('list_allowed_directories', {}, { timeoutMs: 10_000 });
    expect(listed.ok).toBe(true);
    expect(sut.size).toBe(1);
  });

  it('should fail the call with an McpCallError when the server dies while the session is in use', async () => {
    const session = await sut.get('files', spec);
    process.kill(serverPid(session), 'SIGKILL');

    const call = session.callTool('list_allowed_directories', {}, { timeoutMs: 5000 });

    await expect(call).rejects.toThrow(McpCallError);
    await expect(call).rejects.toThrow(/^list_allowed_directories: /);
  });

  it('should close sessions idle longer than the idle timeout and keep the recently used ones', async () => {
    const idle = await sut.get('idle', spec);
    const busy = await sut.get('busy', spec);
    const idlePid = serverPid(idle);
    const busyPid = serverPid(busy);
    idle.lastUsedAt = Date.now() - 61_000;

    await sut.closeIdle();

    expect(idle.isClosed).toBe(true);
    expect(busy.isClosed).toBe(false);
    expect(sut.size).toBe(1);
    await eventually('the idle server process exits', () => !isRunning(idlePid));
    expect(isRunning(busyPid)).toBe(true);
    expect(await sut.get('busy', spec)).toBe(busy);
    const reopened = await sut.get('idle', spec);
    expect(reopened).not.toBe(idle);
    expect((await reopened.callTool('list_allowed_directories', {}, { timeoutMs: 10_000 })).ok).toBe(true);
  });

  it('should keep a session whose last use is within the idle timeout when closing idle sessions', async () => {
    const session = await sut.get('files', spec);
    await session.callTool('list_allowed_directories', {}, { timeoutMs: 10_000 });

    await sut.closeIdle(Date.now() + 30_000);

    expect(session.isClosed).toBe(false);
    expect(sut.size).toBe(1);
  });
});
