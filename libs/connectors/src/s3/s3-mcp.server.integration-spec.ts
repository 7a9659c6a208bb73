import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { S3ApiClient, S3ApiClientOptions } from './s3-api.client';
import { createS3McpServer } from './s3-mcp.server';
import { FaultyS3Proxy, S3_FAULTS, startFaultyS3Proxy } from './testing/faulty-s3.proxy';
import {
  CUSTOMERS_CSV,
  CUSTOMERS_CSV_KEY,
  DUMP_KEY,
  EMPTY_BUCKET,
  EMPTY_KEY,
  FIXTURE_BUCKETS,
  LOGS_BUCKET,
  LOGS_OBJECTS,
  PNG_KEY,
  Q3_REVENUE_KEY,
  Q3_REVENUE_SUMMARY,
  REPORTS_BUCKET,
  UNICODE_KEY,
  UNTYPED_TEXT_KEY,
} from './testing/s3-fixtures';
import { S3rver, startS3rver } from './testing/s3rver.server';

/** The AWS documentation's example secret: s3rver does not check SigV4 signatures, so it is accepted. */
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

interface Harness {
  client: Client;
  close(): Promise<void>;
}

type ErrorOut = { code: string; message: string; retry_after_seconds?: number };

interface ObjectOut {
  key: string;
  size: number | null;
  last_modified: string | null;
  url: string;
}
interface ListOut {
  bucket: string;
  objects: ObjectOut[];
  prefixes?: string[];
  count: number;
  truncated: boolean;
  next_continuation_token?: string;
}
interface TextOut {
  bucket: string;
  key: string;
  url: string;
  content_type: string | null;
  size: number;
  last_modified: string | null;
  etag: string | null;
  truncated: boolean;
  content: string;
}
interface SearchOut {
  buckets: string[];
  objects: Array<ObjectOut & { bucket: string; matched: string[] }>;
  count: number;
  truncated: boolean;
  scanned: number;
  scan_complete: boolean;
}

describe('S3 MCP server', () => {
  let s3: S3rver;
  let proxy: FaultyS3Proxy;
  let sut: Harness;

  async function connect(options: Partial<S3ApiClientOptions> & { defaultBucket?: string } = {}): Promise<Harness> {
    const { defaultBucket, ...clientOptions } = options;
    const api = new S3ApiClient({
      accessKeyId: s3.accessKeyId,
      secretAccessKey: SECRET,
      endpoint: proxy.url,
      timeoutMs: 2_000,
      serverErrorRetryDelaysMs: [10, 20],
      rateLimitRetryDelaysMs: [10, 20],
      ...clientOptions,
    });
    const server = createS3McpServer({ client: api, defaultBucket });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 's3-mcp-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    return {
      client,
      close: async () => {
        await client.close();
        await server.close();
        api.close();
      },
    };
  }

  async function withHarness(options: Parameters<typeof connect>[0], use: (harness: Harness) => Promise<void>): Promise<void> {
    const harness = await connect(options);
    try {
      await use(harness);
    } finally {
      await harness.close();
    }
  }

  async function call(harness: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    return (await harness.client.callTool({ name, arguments: args })) as CallToolResult;
  }

  function structured<T>(result: CallToolResult): T {
    if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toEqual(result.structuredContent);
    expect(text).not.toContain(SECRET);
    return result.structuredContent as T;
  }

  function errorOf(result: CallToolResult): ErrorOut {
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(encodeURIComponent(SECRET));
    return (result.structuredContent as { error: ErrorOut }).error;
  }

  beforeAll(async () => {
    s3 = await startS3rver({ seed: FIXTURE_BUCKETS });
    proxy = await startFaultyS3Proxy(s3.endpoint);
    sut = await connect();
  });

  afterEach(() => proxy.reset());

  afterAll(async () => {
    await sut?.close();
    await proxy?.close();
    await s3?.close();
  });

  it('should offer the four read-only tools', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_object', 'list_buckets', 'list_objects', 'search_objects']);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true && tool.annotations?.destructiveHint === false)).toBe(true);
    expect(tools.find((tool) => tool.name === 'get_object')?.inputSchema.required).toEqual(['key']);
  });

  describe('list_buckets', () => {
    it('should list every bucket with its s3 url when the key may list them', async () => {
      const result = structured<{ buckets: Array<{ name: string; created_at: string; url: string }>; count: number }>(await call(sut, 'list_buckets'));

      expect(result.buckets.map((b) => b.name).sort()).toEqual([EMPTY_BUCKET, LOGS_BUCKET, REPORTS_BUCKET]);
      expect(result.buckets.find((b) => b.name === REPORTS_BUCKET)).toEqual({
        name: REPORTS_BUCKET,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        url: `s3://${REPORTS_BUCKET}`,
      });
      expect(proxy.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/', accessKeyId: s3.accessKeyId })]);
    });
  });

  describe('list_objects', () => {
    it('should list the keys below a prefix in key order with sizes when a prefix is given', async () => {
      const result = structured<ListOut>(await call(sut, 'list_objects', { bucket: REPORTS_BUCKET, prefix: 'finance/2024/' }));

      expect(result.objects.map((o) => o.key)).toEqual([
        'finance/2024/q2-revenue-summary.md',
        Q3_REVENUE_KEY,
        'finance/2024/refunds-q3.csv',
      ]);
      expect(result.objects[1]).toEqual({
        key: Q3_REVENUE_KEY,
        size: Buffer.byteLength(Q3_REVENUE_SUMMARY),
        last_modified: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        storage_class: 'STANDARD',
        url: `s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY}`,
      });
      expect(result.truncated).toBe(false);
      expect(result.next_continuation_token).toBeUndefined();
    });

    it('should follow continuation tokens across small pages up to max_items and offer the token to continue', async () => {
      await withHarness({ pageSize: 5 }, async (paged) => {
        const first = structured<ListOut>(await call(paged, 'list_objects', { bucket: LOGS_BUCKET, max_items: 7 }));
        const firstRequests = proxy.requests.slice();
        const rest = structured<ListOut>(
          await call(paged, 'list_objects', { bucket: LOGS_BUCKET, max_items: 100, continuation_token: first.next_continuation_token }),
        );

        expect(first.count).toBe(7);
        expect(first.truncated).toBe(true);
        expect(first.next_continuation_token).toEqual(expect.any(String));
        expect(firstRequests.map((r) => r.query['max-keys'])).toEqual(['5', '2']);
        expect(rest.truncated).toBe(false);
        expect(rest.next_continuation_token).toBeUndefined();
        expect([...first.objects, ...rest.objects].map((o) => o.key)).toEqual(LOGS_OBJECTS.map((o) => o.key));
        expect(proxy.requests.slice(firstRequests.length).map((r) => r.query['max-keys'])).toEqual(['5', '5']);
      });
    });

    it('should stop at maxPages and report truncation when the listing is longer', async () => {
      await withHarness({ pageSize: 2, maxPages: 3 }, async (paged) => {
        const result = structured<ListOut>(await call(paged, 'list_objects', { bucket: LOGS_BUCKET, max_items: 1000 }));

        expect(result.count).toBe(6);
        expect(result.truncated).toBe(true);
        expect(result.next_continuation_token).toEqual(expect.any(String));
        expect(proxy.requests).toHaveLength(3);
      });
    });

    it('should group deeper keys into prefixes when the delimiter is a slash', async () => {
      const result = structured<ListOut>(await call(sut, 'list_objects', { bucket: REPORTS_BUCKET, prefix: 'ops/', delimiter: '/' }));

      expect(result.prefixes).toEqual(['ops/postmortems/']);
      expect(result.objects.map((o) => o.key)).toEqual(['ops/oncall-rotation.json']);
    });

    it('should list the default bucket when the call names none', async () => {
      await withHarness({ defaultBucket: LOGS_BUCKET }, async (withDefault) => {
        const result = structured<ListOut>(await call(withDefault, 'list_objects', { prefix: 'worker/' }));

        expect(result).toMatchObject({ bucket: LOGS_BUCKET, objects: [{ key: 'worker/2024-10-01.log' }] });
      });
    });

    it('should say a bucket is needed when none is given and none is configured', async () => {
      expect(errorOf(await call(sut, 'list_objects'))).toEqual({
        code: 'invalid_request',
        message: 'no bucket given and no default bucket is configured',
      });
      expect(proxy.requests).toEqual([]);
    });

    it('should report not_found when the bucket does not exist', async () => {
      expect(errorOf(await call(sut, 'list_objects', { bucket: 'no-such-bucket' }))).toEqual({
        code: 'not_found',
        message: 'bucket "no-such-bucket" does not exist on s3',
      });
    });
  });

  describe('get_object', () => {
    it('should return the text and its metadata when the object is markdown', async () => {
      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: Q3_REVENUE_KEY }));

      expect(result).toEqual({
        bucket: REPORTS_BUCKET,
        key: Q3_REVENUE_KEY,
        url: `s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY}`,
        content_type: 'text/markdown; charset=utf-8',
        size: Buffer.byteLength(Q3_REVENUE_SUMMARY),
        last_modified: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        etag: expect.stringMatching(/^[0-9a-f]{32}$/),
        truncated: false,
        content: Q3_REVENUE_SUMMARY,
      });
    });

    it('should read only max_bytes and mark the content truncated when the object is longer', async () => {
      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: CUSTOMERS_CSV_KEY, max_bytes: 1000 }));

      expect(result.truncated).toBe(true);
      expect(result.size).toBe(Buffer.byteLength(CUSTOMERS_CSV));
      expect(Buffer.byteLength(result.content)).toBeLessThanOrEqual(1000);
      expect(Buffer.byteLength(result.content)).toBeGreaterThan(990);
      expect(CUSTOMERS_CSV.startsWith(result.content)).toBe(true);
      expect(proxy.requests[0]?.range).toBe('bytes=0-999');
    });

    it('should drop a character cut in half rather than refuse the object when max_bytes ends inside it', async () => {
      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: UNICODE_KEY, max_bytes: 3 }));

      expect(result).toMatchObject({ content: 'é', truncated: true, size: 10 });
    });

    it('should read text stored without a content type when its bytes are UTF-8', async () => {
      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: UNTYPED_TEXT_KEY }));

      expect(result.content).toBe('Shared folder for finance and ops reports. Ask #data-platform for access.\n');
      expect(result.truncated).toBe(false);
    });

    it('should return empty content when the object is empty', async () => {
      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: EMPTY_KEY }));

      expect(result).toMatchObject({ content: '', size: 0, truncated: false });
    });

    it('should read an empty object whole when S3 refuses any range of it', async () => {
      proxy.inject({ kind: 'error', status: 416, code: 'InvalidRange', message: 'The requested range is not satisfiable', details: { RangeRequested: 'bytes=0-65535', ActualObjectSize: '0' } });

      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: EMPTY_KEY }));

      expect(result).toMatchObject({ content: '', size: 0, truncated: false });
      expect(proxy.requests.map((r) => r.range)).toEqual(['bytes=0-65535', undefined]);
    });

    it('should refuse an image with binary_content when its content type is binary', async () => {
      expect(errorOf(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: PNG_KEY }))).toEqual({
        code: 'binary_content',
        message: `s3://${REPORTS_BUCKET}/${PNG_KEY} is not UTF-8 text (image/png); only text objects can be read`,
      });
    });

    it('should refuse bytes that are not text when the content type is generic', async () => {
      const error = errorOf(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: DUMP_KEY }));

      expect(error.code).toBe('binary_content');
      expect(error.message).toMatch(new RegExp(`^s3://${REPORTS_BUCKET}/${DUMP_KEY} is not UTF-8 text`));
    });

    it('should report not_found when the key does not exist', async () => {
      expect(errorOf(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: 'finance/2025/q1.md' }))).toEqual({
        code: 'not_found',
        message: `no object s3://${REPORTS_BUCKET}/finance/2025/q1.md`,
      });
    });
  });

  describe('search_objects', () => {
    it('should find keys by keywords case-insensitively with the best matches first', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { bucket: REPORTS_BUCKET, keywords: ['REVENUE', 'q3'] }));

      expect(result.objects.map((o) => [o.key, o.matched])).toEqual([
        [Q3_REVENUE_KEY, ['revenue', 'q3']],
        ['finance/2024/q2-revenue-summary.md', ['revenue']],
        ['finance/2024/refunds-q3.csv', ['q3']],
      ]);
      expect(result.objects[0]).toMatchObject({ bucket: REPORTS_BUCKET, url: `s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY}` });
      expect(result).toMatchObject({ buckets: [REPORTS_BUCKET], scanned: FIXTURE_BUCKETS[REPORTS_BUCKET]!.length, scan_complete: true });
    });

    it('should keep only keys with every keyword when match is all', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { bucket: REPORTS_BUCKET, keywords: ['revenue', 'q3'], match: 'all' }));

      expect(result.objects.map((o) => o.key)).toEqual([Q3_REVENUE_KEY]);
    });

    it('should match a glob against the file name when the pattern names no folder', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { bucket: REPORTS_BUCKET, pattern: '*.CSV' }));

      expect(result.objects.map((o) => o.key)).toEqual([CUSTOMERS_CSV_KEY, 'finance/2024/refunds-q3.csv']);
    });

    it('should search every bucket when none is named and no default is configured', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { keywords: ['checkout', 'worker'] }));

      expect(result.buckets.sort()).toEqual([EMPTY_BUCKET, LOGS_BUCKET, REPORTS_BUCKET]);
      expect(result.objects.map((o) => `${o.bucket}/${o.key}`).sort()).toEqual([
        `${REPORTS_BUCKET}/ops/postmortems/2024-10-02-checkout-outage.md`,
        `${LOGS_BUCKET}/worker/2024-10-01.log`,
      ].sort());
    });

    it('should stop at max_scanned and say the scan is incomplete when the bucket holds more', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { bucket: LOGS_BUCKET, keywords: ['worker'], max_scanned: 5 }));

      expect(result).toMatchObject({ objects: [], scanned: 5, scan_complete: false });
    });

    it('should cap the matches at max_results and say there were more', async () => {
      const result = structured<SearchOut>(await call(sut, 'search_objects', { bucket: LOGS_BUCKET, prefix: 'app/', max_results: 3 }));

      expect(result.objects.map((o) => o.key)).toEqual(['app/2024-10-01.log', 'app/2024-10-02.log', 'app/2024-10-03.log']);
      expect(result).toMatchObject({ count: 3, truncated: true, scanned: 12, scan_complete: true });
    });
  });

  describe('failures', () => {
    it('should say credentials were rejected when the store does not know the access key id', async () => {
      await withHarness({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', endpoint: s3.endpoint }, async (wrong) => {
        const error = errorOf(await call(wrong, 'list_buckets'));

        expect(error).toEqual({
          code: 'credentials_rejected',
          message:
            'credentials rejected for s3 (HTTP 403 InvalidAccessKeyId on ListBuckets: The AWS Access Key Id you provided does not exist in our records.); ' +
            "check the access key id, the secret access key and the key's read permissions",
        });
      });
    });

    it('should say credentials were rejected when S3 answers SignatureDoesNotMatch for a wrong secret', async () => {
      proxy.inject(S3_FAULTS.signatureDoesNotMatch(s3.accessKeyId));

      const error = errorOf(await call(sut, 'list_buckets'));

      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toMatch(/^credentials rejected for s3 \(HTTP 403 SignatureDoesNotMatch on ListBuckets: The request signature we calculated/);
      expect(proxy.requests).toHaveLength(1);
    });

    it('should say credentials were rejected when the key may not read the bucket', async () => {
      proxy.inject(S3_FAULTS.accessDenied());

      const error = errorOf(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: Q3_REVENUE_KEY }));

      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toContain(`HTTP 403 AccessDenied on GetObject s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY}: Access Denied`);
    });

    it('should say credentials were rejected when a compatible store answers 401', async () => {
      proxy.inject(S3_FAULTS.unauthorized());

      expect(errorOf(await call(sut, 'list_buckets'))).toMatchObject({ code: 'credentials_rejected' });
    });

    it('should wait out a short Retry-After on SlowDown and then succeed', async () => {
      proxy.inject(S3_FAULTS.slowDown('0.2'));
      const started = Date.now();

      const result = structured<ListOut>(await call(sut, 'list_objects', { bucket: LOGS_BUCKET }));

      expect(result.count).toBe(LOGS_OBJECTS.length);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(proxy.requests).toHaveLength(2);
    });

    it('should back off and retry a 429 without Retry-After and succeed when the store recovers', async () => {
      proxy.inject(S3_FAULTS.tooManyRequests(), 2);

      const result = structured<ListOut>(await call(sut, 'list_objects', { bucket: LOGS_BUCKET }));

      expect(result.count).toBe(LOGS_OBJECTS.length);
      expect(proxy.requests).toHaveLength(3);
    });

    it('should fail rate_limited at once with the wait when Retry-After is longer than the client waits', async () => {
      proxy.inject(S3_FAULTS.slowDown('30'));

      expect(errorOf(await call(sut, 'list_buckets'))).toEqual({
        code: 'rate_limited',
        message: 's3 rate limited (HTTP 503 SlowDown on ListBuckets); retry after 30 s',
        retry_after_seconds: 30,
      });
      expect(proxy.requests).toHaveLength(1);
    });

    it('should fail rate_limited after the bounded retries when S3 keeps throttling', async () => {
      proxy.inject(S3_FAULTS.slowDown(), 5);

      expect(errorOf(await call(sut, 'list_buckets'))).toMatchObject({ code: 'rate_limited', retry_after_seconds: 1 });
      expect(proxy.requests).toHaveLength(3);
    });

    it('should retry a 5xx and succeed when S3 recovers', async () => {
      proxy.inject(S3_FAULTS.internalError(), 2);

      const result = structured<TextOut>(await call(sut, 'get_object', { bucket: REPORTS_BUCKET, key: Q3_REVENUE_KEY }));

      expect(result.content).toBe(Q3_REVENUE_SUMMARY);
      expect(proxy.requests).toHaveLength(3);
    });

    it('should give up as unavailable when 5xx persists past the retries', async () => {
      proxy.inject(S3_FAULTS.internalError(), 5);

      expect(errorOf(await call(sut, 'list_buckets'))).toEqual({
        code: 'unavailable',
        message: 's3 is unavailable (HTTP 500 InternalError on ListBuckets after 3 attempts)',
      });
      expect(proxy.requests).toHaveLength(3);
    });

    it('should report unavailable when nothing listens at the endpoint', async () => {
      await withHarness({ endpoint: 'http://127.0.0.1:1' }, async (unreachable) => {
        expect(errorOf(await call(unreachable, 'list_buckets'))).toEqual({
          code: 'unavailable',
          message: 's3 is unreachable (ListBuckets): ECONNREFUSED',
        });
      });
    });

    it('should time out a request that gets no answer', async () => {
      await withHarness({ timeoutMs: 200 }, async (hasty) => {
        proxy.inject({ kind: 'hang' });

        expect(errorOf(await call(hasty, 'list_objects', { bucket: LOGS_BUCKET }))).toEqual({
          code: 'timeout',
          message: `s3 did not answer ListObjectsV2 s3://${LOGS_BUCKET}/ within 200 ms`,
        });
      });
    });

    it('should time out when the object body stops arriving', async () => {
      await withHarness({ timeoutMs: 300 }, async (hasty) => {
        proxy.inject({ kind: 'stall_body' });
        const started = Date.now();

        const error = errorOf(await call(hasty, 'get_object', { bucket: REPORTS_BUCKET, key: Q3_REVENUE_KEY }));

        expect(error).toEqual({ code: 'timeout', message: `s3 did not answer GetObject s3://${REPORTS_BUCKET}/${Q3_REVENUE_KEY} within 300 ms` });
        expect(Date.now() - started).toBeLessThan(2_000);
      });
    });

    it('should redact the secret key when the store echoes it in an error', async () => {
      proxy.inject({ kind: 'error', status: 400, code: 'InvalidArgument', message: `unexpected credential ${SECRET}` });

      const error = errorOf(await call(sut, 'list_buckets'));

      expect(error).toEqual({ code: 'invalid_request', message: 's3 rejected ListBuckets (HTTP 400 InvalidArgument: unexpected credential [redacted])' });
    });
  });

  describe(S3ApiClient.name, () => {
    it('should stop waiting when the caller aborts', async () => {
      const api = new S3ApiClient({ accessKeyId: s3.accessKeyId, secretAccessKey: SECRET, endpoint: proxy.url, timeoutMs: 5_000 });
      try {
        proxy.inject({ kind: 'hang' });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);

        await expect(api.listBuckets(controller.signal)).rejects.toMatchObject({ code: 'aborted' });
      } finally {
        api.close();
      }
    });
  });
});
