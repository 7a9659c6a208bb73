/**
 * Turns a natural-language question into the keywords the SQL connectors' `search` tools
 * (Postgres, MySQL) match with a case-insensitive LIKE '%keyword%'. Matching is by substring,
 * so a crude stem that is a prefix of the real word ("refund" for "refunded", "escalat" for
 * "escalated") is exactly what we want. Keywords hold only letters and digits.
 */

/** Most keywords one search uses: each one costs a pattern per text column per row. */
export const MAX_SEARCH_KEYWORDS = 12;

const MIN_KEYWORD_LENGTH = 3;

const STOPWORDS: ReadonlySet<string> = new Set([
  // English function words
  'a', 'about', 'above', 'after', 'again', 'against', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as', 'at',
  'be', 'because', 'been', 'before', 'being', 'below', 'between', 'both', 'but', 'by', 'can', 'cannot', 'could',
  'did', 'do', 'does', 'doing', 'down', 'during', 'each', 'either', 'else', 'ever', 'every', 'few', 'for', 'from',
  'further', 'had', 'has', 'have', 'having', 'he', 'her', 'here', 'hers', 'herself', 'him', 'himself', 'his',
  'how', 'however', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'itself', 'just', 'let', 'may', 'me', 'might',
  'more', 'most', 'much', 'must', 'my', 'myself', 'no', 'nor', 'not', 'now', 'of', 'off', 'on', 'once', 'only',
  'or', 'other', 'ought', 'our', 'ours', 'ourselves', 'out', 'over', 'own', 'same', 'shall', 'she', 'should', 'so',
  'some', 'such', 'than', 'that', 'the', 'their', 'theirs', 'them', 'themselves', 'then', 'there', 'these', 'they',
  'this', 'those', 'through', 'to', 'too', 'under', 'until', 'up', 'upon', 'us', 'very', 'was', 'we', 'were',
  'what', 'when', 'where', 'whether', 'which', 'while', 'who', 'whom', 'whose', 'why', 'will', 'with', 'within',
  'without', 'would', 'yet', 'you', 'your', 'yours', 'yourself', 'yourselves',
  // Words that only frame a question
  'anything', 'everything', 'something', 'please', 'tell', 'show', 'give', 'list', 'find', 'know', 'say', 'says',
  'said', 'want', 'need', 'get', 'got', 'currently', 'right', 'many', 'thing', 'things',
]);

/**
 * Lowercases, splits on anything that is not a letter or digit, drops stopwords and
 * words shorter than three characters, stems plurals and -ed/-ing, removes duplicates
 * (first occurrence wins) and keeps at most {@link MAX_SEARCH_KEYWORDS}.
 */
export function extractSearchKeywords(query: string): string[] {
  const keywords: string[] = [];
  for (const token of query.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (token.length < MIN_KEYWORD_LENGTH || STOPWORDS.has(token)) continue;
    const stem = stemKeyword(token);
    if (stem.length < MIN_KEYWORD_LENGTH || STOPWORDS.has(stem) || keywords.includes(stem)) continue;
    keywords.push(stem);
    if (keywords.length === MAX_SEARCH_KEYWORDS) break;
  }
  return keywords;
}

/** A light suffix stripper: tickets→ticket, policies→policy, refunded→refund, failing→fail. */
export function stemKeyword(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  if (word.length > 5 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 6 && word.endsWith('ing')) return word.slice(0, -3);
  return word;
}

/** A LIKE / ILIKE pattern matching the keyword anywhere; LIKE wildcards in it are taken literally. */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * A regular expression matching a whole column value that is the keyword plus at most an
 * inflection: "refund" matches 'refunded'. Plain POSIX ERE syntax, so PostgreSQL (`~*`),
 * MariaDB (PCRE) and MySQL (ICU) `REGEXP` read it the same way.
 */
export function wholeValuePattern(keyword: string): string {
  return `^${keyword.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}(s|es|d|ed|ing)?$`;
}
