import { createdRange, searchQuery } from './github-mcp.server';

describe(searchQuery.name, () => {
  it('should add is:issue and the owner when the query names neither', () => {
    expect(searchQuery('checkout timeout', { type: 'issue', owner: 'northwind' })).toBe('checkout timeout is:issue user:northwind');
  });

  it('should scope to the repository and add is:pull-request when type is pull_request and repo is given', () => {
    expect(searchQuery('refund', { type: 'pull_request', owner: 'northwind', repo: 'api', state: 'open' })).toBe(
      'refund is:pull-request repo:northwind/api state:open',
    );
  });

  it('should keep the caller\'s own qualifiers when the query already has them', () => {
    expect(searchQuery('is:pr repo:acme/site is:closed flaky', { type: 'issue', owner: 'northwind', state: 'open' })).toBe(
      'is:pr repo:acme/site is:closed flaky',
    );
  });
});

describe(createdRange.name, () => {
  it("should build GitHub's inclusive range when both ends are given", () => {
    expect(createdRange('2025-03-13T12:00:00Z', '2025-03-14T18:00:00Z')).toBe('2025-03-13T12:00:00Z..2025-03-14T18:00:00Z');
  });

  it('should build an open-ended comparison when only one end is given', () => {
    expect(createdRange('2025-03-13T12:00:00Z')).toBe('>=2025-03-13T12:00:00Z');
    expect(createdRange(undefined, '2025-03-14T18:00:00Z')).toBe('<=2025-03-14T18:00:00Z');
    expect(createdRange()).toBeUndefined();
  });
});
