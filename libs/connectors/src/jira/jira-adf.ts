/**
 * Atlassian Document Format to plain text, simply: paragraphs and headings become lines,
 * list items get a "- ", hard breaks become newlines, mentions and emoji their text.
 * Anything unknown contributes its children's text, so nothing readable is lost.
 */
export function adfToText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (!node || typeof node !== 'object') return '';
  return render(node as AdfNode).replace(/\n{3,}/g, '\n\n').trim();
}

interface AdfNode {
  type?: unknown;
  text?: unknown;
  attrs?: Record<string, unknown>;
  content?: unknown;
}

const BLOCKS = new Set(['paragraph', 'heading', 'blockquote', 'codeBlock', 'rule', 'panel', 'table', 'tableRow', 'mediaSingle']);

function render(node: AdfNode): string {
  const children = Array.isArray(node.content) ? (node.content as AdfNode[]).map(render) : [];
  switch (node.type) {
    case 'text':
      return typeof node.text === 'string' ? node.text : '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
    case 'status':
      return String(node.attrs?.['text'] ?? node.attrs?.['shortName'] ?? '');
    case 'inlineCard':
      return String(node.attrs?.['url'] ?? '');
    case 'listItem':
      return `- ${children.join('').trim()}\n`;
    case 'bulletList':
    case 'orderedList':
      return `${children.join('')}\n`;
    case 'tableCell':
    case 'tableHeader':
      return `${children.join(' ').trim()} | `;
    default:
      return BLOCKS.has(node.type as string) ? `${children.join('')}\n\n` : children.join('');
  }
}

/** Plain text as a minimal ADF document (one paragraph per line), for create and update. */
export function textToAdf(text: string): Record<string, unknown> {
  const paragraphs = text.split(/\n/).map((line) => ({
    type: 'paragraph',
    content: line ? [{ type: 'text', text: line }] : [],
  }));
  return { type: 'doc', version: 1, content: paragraphs };
}
