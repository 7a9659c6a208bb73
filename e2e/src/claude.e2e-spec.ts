import path from 'node:path';
import { AgentEventV1, MultiSourceResponse } from '@mosaic/contracts';
import { repoRoot } from '@mosaic/connectors';
import { sampleDocsRoot } from '@mosaic/runtime';
import { FAKE_ANTHROPIC_API_KEY, FakeAnthropic, FakeReply, startFakeAnthropic, streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack, TestUser } from './support/test-stack';

jest.setTimeout(60_000);

type Done = Extract<AgentEventV1, { event_type: 'done' }>;

const REFUND_POLICY = path.join(sampleDocsRoot(repoRoot()), 'policies', 'refund-policy.md');

/**
 * Claude in the loop, end to end: every service talks to a local server that speaks the
 * Anthropic Messages API (JSON and SSE), scripted per test, through the real SDK. The planner
 * plans by tool use, the files worker runs a tool loop against the real filesystem MCP server,
 * and the synthesizer streams a cited answer with thinking.
 */
describe('Claude provider (end to end)', () => {
  let sut: TestStack;
  let claude: FakeAnthropic;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    sut = await startTestStack({
      name: 'claude',
      sources: ['files', 'postgres'],
      env: {
        ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY,
        ANTHROPIC_BASE_URL: claude.url,
        ANTHROPIC_THINKING_BUDGET: '1024',
        LLM_TOKEN_BUDGET_DAILY: '100000',
        RATE_LIMIT_PER_MINUTE: '10000',
      },
    });
  });

  afterEach(() => claude.reset());

  afterAll(async () => {
    await sut?.stop();
    await claude?.close();
  });

  const ask = async (user: TestUser, body: Record<string, unknown>) => {
    const { status, events } = await streamQuery(sut.url, body, undefined, user.auth);
    const done = events.map((e) => e.event).find((e): e is Done => e.event_type === 'done');
    return { status, events: events.map((e) => e.event), result: done?.result as MultiSourceResponse };
  };

  const planFiles: FakeReply = {
    kind: 'message',
    content: [
      {
        type: 'tool_use',
        name: 'select_sources',
        input: { sources: [{ source: 'files', confidence: 0.92, reasoning: 'Policies are documents in the shared folder.' }], reasoning: 'A policy question.' },
      },
    ],
  };

  it('should plan, call tools and stream a cited answer with thinking through the model', async () => {
    claude.enqueue(
      planFiles,
      // The files worker's fast tier: one round of tool calls, then its summary.
      { kind: 'message', content: [{ type: 'tool_use', name: 'read_text_file', input: { path: REFUND_POLICY } }] },
      { kind: 'message', content: [{ type: 'text', text: 'The refund policy covers monthly and annual plans.' }] },
      {
        kind: 'message',
        content: [
          { type: 'thinking', thinking: 'The policy document is item 1.', chunks: ['The policy ', 'document is item 1.'] },
          { type: 'text', text: 'Refunds follow the Refund Policy owned by Finance [1]. Invented claims cite nothing [99].', chunks: ['Refunds follow the Refund ', 'Policy owned by Finance [1]. ', 'Invented claims cite nothing [99].'] },
        ],
      },
    );
    const user = await sut.newUser('claude');
    const { events, result } = await ask(user, { query: 'What is our refund policy?', sources: ['files'] });

    expect(result.plan).toMatchObject({ reasoning: 'A policy question.', sources: [{ source: 'files', confidence: 0.92 }] });
    expect(events.find((e) => e.event_type === 'plan_complete')).toMatchObject({ reasoning: 'A policy question.' });
    expect(events.map((e) => e.event_type)).toEqual(expect.arrayContaining(['thinking_start', 'thinking', 'thinking_end', 'synthesis_chunk']));
    expect(result.successful_sources).toEqual(['files']);
    expect(result.source_results[0]!.tool_calls.map((c) => c.tool)).toEqual(['read_text_file']);

    // Every marker in the answer maps to a citation whose excerpt is in the cited item; [99] was dropped.
    expect(result.response).toContain('[1]');
    expect(result.response).not.toContain('[99]');
    const items = result.source_results.flatMap((r) => r.items.map((i) => ({ ...i, source: r.source })));
    expect(result.citations.length).toBeGreaterThan(0);
    for (const citation of result.citations) {
      const item = items.find((i) => i.source === citation.source && i.id === citation.item);
      expect(item?.content).toContain(citation.excerpt.replace(/…$/, '').slice(0, 40));
    }

    // What the model saw: the tool result only inside the untrusted fence, the right model per role.
    const models = claude.accepted().map((r) => r.body.model);
    expect(models).toEqual(['claude-haiku-4-5', 'claude-haiku-4-5', 'claude-haiku-4-5', 'claude-sonnet-4-6']);
    const toolTurn = JSON.stringify(claude.accepted()[2]!.body.messages);
    expect(toolTurn).toMatch(/<untrusted-tool-result[^>]*read_text_file/);
    expect(result.usage?.by_model).toEqual(
      expect.objectContaining({ 'claude-haiku-4-5': expect.any(Object), 'claude-sonnet-4-6': expect.any(Object) }),
    );
    expect(result.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('should answer from the local provider, saying why, when the model is overloaded', async () => {
    const overloaded: FakeReply = { kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after': '0' } };
    claude.enqueue(...Array.from({ length: 24 }, () => overloaded));
    const user = await sut.newUser('overloaded');
    const { result } = await ask(user, { query: 'What is our refund policy?', sources: ['files'] });
    expect(result.plan.reasoning).toMatch(/^Planned by keyword because the model is overloaded\./);
    expect(result.successful_sources).toEqual(['files']);
    expect(result.response).toMatch(/^_Quoted from the sources without the model, because the model is overloaded\._/);
    expect(result.citations.some((c) => c.item.startsWith('policies/refund-policy.md'))).toBe(true);
    // Retried (3 attempts per call), then gave up: never more than the retry budget.
    expect(claude.accepted().length).toBeLessThanOrEqual(9);
  });

  it('should never retry a spend-limit 429, and tell the client', async () => {
    const spent: FakeReply = { kind: 'error', status: 429, type: 'rate_limit_error', message: 'You have reached your spend limit.', errorCode: 'enforced_spend_limit_reached' };
    claude.enqueue(spent, spent, spent);
    const user = await sut.newUser('spent');
    const { result } = await ask(user, { query: 'What is our refund policy?', sources: ['files'] });
    expect(result.plan.reasoning).toMatch(/spend limit is reached/);
    expect(result.response).toMatch(/spend limit is reached/);
    // Plan, fast tool loop and synthesis: one request each, no retries.
    expect(claude.accepted()).toHaveLength(3);
  });

  it('should refuse new queries once the tenant used its daily token budget', async () => {
    const user = await sut.newUser('budget');
    const big: FakeReply = {
      kind: 'message',
      content: [{ type: 'tool_use', name: 'select_sources', input: { sources: [{ source: 'files', confidence: 0.9, reasoning: 'docs' }], reasoning: 'docs' } }],
      usage: { input_tokens: 150_000, output_tokens: 10 },
    };
    claude.enqueue(big, { kind: 'message', content: [{ type: 'text', text: 'nothing to call' }] }, { kind: 'message', content: [{ type: 'text', text: 'still nothing' }] }, { kind: 'message', content: [{ type: 'text', text: 'No answer.' }] });
    const first = await ask(user, { query: 'What is our refund policy?', sources: ['files'] });
    expect(first.result.usage!.input_tokens).toBeGreaterThanOrEqual(150_000);
    const refused = await fetch(`${sut.url}/api/agent/query`, {
      method: 'POST',
      headers: { ...user.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'and again?' }),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('token_budget_exceeded');
    // Another tenant is not affected.
    const other = await sut.newUser('budget-other');
    claude.enqueue(planFiles);
    const detect = await fetch(`${sut.url}/api/agent/detect-sources`, {
      method: 'POST',
      headers: { ...other.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'What is our refund policy?' }),
    });
    expect(detect.status).toBe(200);
    expect(await detect.json()).toMatchObject({ relevant_sources: [{ source: 'files', confidence: 0.92 }], provider: 'anthropic' });
  });
});
