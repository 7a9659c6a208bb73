/**
 * A local Anthropic Messages API for tests (the edge of the world we do not run). It speaks
 * `POST /v1/messages` in the real wire format: the JSON `Message`, or with `stream: true` the
 * SSE events `message_start`, `content_block_start`, `content_block_delta` (`text_delta`,
 * `input_json_delta`, `thinking_delta`, `signature_delta`), `content_block_stop`,
 * `message_delta` (usage, stop_reason) and `message_stop`. Errors use the API's envelope
 * `{"type":"error","error":{"type","message"}}` with the status and headers the test asks for.
 *
 * Each test scripts the answers: a queue of replies, one per accepted request. Requests the
 * real API would reject (no credentials, missing fields, a `tool_use` without its
 * `tool_result`, a thinking budget above `max_tokens`, ...) are answered with a 400/401 as the
 * API does and do not use up a scripted reply. Every request is recorded with its body and
 * headers so tests can assert what reached the model.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export const FAKE_ANTHROPIC_API_KEY = 'sk-ant-api03-fakeKeyForTests-0123456789abcdefghijklmnopqrstuvwxyz-AA';

export type FakeContentBlock =
  /** `chunks` sets how a streamed answer splits the text into `text_delta`s (they must join to `text`). */
  | { type: 'text'; text: string; chunks?: string[] }
  | { type: 'tool_use'; name: string; input: unknown; id?: string }
  | { type: 'thinking'; thinking: string; signature?: string; chunks?: string[] };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface FakeMessageReply {
  kind: 'message';
  content: FakeContentBlock[];
  /** Defaults to `tool_use` when a block is a tool use, else `end_turn`. */
  stop_reason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';
  /** Defaults: input ≈ request characters / 4, output ≈ content characters / 4, no cache use. */
  usage?: Partial<FakeUsage>;
  /** Streaming only: stop sending after this many SSE events until `until` settles. */
  pause?: { afterEvents: number; until: Promise<unknown> };
  /** Streaming only: after this many events send an SSE `error` event and end the stream. */
  streamError?: { afterEvents: number; type: string; message: string };
}

export interface FakeErrorReply {
  kind: 'error';
  status: number;
  /** The envelope's `error.type`: `rate_limit_error`, `overloaded_error`, `authentication_error`, ... */
  type: string;
  message: string;
  /** Sent as `error.details.error_code` (e.g. `enforced_spend_limit_reached`). */
  errorCode?: string;
  /** e.g. `{ 'retry-after': '2' }` or `{ 'retry-after-ms': '150' }`. */
  headers?: Record<string, string>;
}

/** A 200 whose body is not valid JSON (or, for a streamed request, an SSE event whose data is not). */
export interface FakeMalformedReply {
  kind: 'malformed';
  body?: string;
}

/** Accepts the request and never answers (until the server closes). */
export interface FakeHangReply {
  kind: 'hang';
}

export type FakeReply = FakeMessageReply | FakeErrorReply | FakeMalformedReply | FakeHangReply;

/** One request as the fake received it. */
export interface FakeAnthropicRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined when it was not JSON). */
  body: FakeRequestBody;
  stream: boolean;
  /** The status the fake answered with. */
  status: number;
}

/** The request fields tests look at; everything else is kept as sent. */
export interface FakeRequestBody {
  model?: string;
  max_tokens?: number;
  system?: string | Array<{ type: string; text: string; cache_control?: unknown }>;
  messages?: Array<{ role: string; content: string | Array<Record<string, unknown>> }>;
  tools?: Array<{ name: string; description?: string; input_schema?: unknown; cache_control?: unknown }>;
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
  stream?: boolean;
  [key: string]: unknown;
}

export interface FakeAnthropic {
  /** The base URL to give the SDK, e.g. http://127.0.0.1:39123 */
  url: string;
  apiKey: string;
  /** Every request received, rejected ones included. */
  requests: FakeAnthropicRequest[];
  /** Requests that were answered from the script (status < 400 or a scripted error). */
  accepted(): FakeAnthropicRequest[];
  /** Adds replies to the end of the queue. */
  enqueue(...replies: FakeReply[]): void;
  /** Scripted replies not yet used. */
  pending(): number;
  /** Forgets requests and the queue. */
  reset(): void;
  close(): Promise<void>;
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_fake${(++sequence).toString().padStart(20, '0')}`;

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const apiKey = options.apiKey ?? FAKE_ANTHROPIC_API_KEY;
  const requests: FakeAnthropicRequest[] = [];
  const scripted = new WeakSet<FakeAnthropicRequest>();
  let queue: FakeReply[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake anthropic failed: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: FakeRequestBody = {};
    let json = true;
    try {
      body = JSON.parse(raw) as FakeRequestBody;
    } catch {
      json = false;
    }
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const record: FakeAnthropicRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, stream: body?.stream === true, status: 0 };
    requests.push(record);
    const reject = (status: number, type: string, message: string) => {
      record.status = status;
      sendError(res, status, type, message);
    };

    if (req.method !== 'POST' || path !== '/v1/messages') return reject(404, 'not_found_error', 'Not found');
    if (!authorized(req, apiKey)) return reject(401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return reject(400, 'invalid_request_error', 'anthropic-version: header is required');
    if (!json || typeof body !== 'object' || body === null) return reject(400, 'invalid_request_error', 'There was an error parsing the body of your request.');
    const invalid = validate(body);
    if (invalid) return reject(400, 'invalid_request_error', invalid);

    const reply = queue.shift();
    if (!reply) return reject(500, 'api_error', 'fake anthropic: no scripted reply left for this request');
    scripted.add(record);
    switch (reply.kind) {
      case 'error': {
        record.status = reply.status;
        sendError(res, reply.status, reply.type, reply.message, reply.headers, reply.errorCode);
        return;
      }
      case 'hang':
        record.status = 200;
        return;
      case 'malformed': {
        record.status = 200;
        if (record.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': nextId('req') });
          res.end(`event: message_start\ndata: ${reply.body ?? '{"type":"message_start","message":{'}\n\n`);
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': nextId('req') });
          res.end(reply.body ?? '{"id":"msg_truncated","type":"message","content":[{"type":"te');
        }
        return;
      }
      case 'message': {
        record.status = 200;
        const message = buildMessage(body, reply, raw.length);
        if (record.stream) await streamMessage(res, message, reply);
        else {
          res.writeHead(200, { 'content-type': 'application/json', 'request-id': nextId('req') });
          res.end(JSON.stringify(message.json));
        }
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    accepted: () => requests.filter((r) => scripted.has(r)),
    enqueue: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    reset: () => {
      requests.length = 0;
      queue = [];
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real API takes `x-api-key`; the SDK (1.x) sends an API key as `Authorization: Bearer`. */
function authorized(req: IncomingMessage, apiKey: string): boolean {
  return req.headers['x-api-key'] === apiKey || req.headers.authorization === `Bearer ${apiKey}`;
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}, errorCode?: string): void {
  const requestId = nextId('req');
  const error: Record<string, unknown> = { type, message };
  if (errorCode) error.details = { error_code: errorCode };
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  res.end(JSON.stringify({ type: 'error', error, request_id: requestId }));
}

/** What the real API rejects with a 400 before any model runs. */
function validate(body: FakeRequestBody): string | undefined {
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';

  const tools = body.tools ?? [];
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name ?? '')) return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (names.has(tool.name)) return 'tools: Tool names must be unique.';
    names.add(tool.name);
    const schema = tool.input_schema as { type?: unknown } | undefined;
    if (!schema || schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
  }
  const choice = body.tool_choice;
  if (choice?.type === 'tool' && !names.has(choice.name ?? '')) return `tool_choice.name: tool "${choice.name}" is not among the request's tools`;

  if (body.thinking?.type === 'enabled') {
    const budget = body.thinking.budget_tokens ?? 0;
    if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (body.max_tokens <= budget) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
    if (choice?.type === 'tool' || choice?.type === 'any') return 'Thinking may not be enabled when tool_choice forces tool use.';
  }

  const cacheMarks = countCacheControl(body);
  if (cacheMarks > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${cacheMarks}.`;

  // Every tool_use must be answered by a tool_result in the very next (user) message.
  for (const [i, message] of body.messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const blocks = Array.isArray(message.content) ? message.content : [];
    if (message.role === 'user') {
      const previous = body.messages[i - 1];
      const asked = new Set(
        previous?.role === 'assistant' && Array.isArray(previous.content)
          ? previous.content.filter((b) => b.type === 'tool_use').map((b) => String(b.id))
          : [],
      );
      for (const block of blocks) {
        if (block.type === 'tool_result' && !asked.has(String(block.tool_use_id))) {
          return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
      continue;
    }
    const uses = blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    if (uses.length === 0) continue;
    const next = body.messages[i + 1];
    const answered = new Set(
      next?.role === 'user' && Array.isArray(next.content)
        ? next.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id))
        : [],
    );
    const missing = uses.filter((id) => !answered.has(id));
    if (next && missing.length) {
      return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

function countCacheControl(body: FakeRequestBody): number {
  let count = 0;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'cache_control' && inner) count += 1;
        else visit(inner);
      }
    }
  };
  visit([body.system, body.tools, body.messages]);
  return count;
}

interface BuiltMessage {
  json: Record<string, unknown>;
  usage: FakeUsage;
  blocks: Array<{ start: Record<string, unknown>; deltas: Array<Record<string, unknown>> }>;
  stopReason: string;
}

function buildMessage(body: FakeRequestBody, reply: FakeMessageReply, requestChars: number): BuiltMessage {
  const contentChars = reply.content.reduce((n, b) => n + (b.type === 'tool_use' ? JSON.stringify(b.input).length : b.type === 'text' ? b.text.length : b.thinking.length), 0);
  const usage: FakeUsage = {
    input_tokens: Math.ceil(requestChars / 4),
    output_tokens: Math.max(1, Math.ceil(contentChars / 4)),
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    ...reply.usage,
  };
  const content: Array<Record<string, unknown>> = [];
  const blocks: BuiltMessage['blocks'] = [];
  for (const block of reply.content) {
    if (block.type === 'text') {
      content.push({ type: 'text', text: block.text });
      const chunks = block.chunks ?? split(block.text, 12);
      if (chunks.join('') !== block.text) throw new Error('fake anthropic: text chunks must join to the text');
      blocks.push({ start: { type: 'text', text: '' }, deltas: chunks.map((text) => ({ type: 'text_delta', text })) });
    } else if (block.type === 'thinking') {
      const signature = block.signature ?? `sig_${Buffer.from(block.thinking).toString('base64').slice(0, 24)}`;
      content.push({ type: 'thinking', thinking: block.thinking, signature });
      const chunks = block.chunks ?? split(block.thinking, 16);
      blocks.push({
        start: { type: 'thinking', thinking: '', signature: '' },
        deltas: [...chunks.map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature }],
      });
    } else {
      const id = block.id ?? nextId('toolu');
      content.push({ type: 'tool_use', id, name: block.name, input: block.input, caller: { type: 'direct' } });
      const json = JSON.stringify(block.input);
      const third = Math.ceil(json.length / 3);
      blocks.push({
        start: { type: 'tool_use', id, name: block.name, input: {}, caller: { type: 'direct' } },
        deltas: ['', json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)]
          .filter((part, i) => i === 0 || part)
          .map((partial_json) => ({ type: 'input_json_delta', partial_json })),
      });
    }
  }
  const stopReason = reply.stop_reason ?? (reply.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const json = {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
      output_tokens: usage.output_tokens,
      service_tier: 'standard',
    },
  };
  return { json, usage, blocks, stopReason };
}

async function streamMessage(res: ServerResponse, message: BuiltMessage, reply: FakeMessageReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': nextId('req') });
  const { usage } = message;
  const events: Array<[string, Record<string, unknown>]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          ...message.json,
          content: [],
          stop_reason: null,
          usage: { ...(message.json.usage as object), output_tokens: 1 },
        },
      },
    ],
  ];
  for (const [index, block] of message.blocks.entries()) {
    events.push(['content_block_start', { type: 'content_block_start', index, content_block: block.start }]);
    if (index === 0) events.push(['ping', { type: 'ping' }]);
    for (const delta of block.deltas) events.push(['content_block_delta', { type: 'content_block_delta', index, delta }]);
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  }
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: message.stopReason, stop_sequence: null },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      },
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);

  for (const [i, [event, data]] of events.entries()) {
    if (reply.streamError && i === reply.streamError.afterEvents) {
      const error = { type: 'error', error: { type: reply.streamError.type, message: reply.streamError.message } };
      res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
      return;
    }
    if (reply.pause && i === reply.pause.afterEvents) await reply.pause.until;
    if (res.destroyed) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // Let each event leave as its own chunk, as a model's tokens do.
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

function split(text: string, size: number): string[] {
  if (text === '') return [''];
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
