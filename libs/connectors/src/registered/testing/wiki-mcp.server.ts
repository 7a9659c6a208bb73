// MCP server schemas use the zod v4 API (see echo-mcp.main.ts).
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod/v4';

export interface WikiPage {
  slug: string;
  title: string;
  body: string;
}

export const WIKI_PAGES: readonly WikiPage[] = [
  { slug: 'vpn-setup', title: 'Connecting to the office VPN', body: 'Install WireGuard, import the profile from the IT portal and connect to vpn.northwind.example. The VPN is required for the staging database.' },
  { slug: 'expense-claims', title: 'Expense claims', body: 'Submit expense claims in the finance tool within 30 days. Claims above $500 need your manager\'s approval; receipts are mandatory.' },
  { slug: 'laptop-refresh', title: 'Laptop refresh cycle', body: 'Engineering laptops are replaced every three years. Request a refresh through the IT portal two months before the third anniversary.' },
];

export interface WikiMcpServer {
  url: string;
  /** Requests received, with their headers and JSON-RPC calls (to check what Mosaic sent). */
  requests: Array<{ method: string; headers: IncomingMessage['headers']; rpc?: { method: string; tool?: string } }>;
  /** Changes `search_wiki`'s description, as a server that was swapped under us would. */
  setSearchDescription(description: string): void;
  /** Answers `status` with this code for every request (0: behave). */
  failWith(status: number): void;
  close(): Promise<void>;
}

/**
 * A small knowledge-base MCP server over Streamable HTTP (stateless): the kind of server a
 * tenant registers. `search_wiki` is read-only; `create_page` writes and must never be called
 * by the local provider. Requires `Authorization: Bearer <token>` when a token is given.
 */
export async function startWikiMcpServer(options: { token?: string; port?: number } = {}): Promise<WikiMcpServer> {
  let searchDescription = 'Searches the company wiki (IT, finance and HR how-tos) and returns matching pages.';
  let failure = 0;
  const requests: WikiMcpServer['requests'] = [];

  const build = (): McpServer => {
    const server = new McpServer({ name: 'northwind-wiki', version: '1.0.0' });
    server.registerTool(
      'search_wiki',
      {
        description: searchDescription,
        inputSchema: { query: z.string().min(1) },
        annotations: { readOnlyHint: true },
      },
      async ({ query }) => {
        const words = query.toLowerCase().match(/[a-z0-9]{4,}/g) ?? [];
        const pages = WIKI_PAGES.filter((p) => words.some((w) => `${p.title} ${p.body}`.toLowerCase().includes(w.replace(/s$/, ''))));
        const structured = { pages: pages.map((p) => ({ id: p.slug, title: p.title, url: `https://wiki.northwind.example/${p.slug}`, body: p.body })) };
        return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
      },
    );
    server.registerTool(
      'create_page',
      { description: 'Creates a wiki page.', inputSchema: { title: z.string(), body: z.string() }, annotations: { readOnlyHint: false } },
      async () => ({ isError: true, content: [{ type: 'text', text: 'create_page must never be called in tests' }] }),
    );
    return server;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: WikiMcpServer['requests'][number] = { method: req.method ?? '', headers: req.headers };
    requests.push(record);
    if (failure) {
      res.writeHead(failure, { 'content-type': 'text/plain' }).end('failing on purpose');
      return;
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method?: string; params?: { name?: string } };
    record.rpc = { method: body.method ?? '', ...(body.params?.name ? { tool: body.params.name } : {}) };
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    setSearchDescription: (description) => {
      searchDescription = description;
    },
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
