import { containsPattern, extractSearchKeywords, MAX_SEARCH_KEYWORDS, stemKeyword, wholeValuePattern } from './search-keywords';

describe(extractSearchKeywords.name, () => {
  it('should keep the content words of a demo question when given a full sentence', () => {
    const sut = extractSearchKeywords(
      'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
    );

    expect(sut).toEqual(['customer', 'open', 'urgent', 'support', 'ticket', 'escalation', 'runbook']);
  });

  it('should fold refund and refunded into one keyword when both appear', () => {
    expect(extractSearchKeywords('What is our refund policy, and which orders were refunded?')).toEqual([
      'refund',
      'policy',
      'order',
    ]);
  });

  it("should split names and drop possessive 's when the query has punctuation", () => {
    expect(extractSearchKeywords("Acme Corp's checkout errors")).toEqual(['acme', 'corp', 'checkout', 'error']);
  });

  it('should return nothing when the query has only stopwords and short words', () => {
    expect(extractSearchKeywords('What is it, and why is it so?')).toEqual([]);
  });

  it('should stop at the keyword limit when the query is long', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`);

    expect(extractSearchKeywords(words.join(' '))).toHaveLength(MAX_SEARCH_KEYWORDS);
  });
});

describe(stemKeyword.name, () => {
  it.each([
    ['tickets', 'ticket'],
    ['policies', 'policy'],
    ['refunded', 'refund'],
    ['failing', 'fail'],
    ['addresses', 'address'],
    ['matches', 'match'],
    ['status', 'status'],
    ['access', 'access'],
    ['analysis', 'analysis'],
    ['paid', 'paid'],
  ])('should stem %s to %s', (word, stem) => {
    expect(stemKeyword(word)).toBe(stem);
  });
});

describe(containsPattern.name, () => {
  it('should escape LIKE wildcards when the keyword contains them', () => {
    expect(containsPattern('50%_off')).toBe('%50\\%\\_off%');
  });
});

describe(wholeValuePattern.name, () => {
  it.each([
    ['refunded', true],
    ['Refund', true],
    ['refunds', true],
    ['refund policy', false],
    ['prerefund', false],
  ])('should decide whether %s is the whole value', (value, matches) => {
    expect(new RegExp(wholeValuePattern('refund'), 'i').test(value)).toBe(matches);
  });
});
