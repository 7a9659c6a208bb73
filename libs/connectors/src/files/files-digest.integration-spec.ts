import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ToolCaller } from '../connector';
import { McpSession } from '../mcp/mcp-session';
import { digestFromFiles, modifiedAt } from './files-digest';
import { filesConnector } from './files.connector';

jest.setTimeout(30_000);

const SINCE = '2026-03-10T09:00:00Z';
const UNTIL = '2026-03-11T09:00:00Z';

describe('filesConnector.digestStrategy (official filesystem MCP server)', () => {
  let root: string;
  let session: McpSession;
  let call: ToolCaller;

  /** Writes a document and sets its modification time. */
  async function doc(relative: string, body: string, modified: string): Promise<void> {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    await utimes(file, new Date(modified), new Date(modified));
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mosaic-files-digest-'));
    await doc('policies/refund-policy.md', '# Refund Policy\n\nRefunds above $5,000 now need the CFO.\n', '2026-03-10T15:30:00Z');
    await doc('runbooks/deploy.md', '# Deploy\n\nUse the new pipeline.\n', '2026-03-11T08:00:00Z');
    await doc('runbooks/old.md', '# Old runbook\n\nUnchanged for a year.\n', '2025-03-01T10:00:00Z');
    await doc('notes/exactly-since.txt', 'Edited right at the previous login.\n', SINCE);
    await doc('notes/future.md', '# Later\n\nChanged after now.\n', '2026-03-12T10:00:00Z');
    session = await McpSession.open(filesConnector.launch({ root }), () => undefined);
    call = (tool, args) => session.callTool(tool, args, { timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await session?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('should list only the documents changed within the window, newest first, with their opening text', async () => {
    const result = await filesConnector.digestStrategy!({ since: SINCE, until: UNTIL }, call, { root });

    expect(result.items.map((i) => i.id)).toEqual(['runbooks/deploy.md', 'policies/refund-policy.md']);
    expect(result.items[1]).toMatchObject({
      title: 'Document changed: policies/refund-policy.md (2026-03-10 15:30 UTC)',
      tool: 'get_file_info',
      content: 'Modified 2026-03-10T15:30:00.000Z. Refund Policy: Refunds above $5,000 now need the CFO.',
    });
    expect(result.summary).toBe('2 of 5 document(s) changed in the window.');
  });

  it('should say so, citing nothing, when nothing changed in the window', async () => {
    const result = await digestFromFiles({ since: '2024-01-01T00:00:00Z', until: '2024-06-01T00:00:00Z' }, call, root);
    expect(result.items).toEqual([]);
    expect(result.summary).toBe('No document of the 5 changed in the window.');
  });
});

describe(modifiedAt.name, () => {
  it('should read the JavaScript date get_file_info prints, and NaN when there is none', () => {
    expect(modifiedAt('size: 12\nmodified: Tue Mar 10 2026 15:30:00 GMT+0000 (Coordinated Universal Time)\nisFile: true')).toBe(Date.parse('2026-03-10T15:30:00Z'));
    expect(modifiedAt('size: 12')).toBeNaN();
  });
});
