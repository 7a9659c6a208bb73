import path from 'node:path';
import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, stemSet } from '@mosaic/llm';
import { ConnectorDefinition, StrategyResult, ToolCaller } from '../connector';
import { digestFromFiles } from './files-digest';

const FILE_PATTERN = '**/*.{md,markdown,txt}';
const MAX_FILES_READ = 24;
const MAX_ITEMS = 8;

/** The official filesystem MCP server, read-only use, rooted at one folder. */
export const filesConnector: ConnectorDefinition = {
  metadata: {
    id: 'files',
    name: 'Files',
    description: "Runbooks, policies and other documents in the company's shared folder",
    icon: 'folder',
  },
  keywords: [
    'file', 'document', 'doc', 'runbook', 'policy', 'procedure', 'handbook', 'guide', 'playbook', 'process',
    'how', 'steps', 'escalation', 'escalate', 'outage', 'incident', 'sla', 'retention', 'onboarding', 'rollback',
    'failover', 'security', 'on-call', 'oncall', 'rule', 'say', 'handle', 'approve', 'approval', 'approver',
    'response', 'respond', 'deadline', 'access', 'permission', 'allowed', 'must', 'should',
  ],
  probe: { tool: 'list_allowed_directories', args: {} },
  credentialFields: [{ name: 'root', label: 'Folder', type: 'path', required: true, envVar: 'FILES_ROOT' }],
  directRouting: [
    { keywords: ['list files', 'directory', 'folder'], tool: 'directory_tree' },
  ],
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js'), path.resolve(credentials['root'] ?? '.')],
  }),
  localStrategy: (query, call, credentials) => answerFromFiles(query, call, path.resolve(credentials['root'] ?? '.')),
  digestStrategy: (window, call, credentials) => digestFromFiles(window, call, path.resolve(credentials['root'] ?? '.')),
};

export async function answerFromFiles(query: string, call: ToolCaller, root: string): Promise<StrategyResult> {
  const queryKeywords = keywords(query);
  const listing = await call('search_files', { path: root, pattern: FILE_PATTERN });
  if (!listing.ok) throw new Error(`search_files failed: ${listing.text}`);
  const files = listing.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'No matches found');
  if (files.length === 0) return { items: [], summary: 'The folder holds no documents.' };

  const ranked = files
    .map((file) => ({ file, score: overlapScore(queryKeywords, path.relative(root, file).replace(/[-_/.]/g, ' ')) }))
    .sort((a, b) => b.score - a.score || a.file.localeCompare(b.file))
    .slice(0, MAX_FILES_READ)
    .map((r) => r.file);

  const read = await call('read_multiple_files', { paths: ranked });
  if (!read.ok) throw new Error(`read_multiple_files failed: ${read.text}`);
  const contents = splitMultipleFiles(read.text, ranked);

  const items: SourceItem[] = [];
  for (const [file, content] of contents) {
    const relative = path.relative(root, file);
    const fileWords = relative.replace(/\.[a-z]+$/, '').replace(/[-_/]/g, ' ');
    for (const section of markdownSections(content)) {
      const title = section.heading ? `${relative} › ${section.heading}` : relative;
      const score = overlapScore(queryKeywords, section.body, `${fileWords} ${section.heading}`);
      if (score <= 0) continue;
      items.push({
        id: section.slug ? `${relative}#${section.slug}` : relative,
        title,
        tool: 'read_multiple_files',
        content: section.body,
        score: Number(score.toFixed(3)),
      });
    }
  }
  items.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = items.slice(0, MAX_ITEMS);
  const fileCount = new Set(top.map((i) => i.id.split('#')[0])).size;
  return {
    items: top,
    summary: top.length
      ? `Found ${top.length} relevant section(s) in ${fileCount} document(s) out of ${files.length}.`
      : `None of the ${files.length} documents mention ${queryKeywords.join(', ')}.`,
  };
}

/**
 * `read_multiple_files` returns `<path>:\n<content>\n` per file joined by `\n---\n`.
 * Documents may contain `---` themselves, so split on the known next path instead.
 */
export function splitMultipleFiles(text: string, paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let cursor = 0;
  paths.forEach((file, index) => {
    const header = `${file}:\n`;
    const start = text.indexOf(header, cursor);
    if (start < 0) return;
    const bodyStart = start + header.length;
    const next = paths[index + 1];
    const end = next ? text.indexOf(`\n---\n${next}:`, bodyStart) : -1;
    const body = text.slice(bodyStart, end < 0 ? text.length : end);
    if (!body.startsWith('Error - ')) out.set(file, body.trimEnd());
    cursor = end < 0 ? text.length : end;
  });
  return out;
}

export interface MarkdownSection {
  heading: string;
  slug: string;
  body: string;
}

/** Splits markdown at `#`–`###` headings; text before the first heading is its own section. */
export function markdownSections(markdown: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  let current: MarkdownSection = { heading: '', slug: '', body: '' };
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,3})\s+(.+?)\s*#*$/.exec(line);
    if (match) {
      if (current.body.trim()) sections.push({ ...current, body: current.body.trim() });
      const heading = match[2]!.trim();
      current = { heading, slug: slugify(heading), body: '' };
      continue;
    }
    current.body += `${line}\n`;
  }
  if (current.body.trim()) sections.push({ ...current, body: current.body.trim() });
  return sections;
}

export function slugify(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** Exposed for tests: whether a document name alone matches the question. */
export const nameMatches = (query: string, file: string): boolean =>
  keywords(query).some((k) => stemSet(file.replace(/[-_/.]/g, ' ')).has(k));
