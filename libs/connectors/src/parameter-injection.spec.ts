import { injectParameters, ParameterInjection, timeWindow } from './parameter-injection';

describe(injectParameters.name, () => {
  const now = new Date('2026-11-21T15:00:00Z');
  const injections: ParameterInjection[] = [
    { tool: 'query_jira', param: 'project', from: { kind: 'credential', field: 'default_project' } },
    { tool: 'search_messages', param: 'after', from: { kind: 'window_start' } },
    { tool: '*', param: 'reviewer', from: { kind: 'user_email' } },
  ];
  const context = { query: 'what changed since yesterday?', credentials: { default_project: 'NW', token: 'secret' }, userEmail: 'ada@example.com', now };

  it('should fill a declared parameter from the credentials when the caller left it out', () => {
    expect(injectParameters(injections, 'query_jira', { jql: 'x' }, context)).toEqual({ jql: 'x', project: 'NW', reviewer: 'ada@example.com' });
  });

  it('should never overwrite an argument the caller set', () => {
    expect(injectParameters(injections, 'query_jira', { project: 'OPS' }, context)).toMatchObject({ project: 'OPS' });
  });

  it('should inject the start of the time window the question names', () => {
    expect(injectParameters(injections, 'search_messages', {}, context)).toMatchObject({ after: '2026-11-20T00:00:00.000Z' });
  });

  it('should leave a window parameter out when the question names no time', () => {
    expect(injectParameters(injections, 'search_messages', {}, { ...context, query: 'refund policy' })).not.toHaveProperty('after');
  });

  it('should not inject into tools that do not declare the parameter', () => {
    expect(injectParameters(injections, 'list_projects', {}, { ...context, userEmail: undefined })).toEqual({});
  });

  it('should not copy credential fields that are not declared (no secret leaks into arguments)', () => {
    expect(JSON.stringify(injectParameters(injections, 'query_jira', {}, context))).not.toContain('secret');
  });
});

describe(timeWindow.name, () => {
  const now = new Date('2026-11-21T15:00:00Z');

  it.each([
    ['anything from today?', '2026-11-21T00:00:00.000Z', '2026-11-21T15:00:00.000Z'],
    ['what happened yesterday', '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
    ['issues in the last 3 days', '2026-11-18T15:00:00.000Z', '2026-11-21T15:00:00.000Z'],
    ['PRs merged this week', '2026-11-14T15:00:00.000Z', '2026-11-21T15:00:00.000Z'],
  ])('should read "%s" as a window', (query, start, end) => {
    const window = timeWindow(query, now)!;
    expect(window.start.toISOString()).toBe(start);
    expect(window.end.toISOString()).toBe(end);
  });

  it('should find no window when the question names no time', () => {
    expect(timeWindow('what is our refund policy?', now)).toBeUndefined();
  });
});
