import type { FieldDef, Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { toPostgresToolException } from './postgres-tool.exception';

export interface ReadOnlyOptions {
  statementTimeoutMs: number;
  /**
   * Also run DISCARD ALL before the connection goes back to the pool. Needed after
   * caller-supplied SQL: session state that survives ROLLBACK (advisory locks, prepared
   * statements, held cursors) must not leak into the next call.
   */
  discardSessionState?: boolean;
}

/**
 * Runs `work` inside BEGIN READ ONLY with a transaction-local statement timeout and
 * always rolls back, so no tool call can change data or leave settings behind.
 * Every failure comes out as a {@link PostgresToolException}.
 */
export async function withReadOnlyTransaction<T>(
  pool: Pool,
  options: ReadOnlyOptions,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toPostgresToolException(error, options.statementTimeoutMs);
  }
  let brokenConnection: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    // SET LOCAL cannot take a bind parameter; set_config(..., true) is the same thing.
    await client.query("SELECT set_config('statement_timeout', $1, true)", [String(options.statementTimeoutMs)]);
    return await work(client);
  } catch (error) {
    throw toPostgresToolException(error, options.statementTimeoutMs);
  } finally {
    try {
      await client.query('ROLLBACK');
      if (options.discardSessionState) await client.query('DISCARD ALL');
    } catch (error) {
      // A connection that cannot roll back is not safe to reuse: release(err) destroys it.
      brokenConnection = error instanceof Error ? error : new Error(String(error));
    }
    client.release(brokenConnection);
  }
}

export interface CappedRows {
  rows: Record<string, unknown>[];
  fields: FieldDef[];
  truncated: boolean;
}

/**
 * Runs one statement through a cursor (extended protocol: a single statement only) and
 * reads at most `maxRows` rows, plus one to learn whether more existed. Rows beyond
 * that are never fetched, so memory stays bounded whatever the query returns.
 */
export async function queryCapped(
  client: PoolClient,
  sql: string,
  params: readonly unknown[],
  maxRows: number,
): Promise<CappedRows> {
  const cursor = client.query(new Cursor<Record<string, unknown>>(sql, [...params]));
  const { rows, fields } = await new Promise<{ rows: Record<string, unknown>[]; fields: FieldDef[] }>(
    (resolve, reject) => {
      cursor.read(maxRows + 1, (error, batch, result) => {
        if (error) reject(error);
        else resolve({ rows: batch, fields: result?.fields ?? [] });
      });
    },
  );
  // Only after a successful read: a failed cursor has already synced, and close() would
  // wait for a second ReadyForQuery that never comes.
  await cursor.close();
  return { rows: rows.slice(0, maxRows), fields, truncated: rows.length > maxRows };
}
