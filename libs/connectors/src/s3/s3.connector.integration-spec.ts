import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SourceItemSchema } from '@mosaic/contracts';
import { ToolCaller } from '../connector';
import { S3ApiClient } from './s3-api.client';
import { createS3McpServer } from './s3-mcp.server';
import { s3Connector } from './s3.connector';
import { FaultyS3Proxy, S3_FAULTS, startFaultyS3Proxy } from './testing/faulty-s3.proxy';
import { CHECKOUT_POSTMORTEM_KEY, FIXTURE_BUCKETS, LOGS_BUCKET, PNG_KEY, Q3_REVENUE_KEY, REPORTS_BUCKET } from './testing/s3-fixtures';
import { S3rver, startS3rver } from './testing/s3rver.server';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The local strategy against our MCP server against a real S3-compatible server (s3rver). */
describe('s3Connector', () => {
  let s3: S3rver;
  let proxy: FaultyS3Proxy;
  let api: S3ApiClient;
  let client: Client;
  let closeServer: () => Promise<void>;
  let calls: Array<{ tool: string; args: Record<string, unknown> }>;
  const sut = s3Connector;

  // The worker's ToolCaller, minus breaker and metrics: text plus structured content.
  const call: ToolCaller = async (tool, args) => {
    calls.push({ tool, args });
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return { ok: !result.isError, text, structured: result.structuredContent };
  };
  const answer = (query: string, bucket?: string) =>
    sut.localStrategy(query, call, { access_key_id: s3.accessKeyId, secret_access_key: SECRET, endpoint: proxy.url, ...(bucket ? { bucket } : {}) });

  beforeAll(async () => {
    s3 = await startS3rver({ seed: FIXTURE_BUCKETS });
    proxy = await startFaultyS3Proxy(s3.endpoint);
    api = new S3ApiClient({ accessKeyId: s3.accessKeyId, secretAccessKey: SECRET, endpoint: proxy.url, serverErrorRetryDelaysMs: [10] });
    const server = createS3McpServer({ client: api });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 's3-connector-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    closeServer = () => server.close();
  });

  beforeEach(() => {
    calls = [];
    proxy.reset();
  });

  afterAll(async () => {
    await client?.close();
    await closeServer?.();
    api?.close();
    await proxy?.close();
    await s3?.close();
  });

  it('should cite the matching passage of the object whose key names the question', async () => {
    const result = await answer('What was the Q3 revenue summary?', REPORTS_BUCKET);

    expect(calls[0]).toEqual({ tool: 'search_objects', args: { bucket: REPORTS_BUCKET, keywords: ['revenue', 'summary', 'q3'], max_results: 50 } });
    expect(result.items[0]).toEqual({
      id: `${REPORTS_BUCKET}/${Q3_REVENUE_KEY}`,
      title: Q3_REVENUE_KEY,
      url: `s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY}`,
      tool: 'get_object',
      content: '# Q3 2024 revenue summary\nTotal revenue for Q3 2024 was $4.2M, up 12% on Q2. Subscriptions contributed $3.1M and services $1.1M.',
      score: 1,
    });
    expect(result.items.every((item) => SourceItemSchema.safeParse(item).success)).toBe(true);
    expect(result.summary).toMatch(/^Searched 11 object key\(s\) in acme-reports; 3 key\(s\) matched, 3 text object\(s\) read; 3 shown\.$/);
  });

  it('should search every bucket and read the postmortem when no default bucket is set', async () => {
    const result = await answer('What caused the checkout outage?');

    expect(calls[0]?.args).toEqual({ keywords: ['caus', 'checkout', 'outage'], max_results: 50 });
    expect(calls.filter((c) => c.tool === 'get_object').map((c) => c.args['key'])).toEqual([CHECKOUT_POSTMORTEM_KEY]);
    expect(result.items).toHaveLength(1);
    expect(result.items[0]).toMatchObject({ id: `${REPORTS_BUCKET}/${CHECKOUT_POSTMORTEM_KEY}`, tool: 'get_object' });
    expect(result.items[0]!.content).toContain('the TLS certificate of the payments gateway expired');
  });

  it('should read the newest text objects and cite what they say when no key matches the question', async () => {
    const result = await answer('Were there slow query warnings?', LOGS_BUCKET);

    expect(calls.map((c) => c.tool)).toEqual(['search_objects', 'search_objects', 'get_object', 'get_object', 'get_object', 'get_object']);
    expect(calls[1]?.args).toEqual({ bucket: LOGS_BUCKET, max_results: 200 });
    // The four newest logs are read; the ones that mention slow queries are cited, with that line.
    expect(result.items.length).toBeGreaterThanOrEqual(3);
    expect(result.items.every((item) => item.id.startsWith(`${LOGS_BUCKET}/app/`) && item.content.includes('WARN slow query on orders (1200 ms)'))).toBe(true);
    expect(result.summary).toMatch(/^No key matched the question among 13 object key\(s\) in acme-logs; read the 4 newest text object\(s\)/);
  });

  it('should cite a binary object by its key without reading it when only its name matches', async () => {
    const result = await answer('Where is the company logo?', REPORTS_BUCKET);

    expect(calls.map((c) => c.tool)).toEqual(['search_objects']);
    expect(result.items).toEqual([
      {
        id: `${REPORTS_BUCKET}/${PNG_KEY}`,
        title: PNG_KEY,
        url: `s3://${REPORTS_BUCKET}/${PNG_KEY}`,
        tool: 'search_objects',
        content: expect.stringMatching(/^brand\/logo\.png · 20 bytes · modified \d{4}-\d{2}-\d{2} · not text$/),
        score: expect.any(Number),
      },
    ]);
  });

  it('should list the buckets when the question asks which buckets there are', async () => {
    const result = await answer('Which buckets do we have?');

    expect(calls).toEqual([{ tool: 'list_buckets', args: {} }]);
    expect(result.items.map((i) => i.id).sort()).toEqual(['acme-empty', 'acme-logs', 'acme-reports']);
    expect(result.items[0]).toMatchObject({ title: expect.stringMatching(/^Bucket acme-/), url: expect.stringMatching(/^s3:\/\/acme-/), tool: 'list_buckets' });
  });

  it('should throw with the tool error when S3 rejects the credentials', async () => {
    proxy.inject(S3_FAULTS.signatureDoesNotMatch(s3.accessKeyId));

    await expect(answer('q3 revenue', REPORTS_BUCKET)).rejects.toThrow(/^search_objects failed: credentials rejected for s3/);
  });
});
