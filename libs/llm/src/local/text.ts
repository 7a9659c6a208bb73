/**
 * Deterministic text relevance used by the local provider: keyword extraction with a
 * light stemmer, and overlap scoring. No network, no model, same answer every run.
 */

const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each few for from further had has have having he her here hers herself him himself his ' +
    'how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves ' +
    'out over own same she should so some such than that the their theirs them themselves then there these they this those through ' +
    'to too under until up very was we were what when where which while who whom why will with would you your yours yourself ' +
    'yourselves tell show give find get list say says said know let lets please us anything something everything also may might ' +
    'must shall want need many much there whats who\'s what\'s it\'s don\'t we\'re'
  ).split(/\s+/),
);

/** Reduces a word to a crude stem so "tickets"/"ticket" and "refunded"/"refund" meet. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 5 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9'-]*[a-z0-9]|[a-z0-9]/g) ?? [];
}

/** Distinct content-word stems of `text`, in order of first appearance. */
export function keywords(text: string): string[] {
  const seen = new Set<string>();
  for (const token of tokenize(text)) {
    const word = token.replace(/'s$/, '');
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    seen.add(stem(word));
  }
  return [...seen];
}

/** Distinct raw content words (not stemmed), for search tools that match substrings. */
export function searchTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const token of tokenize(text)) {
    const word = token.replace(/'s$/, '');
    if (word.length < 3 || STOPWORDS.has(word)) continue;
    seen.add(word);
  }
  return [...seen];
}

/** The set of stems that occur in `text`. */
export function stemSet(text: string): Set<string> {
  return new Set(tokenize(text).map((t) => stem(t.replace(/'s$/, ''))));
}

/**
 * Share of query keywords that occur in `text` (0..1), with a small bonus for
 * matches in a title. Empty queries score 0.
 */
export function overlapScore(queryKeywords: readonly string[], text: string, title = ''): number {
  if (queryKeywords.length === 0) return 0;
  const body = stemSet(text);
  const head = stemSet(title);
  let hits = 0;
  for (const k of queryKeywords) {
    if (head.has(k)) hits += 1.25;
    else if (body.has(k)) hits += 1;
  }
  return Math.min(1, hits / queryKeywords.length);
}

export function matchedKeywords(queryKeywords: readonly string[], text: string): string[] {
  const body = stemSet(text);
  return queryKeywords.filter((k) => body.has(k));
}

/**
 * Splits prose into sentences and list items, keeping each one whole: soft-wrapped
 * lines are joined first, headings and table rules dropped.
 */
export function sentences(text: string): string[] {
  return sentenceBlocks(text).flat();
}

/** Like `sentences`, grouped by the paragraph, list item or table row they came from. */
export function sentenceBlocks(text: string): string[][] {
  const blocks: string[] = [];
  let current = '';
  let fenced = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const startsBlock = fenced || line === '' || /^([-*+]\s|\d+[.)]\s|#|\|)/.test(line);
    if (startsBlock && current) {
      blocks.push(current);
      current = '';
    }
    if (line === '' || /^#+\s/.test(line) || /^\|?[\s:|-]+\|?$/.test(line)) continue;
    if (fenced || line.startsWith('|')) {
      // A table row is quoted as written, minus its outer pipes: "SEV1 | Full outage | ...".
      blocks.push(fenced ? line : line.replace(/^\|\s*|\s*\|$/g, ''));
      continue;
    }
    current = current ? `${current} ${line}` : line;
  }
  if (current) blocks.push(current);
  return blocks
    .map((block) =>
      block
        .replace(/^[-*+]\s+|^\d+[.)]\s+/, '')
        .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .filter((b) => b.length > 0);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
