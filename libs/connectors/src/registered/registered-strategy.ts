import type { DiscoveredTool, SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore } from '@mosaic/llm';
import { StrategyResult, ToolCaller } from '../connector';
import { ToolOutcome } from '../mcp/mcp-session';

const MAX_TOOLS_CALLED = 2;
const MAX_ITEMS = 8;
const MAX_ITEM_CHARS = 1200;
/** Argument names that take the question itself. */
const QUERY_ARGUMENT = /^(query|q|search|search_query|text|keywords?|terms?|question|prompt|input)$/i;

interface JsonSchemaObject {
  properties?: Record<string, { type?: string | string[] }>;
  required?: string[];
}

/**
 * The arguments a tool can be called with from the question alone: its query-like string
 * argument (or its only required string), and nothing else required. Undefined when the tool
 * needs something the question cannot supply.
 */
export function argumentsFromQuestion(tool: DiscoveredTool, query: string): Record<string, unknown> | undefined {
  const schema = tool.input_schema as JsonSchemaObject;
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const isString = (name: string) => {
    const type = properties[name]?.type;
    return type === 'string' || (Array.isArray(type) && type.includes('string'));
  };
  const queryArgument =
    Object.keys(properties).find((name) => QUERY_ARGUMENT.test(name) && isString(name)) ??
    (required.length === 1 && isString(required[0]!) ? required[0] : undefined);
  const args: Record<string, unknown> = queryArgument ? { [queryArgument]: query } : {};
  return required.every((name) => name in args) ? args : undefined;
}

/**
 * The local provider's way of answering from a server nobody wrote a strategy for: the
 * approved read-only tools that best match the question and can be called from it alone,
 * their results split into citeable items. Write tools are never called.
 */
export async function answerFromRegisteredServer(query: string, tools: readonly DiscoveredTool[], call: ToolCaller): Promise<StrategyResult> {
  const queryKeywords = keywords(query);
  const candidates = tools
    .filter((tool) => tool.read_only)
    .map((tool) => ({ tool, args: argumentsFromQuestion(tool, query), score: overlapScore(queryKeywords, `${tool.name.replace(/[_-]/g, ' ')} ${tool.description}`) }))
    .filter((c): c is { tool: DiscoveredTool; args: Record<string, unknown>; score: number } => c.args !== undefined)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name));
  if (candidates.length === 0) return { items: [], summary: 'The server offers no approved read-only tool that can be called from a question.' };

  const chosen = candidates[0]!.score > 0 ? candidates.filter((c) => c.score > 0).slice(0, MAX_TOOLS_CALLED) : candidates.slice(0, 1);
  const items: SourceItem[] = [];
  const failures: string[] = [];
  for (const { tool, args } of chosen) {
    const outcome = await call(tool.name, args);
    if (!outcome.ok) {
      failures.push(`${tool.name}: ${outcome.text.slice(0, 200)}`);
      continue;
    }
    items.push(...itemsFromOutcome(tool.name, outcome, queryKeywords));
  }
  if (items.length === 0 && failures.length === chosen.length) throw new Error(`every tool failed: ${failures.join('; ')}`);
  const ranked = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.score - a.item.score || a.index - b.index)
    .slice(0, MAX_ITEMS)
    .map(({ item }) => item);
  return { items: ranked, summary: `Called ${chosen.map((c) => c.tool.name).join(', ')}; ${items.length} item(s), ${ranked.length} shown.` };
}

/** Items from a successful tool call: its structured content, else its text as JSON, else its paragraphs. */
export function itemsFromOutcome(tool: string, outcome: ToolOutcome, queryKeywords: readonly string[]): SourceItem[] {
  return itemsFromResult(tool, outcome.structured ?? parseJson(outcome.text) ?? outcome.text, queryKeywords);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const ID_FIELDS = ['id', 'key', 'slug', 'path', 'name', 'url'];
const TITLE_FIELDS = ['title', 'name', 'subject', 'summary', 'key', 'path'];
const URL_FIELDS = ['url', 'html_url', 'link', 'href', 'web_url'];

/** Items from a tool result: the records of its first array, else its paragraphs. */
export function itemsFromResult(tool: string, result: unknown, queryKeywords: readonly string[]): SourceItem[] {
  const records = firstArrayOfObjects(result);
  if (records) {
    return records.map((record, index) => {
      const pick = (fields: string[]) => fields.map((f) => record[f]).find((v) => typeof v === 'string' || typeof v === 'number');
      const title = String(pick(TITLE_FIELDS) ?? `${tool} result ${index + 1}`);
      const url = pick(URL_FIELDS);
      const content = Object.entries(record)
        .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('; ')
        .slice(0, MAX_ITEM_CHARS);
      return {
        id: String(pick(ID_FIELDS) ?? `${tool}#${index + 1}`),
        title,
        ...(typeof url === 'string' ? { url } : {}),
        tool,
        content,
        score: Number(overlapScore(queryKeywords, content, title).toFixed(3)),
      };
    });
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result, null, 1);
  const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  const paragraphs = blocks.length > 1 ? blocks : text.split('\n').map((l) => l.trim()).filter(Boolean);
  return paragraphs.map((paragraph, index) => ({
    id: `${tool}#${index + 1}`,
    title: paragraph.split('\n')[0]!.replace(/^#+\s*/, '').slice(0, 120),
    tool,
    content: paragraph.slice(0, MAX_ITEM_CHARS),
    score: Number(overlapScore(queryKeywords, paragraph).toFixed(3)),
  }));
}

function firstArrayOfObjects(value: unknown): Array<Record<string, unknown>> | undefined {
  const isRecords = (v: unknown): v is Array<Record<string, unknown>> =>
    Array.isArray(v) && v.length > 0 && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e));
  if (isRecords(value)) return value;
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).find(isRecords);
  return undefined;
}
