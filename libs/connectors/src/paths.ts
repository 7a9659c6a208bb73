import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (where nx.json lives), found from this file's location. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Mosaic repository root above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The compiled entry point of one of our own MCP servers (built by `npm run build`). */
export function builtServerEntry(relativeToConnectorsSrc: string): string {
  const file = path.join(repoRoot(), 'dist', 'libs', 'connectors', 'src', relativeToConnectorsSrc);
  if (!existsSync(file)) {
    throw new Error(`MCP server ${file} is not built; run \`npm run build\` first`);
  }
  return file;
}
