import { MySqlToolErrorCode, MySqlToolException } from './mysql-tool.exception';

/**
 * The second line of defence for caller-supplied SQL, in front of START TRANSACTION READ ONLY.
 * MySQL and MariaDB refuse row changes and FOR UPDATE inside a read-only transaction, but DDL
 * (CREATE, DROP, ALTER, TRUNCATE, RENAME) commits the transaction implicitly and then runs; so
 * do stored procedures that COMMIT, and SET, LOCK TABLES, PREPARE/EXECUTE, LOAD DATA and
 * SELECT ... INTO OUTFILE act outside the transaction altogether. Hence an allow-list of
 * statements that only read, checked on the tokens (strings, quoted identifiers and comments
 * skipped), never on the raw text.
 */

/** Statements that can only read. EXPLAIN and DESCRIBE of a write describe it without running it. */
const READ_STATEMENTS: ReadonlySet<string> = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN', 'DESCRIBE', 'DESC']);

type Token = { kind: 'word'; value: string } | { kind: 'symbol'; value: string };

/**
 * Throws a {@link MySqlToolException} unless `sql` is exactly one read statement without
 * locking clauses or INTO. An unterminated string or comment is left for the server to
 * reject as a syntax error.
 */
export function assertReadOnlyStatement(sql: string): void {
  const tokens = tokenize(sql);
  const semicolon = tokens.findIndex((token) => token.kind === 'symbol' && token.value === ';');
  const end = semicolon === -1 ? tokens.length : semicolon;
  // Trailing semicolons are fine; anything after the first one is a second statement.
  if (tokens.slice(end).some((token) => !(token.kind === 'symbol' && token.value === ';'))) {
    throw new MySqlToolException(
      MySqlToolErrorCode.MultipleStatements,
      'Refused: send exactly one SQL statement per call (several statements separated by ";" are not allowed).',
    );
  }
  const statement = tokens.slice(0, end);
  const first = statement.find((token) => !(token.kind === 'symbol' && token.value === '('));
  if (!first) {
    throw new MySqlToolException(MySqlToolErrorCode.InvalidQuery, 'Invalid query: the statement is empty.');
  }
  if (first.kind !== 'word' || !READ_STATEMENTS.has(first.value)) {
    throw new MySqlToolException(
      MySqlToolErrorCode.ReadOnlyViolation,
      `Refused: only read statements (${[...READ_STATEMENTS].join(', ')}) can run; this one starts with ${first.value}.`,
    );
  }
  const words = statement.filter((token) => token.kind === 'word').map((token) => token.value);
  if (words.includes('INTO')) {
    throw new MySqlToolException(
      MySqlToolErrorCode.ReadOnlyViolation,
      'Refused: SELECT ... INTO (OUTFILE, DUMPFILE or variables) is not allowed; the rows come back as the result.',
    );
  }
  if (containsSequence(words, ['FOR', 'UPDATE']) || containsSequence(words, ['FOR', 'SHARE']) || containsSequence(words, ['LOCK', 'IN', 'SHARE', 'MODE'])) {
    throw new MySqlToolException(
      MySqlToolErrorCode.ReadOnlyViolation,
      'Refused: locking reads (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE) are not allowed; queries only read.',
    );
  }
}

function containsSequence(words: readonly string[], sequence: readonly string[]): boolean {
  return words.some((_, start) => sequence.every((word, offset) => words[start + offset] === word));
}

/**
 * Words (upper-cased) and single-character symbols of MySQL/MariaDB SQL. String literals
 * ('...', "..."), backquoted identifiers and comments (`-- `, `#`, `/* *\/`) produce no
 * tokens, so a keyword inside them is never mistaken for one. Executable comments
 * (`/*! ... *\/`, `/*M! ... *\/`) are code to the server and are refused here.
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (/\s/.test(char)) {
      i++;
    } else if (char === '#' || (char === '-' && next === '-' && /[\s]|^$/.test(sql[i + 2] ?? ''))) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
    } else if (char === '/' && next === '*') {
      if (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!')) {
        throw new MySqlToolException(
          MySqlToolErrorCode.InvalidQuery,
          'Invalid query: executable comments (/*! ... */) are not allowed; write the SQL without them.',
        );
      }
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (char === "'" || char === '"' || char === '`') {
      i = skipQuoted(sql, i, char);
    } else if (/[\p{L}\p{N}_$]/u.test(char)) {
      let j = i + 1;
      while (j < sql.length && /[\p{L}\p{N}_$]/u.test(sql[j] ?? '')) j++;
      tokens.push({ kind: 'word', value: sql.slice(i, j).toUpperCase() });
      i = j;
    } else {
      tokens.push({ kind: 'symbol', value: char });
      i++;
    }
  }
  return tokens;
}

/** Index after the quoted string or identifier starting at `start`; a doubled quote (and, in strings, a backslash) escapes. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (char === '\\' && quote !== '`') {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}
