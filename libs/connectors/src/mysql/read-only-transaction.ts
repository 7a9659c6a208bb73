import type { Connection as CoreConnection } from 'mysql2';
import type { FieldPacket, Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { toMySqlToolException } from './mysql-tool.exception';

/** MariaDB and MySQL name the per-statement time limit differently (and count it in different units). */
export type MySqlFlavor = 'mariadb' | 'mysql';

export interface ReadOnlyOptions {
  statementTimeoutMs: number;
  flavor: MySqlFlavor;
  /**
   * Also reset the session (COM_RESET_CONNECTION) before the connection goes back to the
   * pool. Needed after caller-supplied SQL: user variables, named locks (GET_LOCK) and
   * temporary tables survive ROLLBACK and must not leak into the next call.
   */
  resetSession?: boolean;
}

/** A value bound to a `?` placeholder. */
export type SqlParam = string | number | boolean | null;

/** One borrowed connection inside its read-only transaction. */
export interface ReadOnlySession {
  readonly connection: PoolConnection;
  /** Which server the connection talks to. */
  readonly flavor: MySqlFlavor;
  /** Runs one of our own statements with server-side bound parameters. */
  select<T extends object>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /**
   * Gives the connection up: it is destroyed instead of rolled back and returned. For a
   * connection left in the middle of a result set (see {@link queryCapped}).
   */
  abandon(): void;
}

/** Detects whether the pool talks to MariaDB or MySQL (asked once per server). */
export async function detectFlavor(pool: Pool): Promise<MySqlFlavor> {
  try {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
    return /mariadb/i.test(String(rows[0]?.['version'] ?? '')) ? 'mariadb' : 'mysql';
  } catch (error) {
    throw toMySqlToolException(error, 0);
  }
}

/**
 * Runs `work` inside START TRANSACTION READ ONLY with a session statement timeout and UTC
 * time zone, and always rolls back, so no tool call can change data. The timeout is set on
 * every borrow because a session reset returns it to the server default. Every failure comes
 * out as a {@link MySqlToolException}.
 */
export async function withReadOnlyTransaction<T>(
  pool: Pool,
  options: ReadOnlyOptions,
  work: (session: ReadOnlySession) => Promise<T>,
): Promise<T> {
  let connection: PoolConnection;
  try {
    connection = await pool.getConnection();
  } catch (error) {
    throw toMySqlToolException(error, options.statementTimeoutMs);
  }
  let abandoned = false;
  const session: ReadOnlySession = {
    connection,
    flavor: options.flavor,
    select: async <R extends object>(sql: string, params: readonly SqlParam[] = []) => {
      const [rows] = await connection.execute<RowDataPacket[]>(sql, [...params]);
      return rows as unknown as R[];
    },
    abandon: () => {
      abandoned = true;
      connection.destroy();
    },
  };
  try {
    // Numbers we produced, not caller input: SET takes no bound parameters in every version.
    await connection.query(`SET SESSION time_zone = '+00:00', ${timeoutAssignment(options)}`);
    await connection.query('START TRANSACTION READ ONLY');
    return await work(session);
  } catch (error) {
    throw toMySqlToolException(error, options.statementTimeoutMs);
  } finally {
    if (!abandoned) {
      try {
        await connection.query('ROLLBACK');
        if (options.resetSession) await connection.reset();
        connection.release();
      } catch {
        // A connection that cannot roll back or reset is not safe to reuse.
        connection.destroy();
      }
    }
  }
}

/** MariaDB: max_statement_time in seconds (fractions allowed). MySQL: max_execution_time in ms (SELECT only). */
function timeoutAssignment({ flavor, statementTimeoutMs }: ReadOnlyOptions): string {
  const ms = Math.max(1, Math.round(statementTimeoutMs));
  return flavor === 'mariadb' ? `max_statement_time = ${ms / 1000}` : `max_execution_time = ${ms}`;
}

export interface CappedRows {
  rows: Record<string, unknown>[];
  fields: FieldPacket[];
  truncated: boolean;
}

/** How long to wait, after the row past the cap, for the end of a result the server limited itself. */
const END_OF_RESULT_GRACE_MS = 100;

/**
 * Runs one caller statement and reads at most `maxRows` rows, plus one to learn whether more
 * existed; rows beyond that are never kept, so memory stays bounded whatever the query
 * returns. sql_select_limit makes the server itself stop after that many rows for a plain
 * SELECT, and the connection stays reusable. An explicit LIMIT overrides it (as do SHOW and
 * EXPLAIN): when a further row arrives, or the result has not ended shortly after the cap,
 * the statement is killed and the connection abandoned. With parameters the statement is
 * prepared (bound server-side); without, it is sent as text, so statements that cannot be
 * prepared still run.
 */
export async function queryCapped(
  session: ReadOnlySession,
  pool: Pool,
  sql: string,
  params: readonly SqlParam[],
  maxRows: number,
): Promise<CappedRows> {
  const { connection } = session;
  await connection.query(`SET SESSION sql_select_limit = ${maxRows + 1}`);
  // The promise wrapper's typings call this the promise Connection; it is the callback one.
  const core = connection.connection as unknown as CoreConnection;
  const rows: Record<string, unknown>[] = [];
  let fields: FieldPacket[] = [];
  const outcome = await new Promise<'ended' | 'abandon'>((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (result: 'ended' | 'abandon' | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      if (result === 'abandon') core.pause();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const command = params.length ? core.execute(sql, [...params]) : core.query(sql);
    command.on('fields', (received: FieldPacket[]) => {
      if (fields.length === 0) fields = received;
    });
    command.on('result', (row: Record<string, unknown>) => {
      if (rows.length > maxRows) return settle('abandon');
      rows.push(row);
      if (rows.length > maxRows) grace = setTimeout(() => settle('abandon'), END_OF_RESULT_GRACE_MS);
    });
    command.on('error', (error: Error) => settle(error));
    command.on('end', () => settle('ended'));
  });
  if (outcome === 'abandon') await killAndAbandon(session, pool);
  return { rows: rows.slice(0, maxRows), fields, truncated: rows.length > maxRows };
}

/** Stops the server working on a statement whose rows we no longer read, then drops the connection. */
async function killAndAbandon(session: ReadOnlySession, pool: Pool): Promise<void> {
  const threadId = session.connection.threadId;
  session.abandon();
  // Closing the socket alone stops the server only when it next writes; KILL QUERY stops it now.
  // Best effort: the statement timeout ends it anyway.
  await pool.query('KILL QUERY ?', [threadId]).catch(() => undefined);
}
