/**
 * How search_objects matches object keys: a case-insensitive glob (`*`, `?`) against the whole
 * key or its file name, and keywords found anywhere in the key. Pure functions, no S3 calls.
 */

export interface KeyQuery {
  /** e.g. `*.csv`, `reports/*-q3*`. */
  pattern?: string;
  keywords?: readonly string[];
  /** `any` (default): at least one keyword occurs; `all`: every keyword occurs. */
  match?: 'any' | 'all';
}

/** The keywords a key contains (empty when the query has none), or undefined when it does not match. */
export type KeyMatcher = (key: string) => string[] | undefined;

export function keyMatcher(query: KeyQuery): KeyMatcher {
  const glob = query.pattern ? globToRegExp(query.pattern) : undefined;
  const keywords = [...new Set((query.keywords ?? []).map((k) => k.trim().toLowerCase()).filter(Boolean))];
  const needsAll = query.match === 'all';
  return (key) => {
    if (glob && !glob.test(key) && !glob.test(fileName(key))) return undefined;
    if (keywords.length === 0) return [];
    const lower = key.toLowerCase();
    const found = keywords.filter((keyword) => lower.includes(keyword));
    if (found.length === 0 || (needsAll && found.length < keywords.length)) return undefined;
    return found;
  };
}

/** `*` matches any run of characters (slashes included), `?` one character; case-insensitive. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
