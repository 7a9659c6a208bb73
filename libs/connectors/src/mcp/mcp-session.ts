import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** How to reach a connector's MCP server. */
export type McpLaunchSpec =
  | { kind: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { kind: 'http'; url: string; headers?: Record<string, string>; fetch?: FetchLike };

/** A tool call's result as the worker sees it. */
export interface ToolOutcome {
  ok: boolean;
  /** Concatenated text content. */
  text: string;
  structured?: Record<string, unknown>;
}

export class McpCallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpCallError';
  }
}

/** One live MCP client session (one server process or HTTP session). */
export class McpSession {
  private closed = false;
  private toolList?: Tool[];
  lastUsedAt = Date.now();

  private constructor(
    private readonly client: Client,
    onClose: () => void,
  ) {
    client.onclose = () => {
      this.closed = true;
      onClose();
    };
  }

  static async open(spec: McpLaunchSpec, onClose: () => void, timeoutMs = 15_000): Promise<McpSession> {
    const client = new Client({ name: 'mosaic-connector-worker', version: '0.1.0' });
    const transport =
      spec.kind === 'stdio'
        ? new StdioClientTransport({
            command: spec.command,
            args: spec.args,
            // Only the variables the server needs: never leak the worker's environment.
            env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...spec.env },
            cwd: spec.cwd,
            stderr: 'pipe',
          })
        : new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers }, ...(spec.fetch ? { fetch: spec.fetch } : {}) });
    if (transport instanceof StdioClientTransport) {
      // Drain the server's stderr so a chatty server never blocks on a full pipe.
      transport.stderr?.on('data', () => undefined);
    }
    await client.connect(transport, { timeout: timeoutMs });
    return new McpSession(client, onClose);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The server's tools, listed once per session unless `refresh` asks the server again. */
  async listTools(options?: { timeoutMs?: number; signal?: AbortSignal; refresh?: boolean }): Promise<Tool[]> {
    this.lastUsedAt = Date.now();
    if (options?.refresh) this.toolList = undefined;
    this.toolList ??= (await this.client.listTools(undefined, { timeout: options?.timeoutMs, signal: options?.signal })).tools;
    return this.toolList;
  }

  async callTool(name: string, args: Record<string, unknown>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ToolOutcome> {
    this.lastUsedAt = Date.now();
    try {
      const result = await this.client.callTool({ name, arguments: args }, undefined, {
        timeout: options.timeoutMs,
        signal: options.signal,
      });
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
        .map((c) => c.text)
        .join('\n');
      return {
        ok: result.isError !== true,
        text,
        structured: (result.structuredContent as Record<string, unknown> | undefined) ?? undefined,
      };
    } catch (error) {
      throw new McpCallError(`${name}: ${(error as Error).message}`, { cause: error });
    } finally {
      this.lastUsedAt = Date.now();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }
}

/**
 * Keeps one session per key (connector + credential set), opens it on first use,
 * reopens it when the server died, and closes sessions idle for longer than `idleMs`.
 */
export class McpSessionPool {
  private readonly sessions = new Map<string, Promise<McpSession>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly idleMs = 300_000) {
    this.sweeper = setInterval(() => void this.closeIdle(), Math.min(idleMs, 30_000));
    this.sweeper.unref();
  }

  async get(key: string, spec: McpLaunchSpec): Promise<McpSession> {
    const existing = this.sessions.get(key);
    if (existing) {
      const session = await existing.catch(() => undefined);
      if (session && !session.isClosed) return session;
      this.sessions.delete(key);
    }
    const opening = McpSession.open(spec, () => {
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
    });
    this.sessions.set(key, opening);
    opening.catch(() => {
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
    });
    return opening;
  }

  /** Drops a session after a failure that suggests it is broken. */
  async discard(key: string): Promise<void> {
    const existing = this.sessions.get(key);
    this.sessions.delete(key);
    const session = await existing?.catch(() => undefined);
    await session?.close();
  }

  async closeIdle(now = Date.now()): Promise<void> {
    for (const [key, opening] of this.sessions) {
      const session = await opening.catch(() => undefined);
      if (session && now - session.lastUsedAt > this.idleMs) await this.discard(key);
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.keys()];
    await Promise.all(all.map((key) => this.discard(key)));
  }
}
