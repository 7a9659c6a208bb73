import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, stem, tokenize, truncate } from '@mosaic/llm';
import { z } from 'zod/v4';
import { ConnectorDefinition, directRoute, StrategyResult, ToolCaller } from '../connector';
import { builtServerEntry } from '../paths';
import { S3ApiErrorCode } from './s3-api.exception';

const MAX_ITEMS = 8;
/** Text objects read per question: each costs one GetObject. */
const MAX_OBJECTS_READ = 4;
const READ_BYTES = 32 * 1024;
const EXCERPT_CHARS = 700;
const SEARCH_RESULTS = 50;
/** When no key names what the question asks, the newest of this many objects are read instead. */
const FALLBACK_LISTED = 200;

/** Words that say "S3" or frame the question, never what an object is about (compared as stems). */
const META_STEMS = new Set(
  [
    's3', 'aws', 'bucket', 'buckets', 'object', 'objects', 'file', 'files', 'key', 'keys', 'store', 'stored', 'storage',
    'upload', 'uploaded', 'document', 'documents', 'folder', 'folders', 'content', 'contents', 'saved', 'latest',
  ].map(stem),
);
/** Extensions of objects that are never text: matched by key, cited, but not read. */
const BINARY_EXTENSION = /\.(?:png|jpe?g|gif|webp|bmp|ico|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|tar|rar|parquet|avro|orc|bin|exe|dll|so|jar|class|mp[34]|mov|avi|wav|flac|ogg|woff2?|ttf|otf|xlsx?|docx?|pptx?|sqlite|db)$/i;

/** Amazon S3 (or an S3-compatible store) through our own read-only MCP server. */
export const s3Connector: ConnectorDefinition = {
  metadata: {
    id: 's3',
    name: 'Amazon S3',
    description: 'Reports, exports, logs and other documents stored as objects in Amazon S3 (or S3-compatible) buckets',
    icon: 'cloud',
  },
  keywords: [
    's3', 'bucket', 'object', 'blob', 'storage', 'upload', 'uploaded', 'export', 'exported', 'backup', 'archive', 'dump',
    'csv', 'parquet', 'dataset', 'minio', 'aws', 'prefix',
  ],
  // The default bucket from the credentials, where the call names none. search_objects is left
  // out: its caller may name `buckets`, and an injected `bucket` would widen that search.
  injections: [
    { tool: 'list_objects', param: 'bucket', from: { kind: 'credential', field: 'bucket' } },
    { tool: 'get_object', param: 'bucket', from: { kind: 'credential', field: 'bucket' } },
  ],
  probe: { tool: 'list_buckets', args: {} },
  credentialFields: [
    { name: 'access_key_id', label: 'Access key id', type: 'text', required: true, envVar: 'S3_ACCESS_KEY_ID' },
    { name: 'secret_access_key', label: 'Secret access key', type: 'password', required: true, envVar: 'S3_SECRET_ACCESS_KEY' },
    { name: 'region', label: 'Region (default us-east-1)', type: 'text', required: false, envVar: 'S3_REGION' },
    { name: 'endpoint', label: 'Endpoint URL (S3-compatible stores)', type: 'url', required: false, envVar: 'S3_ENDPOINT' },
    { name: 'bucket', label: 'Default bucket', type: 'text', required: false, envVar: 'S3_BUCKET' },
  ],
  directRouting: [{ keywords: ['buckets', 'list buckets', 'which bucket', 'what bucket'], tool: 'list_buckets' }],
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('s3/s3-mcp.main.js')],
    env: {
      S3_ACCESS_KEY_ID: credentials['access_key_id'] ?? '',
      S3_SECRET_ACCESS_KEY: credentials['secret_access_key'] ?? '',
      ...(credentials['region'] ? { S3_REGION: credentials['region'] } : {}),
      ...(credentials['endpoint'] ? { S3_ENDPOINT: credentials['endpoint'] } : {}),
      ...(credentials['bucket'] ? { S3_BUCKET: credentials['bucket'] } : {}),
    },
  }),
  localStrategy: (query, call, credentials) => answerFromS3(query, call, credentials['bucket'] || undefined),
};

/**
 * Finds the objects whose keys share words with the question (or, when none does, the newest
 * objects), reads the best few text objects and cites the passages that match.
 */
export async function answerFromS3(query: string, call: ToolCaller, bucket?: string): Promise<StrategyResult> {
  const queryKeywords = questionTerms(query);
  if (directRoute(s3Connector, query)?.tool === 'list_buckets') return listBuckets(call, queryKeywords);

  const where = bucket ? { bucket } : {};
  const terms = queryKeywords.filter((k) => !META_STEMS.has(k)).slice(0, 20);
  const keyed = terms.length ? await searchObjects(call, { ...where, keywords: terms, max_results: SEARCH_RESULTS }) : undefined;
  const byKey = keyed !== undefined && keyed.objects.length > 0;
  const found = byKey ? keyed : await searchObjects(call, { ...where, max_results: FALLBACK_LISTED });
  const scope = found.buckets.join(', ') || 'no bucket';

  const items: SourceItem[] = [];
  let read = 0;
  for (const object of rank(found.objects, queryKeywords, byKey)) {
    if (!byKey && read >= MAX_OBJECTS_READ) break;
    const binaryByName = BINARY_EXTENSION.test(object.key);
    const outcome = !binaryByName && read < MAX_OBJECTS_READ ? await readText(call, object.bucket, object.key) : undefined;
    if (outcome && 'text' in outcome) {
      read++;
      items.push(textItem(object, outcome.text, queryKeywords));
    } else if (byKey) {
      // Matched by its key but not read (not text, gone, or past the read budget): still worth citing.
      items.push(listedItem(object, queryKeywords, binaryByName ? 'not text' : outcome?.note));
    }
  }
  const shown = best(items);
  if (shown.length === 0) {
    return {
      items: [],
      summary: terms.length ? `No object in ${scope} matches ${terms.join(', ')}.` : `No text object found in ${scope}.`,
    };
  }
  const scanned = `${found.scanned}${found.scan_complete ? '' : '+'} object key(s) in ${scope}`;
  return {
    items: shown,
    summary: byKey
      ? `Searched ${scanned}; ${found.objects.length} key(s) matched, ${read} text object(s) read; ${shown.length} shown.`
      : `No key matched the question among ${scanned}; read the ${read} newest text object(s); ${shown.length} shown.`,
  };
}

/**
 * The question's keyword stems plus its short codes with a digit ("Q3", "H1", "v2"), which
 * `keywords` drops as too short but which often tell one object key from the next.
 */
export function questionTerms(query: string): string[] {
  const codes = tokenize(query).filter((token) => /^(?=.*\d)(?=.*[a-z])[a-z0-9]{2}$/.test(token));
  return [...new Set([...keywords(query), ...codes])];
}

/**
 * The part of a text that matches the question: its best paragraphs (long paragraphs, such as a
 * CSV, by line), in document order, within `maxChars`. With `header`, the first line (a CSV
 * header) leads. The text's beginning when nothing matches.
 */
export function excerpt(text: string, queryKeywords: readonly string[], maxChars: number, options: { header?: boolean } = {}): string {
  const trimmed = text.trim();
  const headerLine = options.header ? trimmed.split('\n', 1)[0]!.trim() : '';
  const body = headerLine ? trimmed.slice(trimmed.indexOf('\n') + 1 || trimmed.length) : trimmed;
  const budget = Math.max(1, maxChars - (headerLine ? headerLine.length + 1 : 0));
  const units = passages(body, budget);
  const relevant = units
    .map((unit, index) => ({ unit, index, score: overlapScore(queryKeywords, unit) }))
    .filter((u) => u.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index);
  let chosen: Array<{ unit: string; index: number }> = [];
  let used = 0;
  for (const candidate of relevant) {
    if (chosen.length && used + candidate.unit.length + 3 > budget) continue;
    chosen.push(candidate);
    used += candidate.unit.length + 3;
  }
  if (chosen.length === 0) chosen = units.length ? [{ unit: units[0]!, index: 0 }] : [];
  chosen.sort((a, b) => a.index - b.index);
  const joined = chosen.map((c, i) => (i === 0 ? c.unit : `${c.index === chosen[i - 1]!.index + 1 ? '\n' : '\n…\n'}${c.unit}`)).join('');
  return truncate(headerLine ? `${headerLine}\n${joined}` : joined, maxChars);
}

/** Paragraphs, and the lines of any paragraph longer than `maxChars`. */
function passages(text: string, maxChars: number): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => (p.length > maxChars ? p.split('\n').map((l) => l.trim()).filter(Boolean) : [p]));
}

async function listBuckets(call: ToolCaller, queryKeywords: readonly string[]): Promise<StrategyResult> {
  const { buckets } = BucketsResultSchema.parse(await callJson(call, 'list_buckets', {}));
  const items = best(
    buckets.map((b) => {
      const content = `Bucket ${b.name}${b.created_at ? `, created ${b.created_at.slice(0, 10)}` : ''}`;
      return { id: b.name, title: `Bucket ${b.name}`, url: b.url, tool: 'list_buckets', content, score: score(queryKeywords, keyWords(b.name), '') };
    }),
  );
  return { items, summary: `The key can list ${buckets.length} bucket(s); ${items.length} shown.` };
}

/** Keys that matched more of the question first; then the key's own overlap; then the newest. */
function rank(objects: readonly ObjectView[], queryKeywords: readonly string[], byKey: boolean): ObjectView[] {
  return objects
    .map((object, index) => ({ object, index, overlap: overlapScore(queryKeywords, keyWords(object.key)) }))
    .sort(
      (a, b) =>
        (byKey ? b.object.matched.length - a.object.matched.length || b.overlap - a.overlap : 0) ||
        (b.object.last_modified ?? '').localeCompare(a.object.last_modified ?? '') ||
        a.index - b.index,
    )
    .map(({ object }) => object);
}

/** The object's text, or why it was not read (not text, gone); any other failure throws. */
async function readText(call: ToolCaller, bucket: string, key: string): Promise<{ text: TextView } | { note: string }> {
  const result = await call('get_object', { bucket, key, max_bytes: READ_BYTES });
  if (!result.ok) {
    const code = ToolErrorSchema.safeParse(result.structured).data?.error.code;
    if (code === S3ApiErrorCode.BinaryContent) return { note: 'not text' };
    if (code === S3ApiErrorCode.NotFound) return { note: 'no longer exists' };
    throw new Error(`get_object failed: ${result.text}`);
  }
  return { text: TextResultSchema.parse(result.structured ?? JSON.parse(result.text)) };
}

async function searchObjects(call: ToolCaller, args: Record<string, unknown>): Promise<SearchResult> {
  return SearchResultSchema.parse(await callJson(call, 'search_objects', args));
}

function textItem(object: ObjectView, text: TextView, queryKeywords: readonly string[]): SourceItem {
  const words = keyWords(object.key);
  const content = excerpt(text.content, queryKeywords, EXCERPT_CHARS, { header: /\.(?:csv|tsv)$/i.test(object.key) });
  return {
    id: `${object.bucket}/${object.key}`,
    title: object.key,
    url: object.url,
    tool: 'get_object',
    content: text.truncated ? `${content}\n[object is ${text.size} bytes; only the first ${READ_BYTES} were read]` : content,
    score: score(queryKeywords, `${words} ${text.content}`, words),
  };
}

function listedItem(object: ObjectView, queryKeywords: readonly string[], note?: string): SourceItem {
  const content = [
    object.key,
    object.size !== null ? `${object.size} bytes` : undefined,
    object.last_modified ? `modified ${object.last_modified.slice(0, 10)}` : undefined,
    note,
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    id: `${object.bucket}/${object.key}`,
    title: object.key,
    url: object.url,
    tool: 'search_objects',
    content,
    score: score(queryKeywords, keyWords(object.key), ''),
  };
}

/** The most relevant items, keeping the given order among equals; all of them when none is relevant. */
function best(items: SourceItem[]): SourceItem[] {
  const relevant = items.filter((item) => item.score > 0);
  const ranked = (relevant.length ? relevant : items).map((item, index) => ({ item, index }));
  ranked.sort((a, b) => b.item.score - a.item.score || a.index - b.index);
  return ranked.slice(0, MAX_ITEMS).map(({ item }) => item);
}

function score(queryKeywords: readonly string[], content: string, title: string): number {
  return Number(overlapScore(queryKeywords, content, title).toFixed(3));
}

/** `finance/2024/q3-revenue_summary.md` → `finance 2024 q3 revenue summary md`. */
function keyWords(key: string): string {
  return key.replace(/[-_/.]+/g, ' ').trim();
}

async function callJson(call: ToolCaller, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await call(tool, args);
  if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
  if (result.structured) return result.structured;
  try {
    return JSON.parse(result.text);
  } catch (error) {
    throw new Error(`${tool} returned text that is not JSON`, { cause: error });
  }
}

/** The tool results' shapes (s3-mcp.server.ts), parsed before use. */
const ObjectViewSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  size: z.number().nullable(),
  last_modified: z.string().nullable(),
  url: z.string(),
  matched: z.array(z.string()).default([]),
});
type ObjectView = z.infer<typeof ObjectViewSchema>;
const SearchResultSchema = z.object({
  buckets: z.array(z.string()),
  objects: z.array(ObjectViewSchema),
  scanned: z.number(),
  scan_complete: z.boolean(),
});
type SearchResult = z.infer<typeof SearchResultSchema>;
const TextResultSchema = z.object({ content: z.string(), size: z.number(), truncated: z.boolean() });
type TextView = z.infer<typeof TextResultSchema>;
const BucketsResultSchema = z.object({
  buckets: z.array(z.object({ name: z.string(), created_at: z.string().nullable(), url: z.string() })),
});
const ToolErrorSchema = z.object({ error: z.object({ code: z.string() }) });
