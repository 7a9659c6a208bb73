import { randomUUID } from 'node:crypto';
import { AgentQueryRequestSchema, MAX_QUERY_LENGTH } from './api';
import { AgentEventV1Schema, isTerminalEvent } from './events';
import { SourceIdSchema } from './query';
import { SUBJECT_SCHEMAS, subjectFamily } from './subject-map';
import {
  QUERY_EVENTS_V1_PREFIX,
  QUERY_PLANNED_V1,
  QUERY_REQUESTED_V1,
  queryEventsSubject,
  SOURCE_RESULT_V1,
  SOURCE_TASK_V1_PREFIX,
  sourceTaskSubject,
  STREAMS,
} from './subjects';

const issuePaths = (result: { success: boolean; error?: { issues: { path: (string | number)[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('AgentQueryRequestSchema', () => {
  it('should accept a query and trim it when the body is valid', () => {
    const sut = AgentQueryRequestSchema.parse({ query: '  refund policy?  ', sources: ['files', 'postgres'], include_plan: true });

    expect(sut).toEqual({ query: 'refund policy?', sources: ['files', 'postgres'], include_plan: true });
  });

  it.each(['', '   ', '\n\t '])('should reject the query when it is empty or whitespace (%p)', (query) => {
    const result = AgentQueryRequestSchema.safeParse({ query });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['query'], message: 'query must not be empty' });
  });

  it('should reject the body when the query is missing or not a string', () => {
    expect(AgentQueryRequestSchema.safeParse({}).error?.issues[0]?.message).toBe('query is required');
    expect(AgentQueryRequestSchema.safeParse({ query: 42 }).error?.issues[0]?.message).toBe('query must be a string');
  });

  it('should reject the query when it is longer than the limit', () => {
    expect(AgentQueryRequestSchema.safeParse({ query: 'x'.repeat(MAX_QUERY_LENGTH) }).success).toBe(true);
    expect(AgentQueryRequestSchema.safeParse({ query: 'x'.repeat(MAX_QUERY_LENGTH + 1) }).success).toBe(false);
  });

  it('should reject the body and name the field when it has an unknown field', () => {
    const result = AgentQueryRequestSchema.safeParse({ query: 'refunds', souces: ['files'] });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['souces'] });
  });

  it.each(['Files', '1files', 'files!', 'my files', '', 'x'.repeat(65)])('should reject a source id with a bad format (%p)', (source) => {
    const result = AgentQueryRequestSchema.safeParse({ query: 'refunds', sources: [source] });

    expect(result.success).toBe(false);
    expect(new Set(issuePaths(result))).toEqual(new Set(['sources.0']));
  });

  it.each(['files', 'postgres', 'google_drive', 'jira-cloud', 'a1'])('should accept a well-formed source id (%p)', (source) => {
    expect(SourceIdSchema.safeParse(source).success).toBe(true);
  });

  it('should reject sources when the list is given but empty', () => {
    const result = AgentQueryRequestSchema.safeParse({ query: 'refunds', sources: [] });

    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(['sources']);
  });
});

describe(subjectFamily.name, () => {
  it.each([
    ['mosaic.task.v1.files', SOURCE_TASK_V1_PREFIX],
    [sourceTaskSubject('postgres'), SOURCE_TASK_V1_PREFIX],
    [queryEventsSubject(randomUUID()), QUERY_EVENTS_V1_PREFIX],
    [QUERY_REQUESTED_V1, QUERY_REQUESTED_V1],
    [QUERY_PLANNED_V1, QUERY_PLANNED_V1],
    [SOURCE_RESULT_V1, SOURCE_RESULT_V1],
  ])('should find the family of %s', (subject, family) => {
    expect(subjectFamily(subject)).toBe(family);
  });

  it.each(['mosaic.task.v10.files', 'mosaic.task.v2.files', 'mosaic.taskv1.files', 'mosaic.events.v1x.q', 'other.subject', ''])(
    'should find no family when the subject only looks like one of ours (%p)',
    (subject) => {
      expect(subjectFamily(subject)).toBeUndefined();
    },
  );

  it('should cover every stream subject with a schema when streams are provisioned', () => {
    const concrete = Object.values(STREAMS)
      .flatMap((s) => s.subjects)
      .map((subject) => subject.replace(/\.>$/, '.example'));

    expect(concrete.map((subject) => subjectFamily(subject))).toEqual(concrete.map(() => expect.any(String)));
    expect(Object.keys(SUBJECT_SCHEMAS)).toHaveLength(concrete.length);
  });
});

describe('AgentEventV1Schema', () => {
  const envelope = { query_id: randomUUID(), ts: Date.now() };

  it('should accept a known event when its fields are valid', () => {
    const event = { ...envelope, event_type: 'source_start', source: 'files' };

    expect(AgentEventV1Schema.parse(event)).toEqual(event);
  });

  it('should reject an event whose type is unknown', () => {
    const result = AgentEventV1Schema.safeParse({ ...envelope, event_type: 'reasoning' });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'invalid_union_discriminator', path: ['event_type'] });
  });

  it('should reject an event when a field of its type is missing', () => {
    expect(AgentEventV1Schema.safeParse({ ...envelope, event_type: 'error', error: 'boom' }).success).toBe(false);
  });

  it('should reject an event when the query id is not a uuid', () => {
    expect(AgentEventV1Schema.safeParse({ ...envelope, query_id: 'q-1', event_type: 'planning' }).success).toBe(false);
  });

  it.each([
    ['done', true],
    ['error', true],
    ['planning', false],
    ['synthesis_chunk', false],
  ] as const)('should say whether %s ends the stream', (eventType, terminal) => {
    expect(isTerminalEvent({ event_type: eventType })).toBe(terminal);
  });
});
