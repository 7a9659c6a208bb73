import { keywords } from '@mosaic/llm';
import { ConnectorDefinition, directRoute } from '../connector';
import { builtServerEntry } from '../paths';

/**
 * A diagnostics source backed by the echo MCP server. Not enabled by default; the
 * benchmark and the failure tests enable it with MOSAIC_SOURCES.
 */
export const echoConnector: ConnectorDefinition = {
  metadata: {
    id: 'echo',
    name: 'Echo',
    description: 'Diagnostics source that echoes the question (benchmarks and failure drills)',
    icon: 'activity',
  },
  keywords: ['echo', 'ping', 'diagnostic', 'benchmark'],
  probe: { tool: 'echo', args: { message: 'ping' } },
  credentialFields: [],
  directRouting: [
    { keywords: ['hang', 'stuck'], tool: 'sleep', args: { ms: 600_000 } },
    { keywords: ['slow'], tool: 'sleep', args: { ms: 3_000 } },
    { keywords: ['fail', 'broken'], tool: 'fail', args: { message: 'echo was asked to fail' } },
  ],
  launch: () => ({ kind: 'stdio', command: process.execPath, args: [builtServerEntry('echo/echo-mcp.main.js')] }),
  localStrategy: async (query, call) => {
    const route = directRoute(echoConnector, query);
    const tool = route?.tool ?? 'echo';
    const result = await call(tool, route?.args ?? { message: query });
    if (!result.ok) throw new Error(result.text || `${tool} failed`);
    return {
      summary: `echo answered with ${tool}`,
      items: [
        { id: `echo:${tool}`, title: 'Echo', tool, content: result.text, score: keywords(query).length ? 1 : 0.5 },
      ],
    };
  },
};
