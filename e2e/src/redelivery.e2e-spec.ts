import { AgentEventV1, MultiSourceResponse } from '@mosaic/contracts';
import { streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack } from './support/test-stack';

jest.setTimeout(60_000);

describe('worker crash (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({
      name: 'redelivery',
      sources: ['echo'],
      env: { QUERY_DEADLINE_MS: '30000', WORKER_ACK_WAIT_MS: '2000' },
    });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it('should redeliver the task to another worker and deliver one done when a worker is SIGKILLed mid-task', async () => {
    const worker = sut.launches.find((l) => l.name === 'worker-echo-1')!;
    let killed = false;
    const { events } = await streamQuery(sut.url, { query: 'a slow echo', sources: ['echo'] }, async ({ event }) => {
      if (event.event_type === 'tool_start' && !killed) {
        killed = true;
        // The only echo worker dies mid-call; a new replica takes over the same consumer.
        await sut.stack.kill(worker.name, 'SIGKILL');
        await sut.stack.start({ ...worker, name: 'worker-echo-2' });
      }
    }, sut.auth);
    expect(killed).toBe(true);
    const done = events.filter((e) => e.event.event_type === 'done');
    expect(done).toHaveLength(1);
    expect(events.filter((e) => e.event.event_type === 'error')).toHaveLength(0);
    const result: MultiSourceResponse = (done[0]!.event as Extract<AgentEventV1, { event_type: 'done' }>).result;
    expect(result.successful_sources).toEqual(['echo']);
    expect(result.source_results[0]!.items[0]!.content).toBe('slept 3000 ms');
    expect(events.filter((e) => e.event.event_type === 'source_complete')).toHaveLength(1);
  });
});
