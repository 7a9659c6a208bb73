// MCP server schemas use the zod v4 API: with zod 3 types, @modelcontextprotocol/sdk's
// registerTool generics make tsc recurse until it runs out of memory.
/**
 * A tiny MCP server over stdio with trivial tools. It is the benchmark's peer (the
 * same `echo` tool is called through Mosaic and directly) and the fault-injection
 * source of the end-to-end tests (`sleep` hangs, `fail` errors, `crash` exits).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod/v4';

export function createEchoMcpServer(): McpServer {
  const server = new McpServer({ name: 'mosaic-echo', version: '0.1.0' });
  server.registerTool(
    'echo',
    { description: 'Returns the message it was given.', inputSchema: { message: z.string() } },
    async ({ message }) => ({ content: [{ type: 'text', text: message }] }),
  );
  server.registerTool(
    'sleep',
    { description: 'Waits for the given number of milliseconds, then answers.', inputSchema: { ms: z.number().int().min(0).max(600_000) } },
    async ({ ms }, extra) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: `slept ${ms} ms` }] };
    },
  );
  server.registerTool(
    'fail',
    { description: 'Always returns a tool error.', inputSchema: { message: z.string().default('requested failure') } },
    async ({ message }) => ({ isError: true, content: [{ type: 'text', text: message }] }),
  );
  return server;
}

if (require.main === module) {
  const server = createEchoMcpServer();
  void server.connect(new StdioServerTransport());
}
