import { AgentEventV1, MultiSourceResponse } from '@mosaic/contracts';
import { streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack } from './support/test-stack';

jest.setTimeout(60_000);

type Done = Extract<AgentEventV1, { event_type: 'done' }>;

/**
 * SIGTERM on a connector worker mid-task (a rolling update, a scale-in): the replica finishes
 * what it holds within its drain time, or hands it back so another replica starts it at once
 * instead of after the ack wait. Either way the client receives exactly one `done`.
 */
describe('worker SIGTERM drain (end to end)', () => {
  describe('when the in-flight task fits in the drain time', () => {
    let sut: TestStack;

    beforeAll(async () => {
      sut = await startTestStack({ name: 'drain-finish', sources: ['echo'], env: { DRAIN_TIMEOUT_MS: '15000' } });
    });

    afterAll(async () => {
      await sut?.stop();
    });

    it('should finish the task before it exits', async () => {
      const worker = sut.launches.find((l) => l.name === 'worker-echo-1')!;
      let exit: Promise<number | null> | undefined;
      const { events } = await streamQuery(sut.url, { query: 'a slow echo', sources: ['echo'] }, async ({ event }) => {
        if (event.event_type === 'tool_start' && !exit) exit = sut.stack.kill(worker.name, 'SIGTERM');
      }, sut.auth);
      // No other replica exists: a successful answer means the stopping worker finished it.
      await exit;
      const done = events.filter((e) => e.event.event_type === 'done');
      expect(done).toHaveLength(1);
      const result: MultiSourceResponse = (done[0]!.event as Done).result;
      expect(result.successful_sources).toEqual(['echo']);
      expect(result.source_results[0]!.items[0]!.content).toBe('slept 3000 ms');
    });
  });

  describe('when the drain time runs out', () => {
    let sut: TestStack;

    beforeAll(async () => {
      // An ack wait longer than the deadline: only an explicit hand-back can save the query.
      sut = await startTestStack({
        name: 'drain-hand-back',
        sources: ['echo'],
        env: { DRAIN_TIMEOUT_MS: '300', WORKER_ACK_WAIT_MS: '60000', QUERY_DEADLINE_MS: '20000' },
      });
    });

    afterAll(async () => {
      await sut?.stop();
    });

    it('should hand the task back so another replica answers it, with one done and one source_complete', async () => {
      const worker = sut.launches.find((l) => l.name === 'worker-echo-1')!;
      let handedOver = false;
      const { events } = await streamQuery(sut.url, { query: 'a slow echo', sources: ['echo'] }, async ({ event }) => {
        if (event.event_type === 'tool_start' && !handedOver) {
          handedOver = true;
          await sut.stack.start({ ...worker, name: 'worker-echo-2' });
          await sut.stack.kill(worker.name, 'SIGTERM');
        }
      }, sut.auth);
      expect(handedOver).toBe(true);
      const done = events.filter((e) => e.event.event_type === 'done');
      expect(done).toHaveLength(1);
      expect(events.filter((e) => e.event.event_type === 'error')).toHaveLength(0);
      expect(events.filter((e) => e.event.event_type === 'source_complete')).toHaveLength(1);
      const result: MultiSourceResponse = (done[0]!.event as Done).result;
      expect(result.successful_sources).toEqual(['echo']);
      expect(result.source_results[0]!.items[0]!.content).toBe('slept 3000 ms');
    });
  });
});
