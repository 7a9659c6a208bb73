import path from 'node:path';
import { SourceItem } from '@mosaic/contracts';
import { DigestWindow, StrategyResult, ToolCaller } from '../connector';
import { digestBounds, formatLocal, isWithin } from '../digest-window';
import { markdownSections, splitMultipleFiles } from './files.connector';

const FILE_PATTERN = '**/*.{md,markdown,txt}';
/** Documents whose modification time is read (one `get_file_info` each). */
const MAX_FILES_INSPECTED = 200;
const INSPECT_CONCURRENCY = 8;
const MAX_ITEMS = 8;
const EXCERPT_CHARS = 400;

/** The `modified:` line of `get_file_info`'s text (`key: value` lines; a JavaScript date). */
export function modifiedAt(info: string): number {
  const line = /^modified:\s*(.+)$/m.exec(info)?.[1];
  return line ? Date.parse(line) : Number.NaN;
}

/**
 * Documents in the folder changed within the digest window, newest first: one `search_files`,
 * one `get_file_info` per document (bounded), and one `read_multiple_files` for the changed
 * ones, each cited with its path, its modification time and its opening text.
 */
export async function digestFromFiles(window: DigestWindow, call: ToolCaller, root: string): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const listing = await call('search_files', { path: root, pattern: FILE_PATTERN });
  if (!listing.ok) throw new Error(`search_files failed: ${listing.text}`);
  const files = listing.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'No matches found')
    .slice(0, MAX_FILES_INSPECTED);

  const modified = new Map<string, number>();
  for (let i = 0; i < files.length; i += INSPECT_CONCURRENCY) {
    const chunk = files.slice(i, i + INSPECT_CONCURRENCY);
    const infos = await Promise.all(chunk.map((file) => call('get_file_info', { path: file })));
    chunk.forEach((file, j) => {
      const info = infos[j]!;
      if (info.ok) modified.set(file, modifiedAt(info.text));
    });
  }
  const changed = [...modified]
    .filter(([, at]) => isWithin(bounds, at))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_ITEMS);
  if (changed.length === 0) return { items: [], summary: `No document of the ${files.length} changed in the window.` };

  const read = await call('read_multiple_files', { paths: changed.map(([file]) => file) });
  const contents = read.ok ? splitMultipleFiles(read.text, changed.map(([file]) => file)) : new Map<string, string>();
  const items: SourceItem[] = changed.map(([file, at]) => {
    const relative = path.relative(root, file);
    const opening = markdownSections(contents.get(file) ?? '')[0];
    const text = opening ? `${opening.heading ? `${opening.heading}: ` : ''}${opening.body}`.replace(/\s+/g, ' ').slice(0, EXCERPT_CHARS) : '';
    return {
      id: relative,
      title: `Document changed: ${relative} (${formatLocal(bounds.timeZone, at)} ${bounds.timeZone})`,
      tool: 'get_file_info',
      content: `Modified ${new Date(at).toISOString()}.${text ? ` ${text}` : ''}`,
      score: 1,
    };
  });
  return { items, summary: `${changed.length} of ${files.length} document(s) changed in the window.` };
}
