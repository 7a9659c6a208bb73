import { GetObjectCommand, GetObjectCommandOutput, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod/v4';
import {
  abortableSleep,
  AbortedError,
  attemptWithTimeout,
  redactSecrets,
  retryAfterMs,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from '../http/api-request';
import { S3ApiErrorCode, S3ApiException } from './s3-api.exception';
import {
  BucketSummary,
  GetObjectOutputSchema,
  ListBucketsOutputSchema,
  ListObjectsV2OutputSchema,
  ObjectSummary,
} from './s3-api.schemas';

export const DEFAULT_S3_REGION = 'us-east-1';
/** S3's own ceiling for one ListObjectsV2 page. */
export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_MAX_TEXT_BYTES = 64 * 1024;

export interface S3ApiClientOptions {
  /** Sent only inside the SigV4 signature; appears in messages (it identifies, it does not authorise). */
  accessKeyId: string;
  /** Never sent, logged or part of an error message: it only signs requests. */
  secretAccessKey: string;
  region?: string;
  /** An S3-compatible endpoint (MinIO, R2, a test server); requests then use path-style URLs. */
  endpoint?: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs?: number;
  /** A Retry-After at most this long is waited out; a longer one fails at once. */
  maxRateLimitWaitMs?: number;
  /** Waits before each retry of a throttled request (429, SlowDown, 503) that names no Retry-After. */
  rateLimitRetryDelaysMs?: readonly number[];
  /** Delays before each retry of a 5xx or an unreachable store (every request here is a GET). */
  serverErrorRetryDelaysMs?: readonly number[];
  /** Keys asked for per ListObjectsV2 request (at most 1000). */
  pageSize?: number;
  /** Most pages one listing follows, whatever `maxItems` says. */
  maxPages?: number;
}

export interface ListObjectsOptions {
  bucket: string;
  prefix?: string;
  /** `/` groups keys below the prefix into `prefixes` ("folders"). */
  delimiter?: string;
  /** Most keys (plus common prefixes) returned across pages. */
  maxItems?: number;
  /** `nextContinuationToken` of a previous listing of the same bucket, prefix and delimiter. */
  continuationToken?: string;
  signal?: AbortSignal;
}

/** One listing, possibly gathered from several pages. */
export interface ObjectPage {
  objects: ObjectSummary[];
  prefixes: string[];
  /** True when the bucket had more than was returned. */
  truncated: boolean;
  /** Pass back as `continuationToken` to continue where this listing stopped. */
  nextContinuationToken?: string;
}

export interface GetTextOptions {
  bucket: string;
  key: string;
  /** Most bytes read; a longer object comes back cut and marked truncated. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface TextObject {
  bucket: string;
  key: string;
  contentType?: string;
  /** The whole object's size in bytes, not only what was read. */
  size: number;
  lastModified?: string;
  etag?: string;
  content: string;
  /** True when only the first `maxBytes` were read. */
  truncated: boolean;
}

/** What one failed attempt tells the retry loop. */
interface Failure {
  status?: number;
  /** The S3 error code (`SlowDown`, `NoSuchKey`, ...), when the store sent one. */
  code?: string;
  message?: string;
  retryAfterMs?: number;
  cause: unknown;
}

interface Target {
  bucket?: string;
  key?: string;
}

/** Codes S3 (and compatible stores) send for keys that are wrong, expired or not allowed to read. */
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired',
  'AllAccessDisabled', 'AccountProblem', 'NotSignedUp', 'InvalidSecurity', 'Unauthorized',
]);
/** 403s that are about the request or the object, not the keys: a skewed clock, an archived (Glacier) object. */
const NON_CREDENTIAL_403_CODES = new Set(['RequestTimeTooSkewed', 'InvalidObjectState']);
const THROTTLE_CODES = new Set(['SlowDown', 'TooManyRequests', 'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ServiceUnavailable']);
/** Types whose bytes are never text, refused before the body is read (`image/svg+xml` is text). */
const BINARY_CONTENT_TYPE = /^(?:image|audio|video|font)\/(?!svg\+xml)|^application\/(?:pdf|zip|gzip|x-gzip|x-tar|x-bzip2|x-xz|x-7z-compressed|zstd|vnd\.apache\.parquet|x-parquet|java-archive|wasm|x-sqlite3|msword|vnd\.ms-|vnd\.openxmlformats)/i;
const COMPRESSED_ENCODING = /^(?:gzip|x-gzip|br|deflate|compress|zstd)$/i;

/**
 * A small typed client for the read-only S3 calls Mosaic makes (ListBuckets, ListObjectsV2,
 * GetObject) over `@aws-sdk/client-s3`, against AWS or any S3-compatible endpoint. The SDK's own
 * retries are off: this client follows continuation tokens within bounds, retries throttling
 * (honouring Retry-After) and 5xx with bounded backoff, aborts every request, body included, at a
 * timeout or the caller's AbortSignal, and parses each output against the fields it uses.
 */
export class S3ApiClient {
  readonly region: string;
  readonly endpoint?: string;
  private readonly s3: S3Client;
  private readonly secrets: readonly string[];
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly rateLimitDelaysMs: readonly number[];
  private readonly serverErrorDelaysMs: readonly number[];
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(options: S3ApiClientOptions) {
    if (!options.accessKeyId || !options.secretAccessKey) throw new Error('an S3 access key id and secret access key are required');
    this.region = options.region || DEFAULT_S3_REGION;
    this.endpoint = options.endpoint;
    this.secrets = [...new Set([options.secretAccessKey, encodeURIComponent(options.secretAccessKey)])];
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5_000;
    this.rateLimitDelaysMs = options.rateLimitRetryDelaysMs ?? [500, 2_000];
    this.serverErrorDelaysMs = options.serverErrorRetryDelaysMs ?? [250, 1_000];
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(options.pageSize ?? MAX_PAGE_SIZE)));
    this.maxPages = options.maxPages ?? 25;
    this.s3 = new S3Client({
      region: this.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: 1,
      followRegionRedirects: true,
      // Read-only calls: checksums on requests are never required, and many compatible stores
      // do not return the ones the SDK would otherwise ask for.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async listBuckets(signal?: AbortSignal): Promise<{ buckets: BucketSummary[]; truncated: boolean }> {
    const buckets: BucketSummary[] = [];
    let token: string | undefined;
    for (let pages = 1; ; pages++) {
      const output = await this.call('ListBuckets', {}, signal, (abortSignal) =>
        this.s3.send(new ListBucketsCommand(token ? { ContinuationToken: token } : {}), { abortSignal }),
      );
      const page = this.parse(ListBucketsOutputSchema, output, 'ListBuckets');
      buckets.push(...page.Buckets);
      token = page.ContinuationToken;
      if (!token || pages >= this.maxPages) break;
    }
    return { buckets, truncated: token !== undefined };
  }

  async listObjects(options: ListObjectsOptions): Promise<ObjectPage> {
    const maxItems = Math.max(1, Math.trunc(options.maxItems ?? 100));
    const target = { bucket: options.bucket };
    const what = `ListObjectsV2 s3://${options.bucket}/${options.prefix ?? ''}`;
    const objects: ObjectSummary[] = [];
    const prefixes: string[] = [];
    let token = options.continuationToken;
    // Each request asks for exactly what is still wanted (S3 counts common prefixes as keys), so
    // pages end where the listing stops and the next token resumes without skipping anything.
    for (let pages = 1; ; pages++) {
      const remaining = maxItems - objects.length - prefixes.length;
      const output = await this.call(what, target, options.signal, (abortSignal) =>
        this.s3.send(
          new ListObjectsV2Command({
            Bucket: options.bucket,
            Prefix: options.prefix || undefined,
            Delimiter: options.delimiter || undefined,
            ContinuationToken: token,
            MaxKeys: Math.min(this.pageSize, remaining),
          }),
          { abortSignal },
        ),
      );
      const page = this.parse(ListObjectsV2OutputSchema, output, what);
      objects.push(...page.Contents);
      prefixes.push(...page.CommonPrefixes.map((p) => p.Prefix));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (!token || objects.length + prefixes.length >= maxItems || pages >= this.maxPages) {
        return { objects, prefixes, truncated: page.IsTruncated, ...(token ? { nextContinuationToken: token } : {}) };
      }
    }
  }

  /**
   * The first `maxBytes` of an object as UTF-8 text. Objects with a binary content type are
   * refused before their body is read; others are refused when their bytes are not UTF-8 text.
   */
  async getText(options: GetTextOptions): Promise<TextObject> {
    const { bucket, key } = options;
    const maxBytes = Math.max(1, Math.trunc(options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES));
    const what = `GetObject s3://${bucket}/${key}`;
    return this.call(what, { bucket, key }, options.signal, async (abortSignal) => {
      const send = (range?: string) => this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }), { abortSignal });
      let output: GetObjectCommandOutput;
      try {
        output = await send(`bytes=0-${maxBytes - 1}`);
      } catch (error) {
        // S3 cannot satisfy any range of an empty object (416 InvalidRange); read it whole.
        if (failureOf(error).status !== 416) throw error;
        output = await send();
      }
      const head = this.parse(GetObjectOutputSchema, output, what);
      const contentType = head.ContentType;
      const encoding = head.ContentEncoding;
      if ((contentType && BINARY_CONTENT_TYPE.test(contentType)) || (encoding && COMPRESSED_ENCODING.test(encoding))) {
        destroyBody(output.Body);
        throw this.notText(bucket, key, encoding && COMPRESSED_ENCODING.test(encoding) ? `${encoding}-encoded` : contentType);
      }
      const announced = totalSize(head.ContentRange) ?? head.ContentLength;
      // Nothing to read: some compatible stores answer a range of an empty object with a body that never comes.
      const bytes = announced === 0 ? (destroyBody(output.Body), Buffer.alloc(0)) : await readCapped(output.Body, maxBytes, abortSignal);
      const size = announced ?? bytes.length;
      const truncated = size > bytes.length;
      const content = decodeUtf8(bytes, !truncated);
      if (content === undefined) throw this.notText(bucket, key, contentType);
      return {
        bucket,
        key,
        ...(contentType ? { contentType } : {}),
        size,
        ...(head.LastModified ? { lastModified: head.LastModified } : {}),
        ...(head.ETag ? { etag: head.ETag } : {}),
        content,
        truncated,
      };
    });
  }

  /** Replaces the secret key wherever it might occur, for text that crosses a trust boundary. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Closes the SDK's pooled connections. */
  close(): void {
    this.s3.destroy();
  }

  private call<T>(what: string, target: Target, signal: AbortSignal | undefined, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const policy: RetryPolicy = {
      serverErrorDelaysMs: this.serverErrorDelaysMs,
      rateLimitRetries: this.rateLimitDelaysMs.length,
      rateLimitDelaysMs: this.rateLimitDelaysMs,
      maxRateLimitWaitMs: this.maxRateLimitWaitMs,
      // Only a Retry-After the store sends can be too long; our own backoff is always waited out.
      capOwnDelays: false,
    };
    return withRetries(
      policy,
      () => this.attempt(what, signal, run),
      (outcome) => this.classify(outcome, what, target),
      (ms) => abortableSleep(ms, signal, this.aborted(what)),
    );
  }

  private classify<T>(outcome: { value: T } | { failure: Failure }, what: string, target: Target): RetryVerdict<T> {
    if (!('failure' in outcome)) return { done: outcome.value };
    const { status, code, message, retryAfterMs, cause } = outcome.failure;
    const detail = [code, message !== code ? message : undefined].filter(Boolean).join(': ');

    if (status === undefined) {
      return { serverError: () => this.fail(S3ApiErrorCode.Unavailable, `s3 is unreachable (${what}): ${networkReason(cause)}`, { cause }) };
    }
    if (status >= 200 && status < 300) {
      return {
        fail: this.fail(S3ApiErrorCode.UnexpectedResponse, `s3 returned an unreadable response to ${what}${message ? `: ${message}` : ''}`, {
          cause,
          status,
        }),
      };
    }
    if (status === 401 || (status === 403 && !(code && NON_CREDENTIAL_403_CODES.has(code))) || (code && CREDENTIAL_CODES.has(code))) {
      return {
        fail: this.fail(
          S3ApiErrorCode.CredentialsRejected,
          `credentials rejected for s3 (HTTP ${status}${code ? ` ${code}` : ''} on ${what}${message && message !== code ? `: ${message}` : ''}); ` +
            'check the access key id, the secret access key and the key\'s read permissions',
          { cause, status },
        ),
      };
    }
    if (status === 429 || status === 503 || (code && THROTTLE_CODES.has(code))) {
      return {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        rateLimited: () => {
          const seconds = Math.max(1, Math.ceil((retryAfterMs ?? this.rateLimitDelaysMs.at(-1) ?? 1_000) / 1000));
          return this.fail(S3ApiErrorCode.RateLimited, `s3 rate limited (HTTP ${status}${code ? ` ${code}` : ''} on ${what}); retry after ${seconds} s`, {
            cause,
            status,
            retryAfterSeconds: seconds,
          });
        },
      };
    }
    if (status >= 500) {
      return {
        serverError: ({ serverErrors, rateLimits }) => {
          const attempts = serverErrors + rateLimits + 1;
          return this.fail(
            S3ApiErrorCode.Unavailable,
            `s3 is unavailable (HTTP ${status}${code ? ` ${code}` : ''} on ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''})`,
            { cause, status },
          );
        },
      };
    }
    if (status === 404) {
      const notFound =
        code === 'NoSuchBucket' && target.bucket
          ? `bucket "${target.bucket}" does not exist on s3`
          : code === 'NoSuchKey' && target.key
            ? `no object s3://${target.bucket}/${target.key}`
            : `not found on s3 (${what}${detail ? `: ${detail}` : ''})`;
      return { fail: this.fail(S3ApiErrorCode.NotFound, notFound, { cause, status }) };
    }
    return { fail: this.fail(S3ApiErrorCode.InvalidRequest, `s3 rejected ${what} (HTTP ${status}${detail ? ` ${detail}` : ''})`, { cause, status }) };
  }

  /** One exchange, body included, bounded by the timeout and the caller's signal. */
  private async attempt<T>(
    what: string,
    signal: AbortSignal | undefined,
    run: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<{ value: T } | { failure: Failure }> {
    const outcome = await attemptWithTimeout(
      {
        signal,
        timeoutMs: this.timeoutMs,
        aborted: this.aborted(what),
        timedOut: (cause) => this.fail(S3ApiErrorCode.Timeout, `s3 did not answer ${what} within ${this.timeoutMs} ms`, { cause }),
        isOwnError: (error) => error instanceof S3ApiException,
      },
      run,
    );
    return 'error' in outcome ? { failure: failureOf(outcome.error) } : outcome;
  }

  private parse<S extends z.ZodType>(schema: S, output: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(output);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw this.fail(S3ApiErrorCode.UnexpectedResponse, `s3 returned an unexpected response to ${what}${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }

  private notText(bucket: string, key: string, contentType: string | undefined): S3ApiException {
    return this.fail(
      S3ApiErrorCode.BinaryContent,
      `s3://${bucket}/${key} is not UTF-8 text${contentType ? ` (${contentType})` : ''}; only text objects can be read`,
    );
  }

  private aborted(what: string): AbortedError {
    return (options) => this.fail(S3ApiErrorCode.Aborted, `s3 request aborted (${what})`, options);
  }

  private fail(
    code: S3ApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ): S3ApiException {
    return new S3ApiException(code, this.redact(message), options);
  }
}

/** What an SDK error says: the HTTP status, S3's error code and message, and any Retry-After. */
function failureOf(error: unknown): Failure {
  const e = error as {
    name?: unknown;
    message?: unknown;
    Code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $response?: { statusCode?: unknown; headers?: Record<string, string | undefined> };
  } | null;
  const statusValue = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  const status = typeof statusValue === 'number' ? statusValue : undefined;
  if (status === undefined) return { cause: error };
  const rawCode = typeof e?.Code === 'string' ? e.Code : typeof e?.name === 'string' ? e.name : undefined;
  // The SDK names errors without an XML body "Unknown", "UnknownError" or by the status number.
  const code = rawCode && !/^(?:Unknown|UnknownError|Error|\d{3})$/.test(rawCode) ? rawCode : undefined;
  const rawMessage = typeof e?.message === 'string' ? e.message : undefined;
  const message = rawMessage && !/^(?:Unknown|UnknownError)$/.test(rawMessage) ? rawMessage.split('\n')[0] : undefined;
  return { status, code, message, retryAfterMs: retryAfterMs(header(e?.$response?.headers, 'retry-after')), cause: error };
}

function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found ? headers[found] : undefined;
}


/** The object's full size from `Content-Range: bytes 0-65535/1048576`. */
export function totalSize(contentRange: string | undefined): number | undefined {
  const match = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The bytes as UTF-8 text, or undefined when they are not text (a NUL byte, or bytes that are
 * not UTF-8). A cut-off object may end inside a character: that tail is dropped, not refused.
 */
export function decodeUtf8(bytes: Uint8Array, complete: boolean): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return undefined;
  }
}

/** Reads at most `maxBytes` of a response body, aborting the stream when the signal fires. */
async function readCapped(body: unknown, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  const stream = body as AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };
  if (typeof stream[Symbol.asyncIterator] !== 'function') throw new Error('the GetObject body is not a stream');
  if (signal.aborted) {
    stream.destroy?.();
    throw signal.reason;
  }
  // The SDK stops listening to the signal once the response head has arrived; the body is ours to abort.
  const onAbort = () => stream.destroy?.(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(Buffer.from(chunk));
      total += chunk.length;
      // Leaving the loop early destroys the stream, so a store that ignored Range stops sending.
      if (total >= maxBytes) break;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

function destroyBody(body: unknown): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

/** `ECONNREFUSED`, `ENOTFOUND`, ...: from the error, its cause, or its text (the SDK may wrap a socket error in a message). */
function networkReason(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown; message?: unknown }; message?: unknown } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  const text = typeof e?.message === 'string' ? e.message : String(error);
  return /\b(E[A-Z]{3,})\b/.exec(text)?.[1] ?? text;
}

export { retryAfterMs };
