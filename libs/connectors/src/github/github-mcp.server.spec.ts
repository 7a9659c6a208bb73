import { searchQuery } from './github-mcp.server';

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
