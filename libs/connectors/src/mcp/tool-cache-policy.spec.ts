import {
  annotationsAllowCaching,
  cacheableOutcome,
  cacheKeys,
  cacheRuleFor,
  cacheScope,
  CACHE_TTL_SECONDS,
  canonicalJson,
  credentialSetHash,
  MAX_CACHED_RESULT_BYTES,
} from './tool-cache-policy';

describe('tool cache policy', () => {
  describe(cacheRuleFor.name, () => {
    it.each([
      ['list_tables', 'schema', 600],
      ['describe_table', 'schema', 600],
      ['get_table_schema', 'schema', 600],
      ['search', 'result', 30],
      ['read_multiple_files', 'result', 30],
      ['execute_query', 'result', 30],
      ['echo', 'result', 30],
      ['write_file', 'none', 0],
      ['edit_file', 'none', 0],
      ['create_issue', 'none', 0],
      ['post_message', 'none', 0],
      ['delete_branch', 'none', 0],
      ['sleep', 'none', 0],
      ['fail', 'none', 0],
    ])('should give %s the %s rule (%i s)', (tool, kind, ttl) => {
      expect(cacheRuleFor(tool)).toEqual({ kind, ttlSeconds: ttl });
    });

    it('should let the policy map override the name rules when a tool is listed', () => {
      expect(cacheRuleFor('search', { search: { kind: 'schema', ttlSeconds: 60 } })).toEqual({ kind: 'schema', ttlSeconds: 60 });
      expect(cacheRuleFor('list_closed_issues')).toEqual({ kind: 'result', ttlSeconds: CACHE_TTL_SECONDS.result });
    });
  });

  describe(annotationsAllowCaching.name, () => {
    const tools = [
      { name: 'read_file', annotations: { readOnlyHint: true } },
      { name: 'touch', annotations: { readOnlyHint: false } },
      { name: 'wipe', annotations: { destructiveHint: true } },
      { name: 'plain' },
    ];
    it.each([
      ['read_file', true],
      ['touch', false],
      ['wipe', false],
      ['plain', true],
      ['not_listed', true],
    ])('should say %s may be cached: %s', (tool, expected) => {
      expect(annotationsAllowCaching(tools, tool)).toBe(expected);
    });
  });

  describe('keys', () => {
    const tenant = '0b6b1f0e-6a52-4d5a-9a55-1f6f0c1e2d3a';

    it('should scope keys by tenant, or to the deployment when the task has none', () => {
      expect(cacheScope({ tenant_id: tenant })).toBe(`tenant:${tenant}`);
      expect(cacheScope({})).toBe('deployment');
    });

    it('should never put a credential in a key when building one from a credential set', () => {
      const credentials = { token: 'ghp_supersecretvalue', url: 'postgres://u:hunter2@db/x' };
      const parts = { scope: cacheScope({ tenant_id: tenant }), connector: 'github', credentialHash: credentialSetHash(credentials) };
      const keys = [cacheKeys.tools(parts), cacheKeys.call(parts, 'result', 'search', { query: 'x' })];

      for (const key of keys) {
        expect(key).not.toContain('supersecret');
        expect(key).not.toContain('hunter2');
        expect(key).toContain(`{tenant:${tenant}}`);
      }
      expect(keys[0]).toBe(`mosaic:cache:v1:{tenant:${tenant}}:github:${parts.credentialHash}:tools`);
      expect(keys[1]).toMatch(new RegExp(`^mosaic:cache:v1:\\{tenant:${tenant}\\}:github:[0-9a-f]{32}:result:search:[0-9a-f]{32}$`));
    });

    it('should hash a credential set the same whatever the key order, and differently when a value differs', () => {
      expect(credentialSetHash({ a: '1', b: '2' })).toBe(credentialSetHash({ b: '2', a: '1' }));
      expect(credentialSetHash({ a: '1', b: '2' })).not.toBe(credentialSetHash({ a: '1', b: '3' }));
      expect(credentialSetHash({})).toMatch(/^[0-9a-f]{32}$/);
    });

    it('should give equal arguments in any key order the same key, and other tenants other keys', () => {
      const parts = { scope: 'tenant:a', connector: 'postgres', credentialHash: 'h' };
      const key = cacheKeys.call(parts, 'result', 'search', { query: 'acme', limit: 40, opts: { b: 1, a: 2 } });

      expect(cacheKeys.call(parts, 'result', 'search', { opts: { a: 2, b: 1 }, limit: 40, query: 'acme' })).toBe(key);
      expect(cacheKeys.call(parts, 'result', 'search', { query: 'acme', limit: 41, opts: { b: 1, a: 2 } })).not.toBe(key);
      expect(cacheKeys.call({ ...parts, scope: 'tenant:b' }, 'result', 'search', { query: 'acme', limit: 40, opts: { b: 1, a: 2 } })).not.toBe(key);
      expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
    });
  });

  describe(cacheableOutcome.name, () => {
    it('should serialize a successful outcome when it is small', () => {
      expect(cacheableOutcome({ ok: true, text: 'hi', structured: { n: 1 } })).toBe('{"ok":true,"text":"hi","structured":{"n":1}}');
    });

    it('should refuse a tool error when asked to cache one', () => {
      expect(cacheableOutcome({ ok: false, text: 'no such table' })).toBeUndefined();
    });

    it('should refuse a result above the size limit', () => {
      expect(cacheableOutcome({ ok: true, text: 'x'.repeat(MAX_CACHED_RESULT_BYTES) })).toBeUndefined();
      expect(cacheableOutcome({ ok: true, text: 'x'.repeat(1000) }, 500)).toBeUndefined();
    });
  });
});
