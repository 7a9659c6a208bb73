import { globToRegExp, keyMatcher } from './s3-key-search';

describe(keyMatcher.name, () => {
  it('should return the keywords a key contains when match is any', () => {
    const sut = keyMatcher({ keywords: ['Revenue', 'q3', 'refund'] });

    expect(sut('finance/2024/Q3-revenue-summary.md')).toEqual(['revenue', 'q3']);
    expect(sut('ops/oncall.json')).toBeUndefined();
  });

  it('should reject a key missing one keyword when match is all', () => {
    const sut = keyMatcher({ keywords: ['revenue', 'q3'], match: 'all' });

    expect(sut('finance/2024/q2-revenue-summary.md')).toBeUndefined();
    expect(sut('finance/2024/q3-revenue-summary.md')).toEqual(['revenue', 'q3']);
  });

  it('should match a glob against the file name or the whole key when a pattern is given', () => {
    const sut = keyMatcher({ pattern: 'report-??.CSV' });

    expect(sut('exports/2024/report-07.csv')).toEqual([]);
    expect(sut('exports/2024/report-7.csv')).toBeUndefined();
    expect(keyMatcher({ pattern: 'exports/*/report*' })('exports/2024/report-07.csv')).toEqual([]);
  });

  it('should require both the pattern and a keyword when both are given', () => {
    const sut = keyMatcher({ pattern: '*.md', keywords: ['outage'] });

    expect(sut('ops/checkout-outage.md')).toEqual(['outage']);
    expect(sut('ops/checkout-outage.json')).toBeUndefined();
    expect(sut('ops/rotation.md')).toBeUndefined();
  });

  it('should match every key when neither pattern nor keywords are given', () => {
    expect(keyMatcher({})('anything/at/all.bin')).toEqual([]);
  });
});

describe(globToRegExp.name, () => {
  it('should treat regex characters in the pattern literally when they are not * or ?', () => {
    const sut = globToRegExp('logs/(2024)+[a].log');

    expect(sut.test('logs/(2024)+[a].log')).toBe(true);
    expect(sut.test('logs/2024a.log')).toBe(false);
  });
});
