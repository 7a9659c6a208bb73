import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes the SDK's registerTool
// generics make tsc run out of memory.
import { z } from 'zod/v4';
import { DEFAULT_MAX_TEXT_BYTES, S3ApiClient } from './s3-api.client';
import { S3ApiErrorCode, S3ApiException } from './s3-api.exception';
import type { ObjectSummary } from './s3-api.schemas';
import { keyMatcher } from './s3-key-search';

export interface S3McpServerOptions {
  /** Holds the keys; the server never sees the secret itself. */
  client: S3ApiClient;
  /** Used by every tool whose caller names no bucket. */
  defaultBucket?: string;
}

const DEFAULT_MAX_ITEMS = 100;
const MAX_ITEMS_CEILING = 1_000;
const MAX_TEXT_BYTES_CEILING = 1024 * 1024;
const DEFAULT_MAX_RESULTS = 50;
const DEFAULT_MAX_SCANNED = 5_000;
const MAX_SCANNED_CEILING = 20_000;
/** Buckets searched when the caller names none and no default bucket is configured. */
const MAX_SEARCHED_BUCKETS = 10;
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

const bucketName = z.string().min(1).max(255);
const bucket = bucketName.optional().describe('Bucket name; defaults to the configured bucket.');
const prefix = z.string().min(1).max(1_024).optional().describe('Only keys that start with this, e.g. "reports/2024/".');

/**
 * An MCP server exposing S3 (or an S3-compatible store) read-only: buckets, object listings,
 * one object's text, and a bounded key search. Failures come back as tool errors
 * (`isError: true`) carrying a code; no message ever contains the secret key.
 */
export function createS3McpServer(options: S3McpServerOptions): McpServer {
  const { client, defaultBucket } = options;
  const server = new McpServer({ name: 'mosaic-s3', version: '0.1.0' });
  const bucketOr = (given: string | undefined): string => {
    const name = given ?? defaultBucket;
    if (!name) throw new S3ApiException(S3ApiErrorCode.InvalidRequest, 'no bucket given and no default bucket is configured');
    return name;
  };

  server.registerTool(
    'list_buckets',
    {
      title: 'List buckets',
      description: 'Every bucket the access key can list, with its creation date.',
      inputSchema: {},
      annotations: READ_ONLY_TOOL,
    },
    (_args, extra) =>
      respond(client, async () => {
        const { buckets, truncated } = await client.listBuckets(extra.signal);
        return {
          buckets: buckets.map((b) => ({ name: b.name, created_at: b.createdAt ?? null, url: `s3://${b.name}` })),
          count: buckets.length,
          truncated,
        };
      }),
  );

  server.registerTool(
    'list_objects',
    {
      title: 'List objects',
      description:
        'Objects of a bucket in key order: key, size in bytes, last_modified, storage class and s3:// url. With ' +
        'delimiter "/", keys below the prefix are grouped into "prefixes" (folders). "truncated" is true when there ' +
        'were more; pass next_continuation_token back, with the same bucket, prefix and delimiter, to continue.',
      inputSchema: {
        bucket,
        prefix,
        delimiter: z.string().min(1).max(8).optional().describe('"/" to list one folder level.'),
        max_items: z
          .number()
          .int()
          .min(1)
          .max(MAX_ITEMS_CEILING)
          .optional()
          .describe(`Most keys (and prefixes) to return across pages (default ${DEFAULT_MAX_ITEMS}).`),
        continuation_token: z.string().min(1).max(4_096).optional().describe('next_continuation_token from a previous call.'),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const name = bucketOr(args.bucket);
        const page = await client.listObjects({
          bucket: name,
          prefix: args.prefix,
          delimiter: args.delimiter,
          maxItems: args.max_items ?? DEFAULT_MAX_ITEMS,
          continuationToken: args.continuation_token,
          signal: extra.signal,
        });
        return {
          bucket: name,
          prefix: args.prefix ?? '',
          objects: page.objects.map((o) => objectView(name, o)),
          ...(args.delimiter ? { prefixes: page.prefixes } : {}),
          count: page.objects.length,
          truncated: page.truncated,
          next_continuation_token: page.nextContinuationToken,
        };
      }),
  );

  server.registerTool(
    'get_object',
    {
      title: 'Read a text object',
      description:
        'The text content of one object (UTF-8: markdown, CSV, JSON, logs, ...), at most max_bytes of it; ' +
        '"truncated" is true when the object is longer. Binary objects (images, PDFs, archives) are refused ' +
        'with the error code binary_content.',
      inputSchema: {
        bucket,
        key: z.string().min(1).max(1_024).describe('The full object key, e.g. "reports/2024/q3.md".'),
        max_bytes: z
          .number()
          .int()
          .min(1)
          .max(MAX_TEXT_BYTES_CEILING)
          .optional()
          .describe(`Most bytes to read (default ${DEFAULT_MAX_TEXT_BYTES}).`),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const name = bucketOr(args.bucket);
        const text = await client.getText({ bucket: name, key: args.key, maxBytes: args.max_bytes ?? DEFAULT_MAX_TEXT_BYTES, signal: extra.signal });
        return {
          bucket: name,
          key: text.key,
          url: `s3://${name}/${text.key}`,
          content_type: text.contentType ?? null,
          size: text.size,
          last_modified: text.lastModified ?? null,
          etag: text.etag ?? null,
          truncated: text.truncated,
          content: text.content,
        };
      }),
  );

  server.registerTool(
    'search_objects',
    {
      title: 'Search object keys',
      description:
        'Finds objects by their keys: a case-insensitive glob "pattern" (* and ?) matched against the whole key or ' +
        'its file name, and/or "keywords" found anywhere in the key (case-insensitive; match "any" or "all"), ' +
        'optionally below a prefix. Searches the given bucket(s), else the default bucket, else every bucket ' +
        `(at most ${MAX_SEARCHED_BUCKETS}). At most max_scanned keys are read in all; "scan_complete" is false ` +
        'when the scan stopped before the end, so matches may be missing. Best matches (most keywords) first.',
      inputSchema: {
        bucket,
        buckets: z.array(bucketName).min(1).max(MAX_SEARCHED_BUCKETS).optional().describe('Several buckets to search.'),
        prefix,
        pattern: z.string().min(1).max(256).optional().describe('e.g. "*.csv" or "*invoice*2024*".'),
        keywords: z.array(z.string().min(1).max(100)).min(1).max(20).optional().describe('Words to find in keys.'),
        match: z.enum(['any', 'all']).optional().describe('Whether any (default) or all keywords must occur.'),
        max_results: z
          .number()
          .int()
          .min(1)
          .max(500)
          .optional()
          .describe(`Most matches returned (default ${DEFAULT_MAX_RESULTS}).`),
        max_scanned: z
          .number()
          .int()
          .min(1)
          .max(MAX_SCANNED_CEILING)
          .optional()
          .describe(`Most keys read across buckets (default ${DEFAULT_MAX_SCANNED}).`),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const named = [...new Set([...(args.bucket ? [args.bucket] : []), ...(args.buckets ?? [])])];
        const everyBucket = named.length === 0 && !defaultBucket;
        let searched = named.length ? named : defaultBucket ? [defaultBucket] : [];
        let complete = true;
        if (everyBucket) {
          const { buckets, truncated } = await client.listBuckets(extra.signal);
          searched = buckets.map((b) => b.name).slice(0, MAX_SEARCHED_BUCKETS);
          complete = !truncated && buckets.length <= MAX_SEARCHED_BUCKETS;
        }

        const matches = keyMatcher({ pattern: args.pattern, keywords: args.keywords, match: args.match });
        const found: Array<{ bucket: string; object: ObjectSummary; matched: string[] }> = [];
        const skipped: Array<{ bucket: string; code: string }> = [];
        let budget = args.max_scanned ?? DEFAULT_MAX_SCANNED;
        let scanned = 0;
        for (const name of searched) {
          if (budget <= 0) {
            complete = false;
            break;
          }
          let page;
          try {
            page = await client.listObjects({ bucket: name, prefix: args.prefix, maxItems: budget, signal: extra.signal });
          } catch (error) {
            // A listing of every bucket may name some this key cannot read; named buckets must work.
            if (everyBucket && error instanceof S3ApiException && isBucketSkippable(error)) {
              skipped.push({ bucket: name, code: error.code });
              continue;
            }
            throw error;
          }
          scanned += page.objects.length;
          budget -= page.objects.length;
          if (page.truncated) complete = false;
          for (const object of page.objects) {
            const matched = matches(object.key);
            if (matched) found.push({ bucket: name, object, matched });
          }
        }

        // Most keywords first; the listing's key order among equals.
        const ranked = found.map((f, index) => ({ ...f, index })).sort((a, b) => b.matched.length - a.matched.length || a.index - b.index);
        const maxResults = args.max_results ?? DEFAULT_MAX_RESULTS;
        return {
          buckets: searched,
          prefix: args.prefix ?? '',
          objects: ranked.slice(0, maxResults).map((f) => ({ bucket: f.bucket, ...objectView(f.bucket, f.object), matched: f.matched })),
          count: Math.min(maxResults, ranked.length),
          truncated: ranked.length > maxResults,
          scanned,
          scan_complete: complete,
          ...(skipped.length ? { skipped_buckets: skipped } : {}),
        };
      }),
  );

  return server;
}

function isBucketSkippable(error: S3ApiException): boolean {
  return error.code === S3ApiErrorCode.CredentialsRejected || error.code === S3ApiErrorCode.NotFound;
}

function objectView(bucketName: string, object: ObjectSummary) {
  return {
    key: object.key,
    size: object.size ?? null,
    last_modified: object.lastModified ?? null,
    storage_class: object.storageClass ?? null,
    url: `s3://${bucketName}/${object.key}`,
  };
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respond(client: S3ApiClient, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    // JSON round trip: undefined disappears, so stdio and in-memory transports carry the same object.
    const structured = JSON.parse(JSON.stringify(await body())) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure =
      error instanceof S3ApiException
        ? error
        : new S3ApiException(
            S3ApiErrorCode.UnexpectedResponse,
            client.redact(`s3 tool failed: ${error instanceof Error ? error.message : String(error)}`),
            { cause: error },
          );
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: {
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
