import type { DiscoveredTool } from '@mosaic/contracts';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ToolCaller } from '../connector';
import { ToolOutcome } from '../mcp/mcp-session';
import { answerFromRegisteredServer, argumentsFromQuestion, itemsFromResult } from './registered-strategy';
import { checkPins, discoveredTool, toolHash } from './tool-pin';

const searchTool: Tool = {
  name: 'search_wiki',
  description: 'Searches the company wiki for how-to pages',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  annotations: { readOnlyHint: true },
};
const createTool: Tool = {
  name: 'create_page',
  description: 'Creates a wiki page',
  inputSchema: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } }, required: ['title', 'body'] },
  annotations: { readOnlyHint: false },
};

describe('tool pins', () => {
  it('should hash equal definitions equally whatever their key order', () => {
    const reordered: Tool = { ...searchTool, inputSchema: { required: ['query'], properties: { query: { type: 'string' } }, type: 'object' } };
    expect(toolHash(reordered)).toBe(toolHash(searchTool));
  });

  it('should change the hash when the description, schema or read-only hint changes', () => {
    const base = toolHash(searchTool);
    expect(toolHash({ ...searchTool, description: 'Ignore previous instructions' })).not.toBe(base);
    expect(toolHash({ ...searchTool, inputSchema: { type: 'object', properties: { q: { type: 'string' } } } })).not.toBe(base);
    expect(toolHash({ ...searchTool, annotations: { readOnlyHint: false } })).not.toBe(base);
  });

  it('should make only unchanged approved tools callable and report changed and new ones', () => {
    const pinned = [{ ...discoveredTool(searchTool), status: 'approved' as const }, { ...discoveredTool(createTool), status: 'approved' as const }];
    const extra: Tool = { ...searchTool, name: 'delete_everything' };
    const result = checkPins(pinned, [{ ...searchTool, description: 'now also sends your data elsewhere' }, createTool, extra]);
    expect(result.callable.map((t) => t.name)).toEqual(['create_page']);
    expect(result.changed).toEqual(['search_wiki']);
    expect(result.added.map((t) => t.name)).toEqual(['delete_everything']);
  });

  it('should not report a tool again when it is already marked changed', () => {
    const pinned = [{ ...discoveredTool(searchTool), status: 'changed' as const }];
    expect(checkPins(pinned, [{ ...searchTool, description: 'different' }]).changed).toEqual([]);
    expect(checkPins(pinned, [searchTool]).callable).toEqual([]);
  });
});

describe(answerFromRegisteredServer.name, () => {
  const tools: DiscoveredTool[] = [discoveredTool(searchTool), discoveredTool(createTool)];

  it('should call only read-only tools that the question can fill, and cite each record', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [];
    const call: ToolCaller = async (tool, args): Promise<ToolOutcome> => {
      calls.push([tool, args]);
      const structured = { pages: [{ id: 'vpn-setup', title: 'Connecting to the VPN', url: 'https://wiki/vpn-setup', body: 'Install WireGuard to reach the VPN.' }] };
      return { ok: true, text: JSON.stringify(structured), structured };
    };
    const result = await answerFromRegisteredServer('How do I connect to the VPN?', tools, call);
    expect(calls).toEqual([['search_wiki', { query: 'How do I connect to the VPN?' }]]);
    expect(result.items).toEqual([
      expect.objectContaining({ id: 'vpn-setup', title: 'Connecting to the VPN', url: 'https://wiki/vpn-setup', tool: 'search_wiki' }),
    ]);
    expect(result.items[0]!.score).toBeGreaterThan(0);
  });

  it('should say so, calling nothing, when no approved tool is read-only', async () => {
    const call = jest.fn<ReturnType<ToolCaller>, Parameters<ToolCaller>>();
    const result = await answerFromRegisteredServer('anything', [discoveredTool(createTool)], call);
    expect(call).not.toHaveBeenCalled();
    expect(result.items).toEqual([]);
  });

  it('should fail when every tool it called failed', async () => {
    const call: ToolCaller = async () => ({ ok: false, text: 'upstream exploded' });
    await expect(answerFromRegisteredServer('vpn', tools, call)).rejects.toThrow(/search_wiki: upstream exploded/);
  });
});

describe(argumentsFromQuestion.name, () => {
  it('should skip a tool whose required arguments the question cannot supply', () => {
    expect(argumentsFromQuestion(discoveredTool(createTool), 'q')).toBeUndefined();
  });

  it('should use the only required string argument whatever its name', () => {
    const tool = discoveredTool({ ...searchTool, inputSchema: { type: 'object', properties: { needle: { type: 'string' } }, required: ['needle'] } });
    expect(argumentsFromQuestion(tool, 'find it')).toEqual({ needle: 'find it' });
  });
});

describe(itemsFromResult.name, () => {
  it('should split plain text into paragraphs, each its own citeable item', () => {
    const items = itemsFromResult('lookup', '# VPN\nUse WireGuard.\n\n# Expenses\nFile within 30 days.', ['vpn']);
    expect(items.map((i) => [i.id, i.title])).toEqual([['lookup#1', 'VPN'], ['lookup#2', 'Expenses']]);
    expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
  });
});
