import { FakeAnthropic, startFakeAnthropic } from './fake-anthropic.server';

// The fake is only as good as its likeness to the real API; these pin the parts a client relies on.
describe(startFakeAnthropic.name, () => {
  let sut: FakeAnthropic;

  beforeAll(async () => {
    sut = await startFakeAnthropic();
  });

  afterAll(async () => {
    await sut.close();
  });

  beforeEach(() => sut.reset());

  const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': sut.apiKey }) =>
    fetch(`${sut.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
  const hello = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

  it('should answer with a Message when the x-api-key is right', async () => {
    sut.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Hello!' }], usage: { input_tokens: 5, output_tokens: 2 } });

    const response = await post(hello);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });

  it('should accept the key as a bearer token when the SDK sends it that way', async () => {
    sut.enqueue({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });

    expect((await post(hello, { authorization: `Bearer ${sut.apiKey}` })).status).toBe(200);
  });

  it('should answer 401 in the error envelope without using a scripted reply when the key is wrong', async () => {
    sut.enqueue({ kind: 'message', content: [{ type: 'text', text: 'unused' }] });

    const response = await post(hello, { 'x-api-key': 'sk-ant-wrong' });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(sut.pending()).toBe(1);
    sut.reset();
  });

  it('should reject a tool_use that is not answered by a tool_result when the next turn omits it', async () => {
    const response = await post({
      ...hello,
      messages: [
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'search', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'go on' }] },
      ],
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('toolu_1') } });
  });

  it('should send a scripted error with its headers and error code when one is queued', async () => {
    sut.enqueue({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'slow down', errorCode: 'ramp_limit_exceeded', headers: { 'retry-after': '3' } });

    const response = await post(hello);

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down', details: { error_code: 'ramp_limit_exceeded' } } });
  });

  it('should stream the real event sequence when the request asks for a stream', async () => {
    sut.enqueue({
      kind: 'message',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Hi there', chunks: ['Hi ', 'there'] },
        { type: 'tool_use', name: 'search', input: { q: 'x' }, id: 'toolu_9' },
      ],
    });

    const response = await post({ ...hello, stream: true });
    const events = (await response.text())
      .trim()
      .split('\n\n')
      .map((block) => JSON.parse(block.split('\n')[1]!.slice('data: '.length)) as { type: string; delta?: { type: string } });

    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(events.map((e) => (e.delta && e.type === 'content_block_delta' ? e.delta.type : e.type))).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'thinking_delta',
      'signature_delta',
      'content_block_stop',
      'content_block_start',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'content_block_start',
      // As the real API does, the first one is empty.
      'input_json_delta',
      'input_json_delta',
      'input_json_delta',
      'input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
    expect(sut.requests[0]).toMatchObject({ stream: true, status: 200, body: { model: 'claude-haiku-4-5' } });
  });
});
