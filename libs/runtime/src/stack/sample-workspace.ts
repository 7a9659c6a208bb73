import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** Loads `sample/workspace/sql/*.sql` in name order (each file is idempotent). */
export async function loadSampleDatabase(ownerUrl: string, root: string): Promise<string[]> {
  const dir = path.join(root, 'sample', 'workspace', 'sql');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('set client_min_messages = warning');
    for (const file of files) await client.query(readFileSync(path.join(dir, file), 'utf8'));
  } finally {
    await client.end();
  }
  return files;
}

export const sampleDocsRoot = (root: string): string => path.join(root, 'sample', 'workspace', 'docs');
