import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { DiscoveredTool, PinnedTool } from '@mosaic/contracts';

/** JSON with object keys sorted at every depth, so equal definitions hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The pin of a tool: what the model and the strategy rely on (name, description, input
 * schema, read-only hint). A server that later changes any of them changes the hash.
 */
export function toolHash(tool: Pick<Tool, 'name' | 'description' | 'inputSchema' | 'annotations'>): string {
  const pinned = {
    name: tool.name,
    description: tool.description ?? '',
    input_schema: tool.inputSchema,
    read_only: tool.annotations?.readOnlyHint === true,
  };
  return createHash('sha256').update(canonicalJson(pinned)).digest('hex');
}

export function discoveredTool(tool: Tool): DiscoveredTool {
  return {
    name: tool.name,
    description: tool.description ?? '',
    input_schema: tool.inputSchema as Record<string, unknown>,
    read_only: tool.annotations?.readOnlyHint === true,
    hash: toolHash(tool),
  };
}

export interface PinCheck {
  /** Approved tools whose live definition still matches its pin: the only callable ones. */
  callable: DiscoveredTool[];
  /** Pinned tools whose live definition differs from the pin (or that the server stopped offering). */
  changed: string[];
  /** Tools the server offers that were never pinned. */
  added: DiscoveredTool[];
}

/** Compares the server's live tools with the pins taken at registration (or last approval). */
export function checkPins(pinned: readonly PinnedTool[], live: readonly Tool[]): PinCheck {
  const liveByName = new Map(live.map((tool) => [tool.name, discoveredTool(tool)]));
  const pinnedNames = new Set(pinned.map((tool) => tool.name));
  const callable: DiscoveredTool[] = [];
  const changed: string[] = [];
  for (const pin of pinned) {
    const current = liveByName.get(pin.name);
    if (!current || current.hash !== pin.hash) {
      if (pin.status !== 'changed' && current) changed.push(pin.name);
      continue;
    }
    if (pin.status === 'approved') callable.push(current);
  }
  const added = [...liveByName.values()].filter((tool) => !pinnedNames.has(tool.name));
  return { callable, changed, added };
}
