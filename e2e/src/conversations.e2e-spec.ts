import { AgentEventV1, ConversationSummary, ConversationView, QueryRunView } from '@mosaic/contracts';
import { streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack, TestUser } from './support/test-stack';

jest.setTimeout(90_000);

interface ChatReply {
  response: string;
  session_id: string;
  query_id: string;
  citations: Array<{ item: string }>;
}

/** Reads an SSE response to the end: `[id, data]` per event. */
async function readSse(response: Response): Promise<Array<{ id?: number; data: Record<string, unknown> }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => {
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return data ? { ...(id ? { id: Number(id) } : {}), data: JSON.parse(data) as Record<string, unknown> } : undefined;
    })
    .filter((e): e is { id?: number; data: Record<string, unknown> } => e !== undefined);
}

/**
 * Conversations and query history, end to end: chat turns with their session's history as
 * context, history read back (and isolated per user), and resumable event streams, also across
 * a gateway restart and with the history writer down while the answer was given.
 */
describe('Conversations, history and resumable streams (end to end)', () => {
  let sut: TestStack;
  let alice: TestUser;
  let mallory: TestUser;

  beforeAll(async () => {
    sut = await startTestStack({ name: 'conversations', sources: ['files', 'postgres'], env: { RATE_LIMIT_PER_MINUTE: '10000' } });
    alice = await sut.newUser('alice');
    mallory = await sut.newUser('mallory');
  });

  afterAll(async () => {
    await sut?.stop();
  });

  const call = (user: TestUser, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sut.url}${path}`, {
      method,
      headers: { ...user.auth, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const chat = async (user: TestUser, body: Record<string, unknown>) => {
    const response = await call(user, 'POST', '/api/chat/message', body);
    expect(response.status).toBe(200);
    return (await response.json()) as ChatReply;
  };

  let sessionId: string;

  it('should keep a chat session: later turns get the earlier ones as context, and history reads back in order', async () => {
    const first = await chat(alice, { message: 'What is our refund policy?', datasource: 'files' });
    expect(first.citations.some((c) => c.item.startsWith('policies/refund-policy.md'))).toBe(true);
    sessionId = first.session_id;

    // A follow-up that names nothing on its own: the session's first question supplies the topic.
    const second = await chat(alice, { message: 'And what about annual plans?', datasource: 'files', session_id: sessionId });
    expect(second.session_id).toBe(sessionId);
    expect(second.citations.some((c) => c.item.startsWith('policies/refund-policy.md'))).toBe(true);

    const conversations = (await (await call(alice, 'GET', '/api/conversations')).json()) as ConversationSummary[];
    expect(conversations.find((c) => c.id === sessionId)).toMatchObject({ datasource: 'files', title: 'What is our refund policy?' });
    const conversation = (await (await call(alice, 'GET', `/api/conversations/${sessionId}`)).json()) as ConversationView;
    expect(conversation.messages.map((m) => [m.role, m.role === 'user' ? m.content : m.content.length > 0])).toEqual([
      ['user', 'What is our refund policy?'],
      ['assistant', true],
      ['user', 'And what about annual plans?'],
      ['assistant', true],
    ]);
    expect(conversation.messages[1]!.content).toBe(first.response);

    const runs = (await (await call(alice, 'GET', '/api/queries')).json()) as QueryRunView[];
    const run = runs.find((r) => r.id === second.query_id)!;
    expect(run).toMatchObject({ kind: 'chat', conversation_id: sessionId, status: 'done', question: 'And what about annual plans?' });
    expect(run.sources).toEqual([expect.objectContaining({ source: 'files', success: true, duration_ms: expect.any(Number) })]);
    expect(run.duration_ms).toEqual(expect.any(Number));
    expect(await (await call(alice, 'GET', `/api/queries/${first.query_id}`)).json()).toMatchObject({ id: first.query_id, response: first.response });
  });

  it('should stream a chat turn as session_id, chunks, tools and done', async () => {
    const response = await call(alice, 'POST', '/api/chat/message/stream', { message: 'Which customers have open urgent tickets?', datasource: 'postgres' });
    const events = await readSse(response);
    const types = events.map((e) => e.data['type']);
    expect(types[0]).toBe('session_id');
    expect(types).toEqual(expect.arrayContaining(['tool_start', 'tool_end', 'chunk']));
    expect(types.at(-1)).toBe('done');
    expect(types.filter((t) => t === 'done')).toHaveLength(1);
  });

  it('should answer 404 for another user\'s conversation, query and events, on every endpoint', async () => {
    const listed = await call(alice, 'GET', '/api/queries');
    const runs = (await listed.json()) as QueryRunView[];
    expect({ status: listed.status, count: runs.length > 0 }).toEqual({ status: 200, count: true });
    const queryId = runs[0]!.id;
    for (const [method, path] of [
      ['GET', `/api/conversations/${sessionId}`],
      ['DELETE', `/api/conversations/${sessionId}`],
      ['GET', `/api/queries/${queryId}`],
      ['GET', `/api/queries/${queryId}/events`],
      ['GET', '/api/conversations/not-a-uuid'],
    ] as const) {
      expect({ method, path, status: (await call(mallory, method, path)).status }).toEqual({ method, path, status: 404 });
    }
    const hijack = await call(mallory, 'POST', '/api/chat/message', { message: 'tell me more', datasource: 'files', session_id: sessionId });
    expect(hijack.status).toBe(404);
    expect(await (await call(mallory, 'GET', '/api/conversations')).json()).toEqual([]);
    expect(await (await call(mallory, 'GET', '/api/queries')).json()).toEqual([]);
  });

  it('should deliver every missed event exactly once, in order, when a client reconnects with Last-Event-ID', async () => {
    const { events } = await streamQuery(sut.url, { query: 'Which customers have open urgent support tickets, and what does our escalation runbook say to do?' }, undefined, alice.auth);
    const queryId = events[0]!.event.query_id;
    // The client dropped right after the plan; it reconnects with the last id it saw.
    const cut = events.findIndex((e) => e.event.event_type === 'plan_complete');
    const seen = events.slice(0, cut + 1);
    const resumed = await readSse(await call(alice, 'GET', `/api/queries/${queryId}/events`, undefined, { 'last-event-id': String(seen.at(-1)!.id) }));
    expect([...seen.map((e) => e.id), ...resumed.map((e) => e.id)]).toEqual(events.map((e) => e.id));
    expect(resumed.map((e) => e.data['event_type'])).toEqual(events.slice(cut + 1).map((e) => e.event.event_type));
    // Every event has an id, and the internal first event never reaches a client.
    expect(events.every((e) => typeof e.id === 'number')).toBe(true);
    const replay = await readSse(await call(alice, 'GET', `/api/queries/${queryId}/events`));
    expect(replay.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(replay.some((e) => e.data['event_type'] === 'query_accepted')).toBe(false);
    expect((await call(alice, 'GET', `/api/queries/${queryId}/events`, undefined, { 'last-event-id': 'abc' })).status).toBe(400);
  });

  it('should resume from another gateway instance after the one the client was on died mid-stream', async () => {
    const gateway = sut.launches.find((l) => l.name === 'gateway')!;
    const seen: Array<{ seq?: number; event: AgentEventV1 }> = [];
    let queryId = '';
    let killed = false;
    await streamQuery(sut.url, { query: 'What is our refund policy, and which orders were refunded?' }, async (received) => {
      queryId = received.event.query_id;
      seen.push({ seq: received.id, event: received.event });
      if (received.event.event_type === 'planning' && !killed) {
        killed = true;
        await sut.stack.kill(gateway.name, 'SIGKILL');
      }
    }, alice.auth).catch(() => undefined);
    expect(killed).toBe(true);
    await sut.stack.start(gateway);
    const last = seen.filter((s) => s.seq !== undefined).at(-1)!.seq!;
    const rest = await readSse(await call(alice, 'GET', `/api/queries/${queryId}/events`, undefined, { 'last-event-id': String(last) }));
    const ids = [...seen.map((s) => s.seq), ...rest.map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(rest.at(-1)!.data['event_type']).toBe('done');
  });

  it('should keep an answer the client received even when the history writer was down while it was given', async () => {
    const auth = sut.launches.find((l) => l.name === 'auth')!;
    await sut.stack.kill(auth.name, 'SIGKILL');
    // Sessions are verified by the gateway alone, so the query runs with auth down.
    const { events } = await streamQuery(sut.url, { query: 'What is our data retention policy?', sources: ['files'] }, undefined, alice.auth);
    const done = events.find((e) => e.event.event_type === 'done')!;
    await sut.stack.start(auth);
    const run = (await (await call(alice, 'GET', `/api/queries/${done.event.query_id}`)).json()) as QueryRunView;
    expect(run).toMatchObject({ status: 'done', question: 'What is our data retention policy?' });
    expect(run.response).toBe((done.event as Extract<AgentEventV1, { event_type: 'done' }>).result.response);
  });

  it('should delete a conversation with its messages and runs', async () => {
    expect((await call(alice, 'DELETE', `/api/conversations/${sessionId}`)).status).toBe(200);
    expect((await call(alice, 'GET', `/api/conversations/${sessionId}`)).status).toBe(404);
    const runs = (await (await call(alice, 'GET', '/api/queries')).json()) as QueryRunView[];
    expect(runs.some((r) => r.conversation_id === sessionId)).toBe(false);
  });

  it('should reject bad chat input with a clear error and record nothing', async () => {
    for (const body of [{ message: '', datasource: 'files' }, { message: 'x', datasource: 'nope' }, { message: 'x', datasource: 'files', session_id: 'abc' }, { message: 'x' }]) {
      const response = await call(alice, 'POST', '/api/chat/message', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/validation_error|unknown_source/);
    }
  });
});
