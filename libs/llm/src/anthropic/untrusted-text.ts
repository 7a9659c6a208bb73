import { redactSecrets } from './redact';

/**
 * Text from outside (tool results, documents, rows, messages) reaches a model only inside a
 * fence the system prompt declares to be data. The fence cannot be closed from inside: any
 * tag that looks like one of ours is defused first.
 */
export const TOOL_RESULT_FENCE = 'untrusted-tool-result';
export const EVIDENCE_FENCE = 'untrusted-evidence';

/** Makes `</untrusted-...>` (and opening look-alikes) inert inside fenced text. */
export function defuseFences(text: string): string {
  return text.replace(/<(\s*\/?\s*untrusted-)/gi, '&lt;$1');
}

/** Shortens `text` to `budget` characters and says so, so the model knows it saw only part. */
export function truncateForModel(text: string, budget: number): string {
  if (text.length <= budget) return text;
  return `${text.slice(0, budget)}\n[truncated: ${budget} of ${text.length} characters shown]`;
}

/** An attribute value we put in a fence's opening tag (tool names come from MCP servers we do not control). */
export function fenceAttribute(value: string): string {
  return value.replace(/[^A-Za-z0-9_.:\-/ #]/g, '_').slice(0, 128);
}

/** A tool result as the model sees it: redacted, truncated, fenced. */
export function fenceToolResult(tool: string, text: string, budget: number): string {
  const shown = defuseFences(truncateForModel(redactSecrets(text), budget));
  return `<${TOOL_RESULT_FENCE} tool="${fenceAttribute(tool)}">\n${shown}\n</${TOOL_RESULT_FENCE}>`;
}

/** Keeps source text from forging `[n]` citation markers (same rule as the local provider). */
export const neutralizeMarkers = (text: string): string => text.replace(/\[(\s*\d+(?:\s*,\s*\d+)*\s*)\]/g, '($1)');
