import { randomUUID } from 'node:crypto';
import { jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { AUTH_QUEUE_GROUP, AUTH_SUBJECTS, QUERY_EVENTS_V1_PREFIX, SOURCE_TASK_V1_PREFIX, STREAMS } from '@mosaic/contracts';
import { connectNats, natsInboxPrefix, NatsConnection } from '@mosaic/messaging';
import { natsAdminFromEnv, natsCredentialsFromEnv, NATS_SERVICE_IDENTITIES, NatsServiceIdentity, provisionStreams } from '@mosaic/runtime';
import { requireInfraEnv } from '@mosaic/testing';

/**
 * The local stack's NATS authorization (scripts/infra.sh): one NATS user per service
 * identity. The property this proves: decrypted credentials are obtainable only by the
 * worker identity — only it may request `mosaic.auth.v1.credentials.resolve`, only auth
 * may receive that request, only the worker may read the reply, and no service may
 * create a stream (which could capture the reply).
 */
const RESOLVE = AUTH_SUBJECTS.resolveCredentials;
const NOT_WORKER = NATS_SERVICE_IDENTITIES.filter((id) => id !== 'worker');
const NOT_AUTH = NATS_SERVICE_IDENTITIES.filter((id) => id !== 'auth');

/** Walks an error's causes: true when the server refused it with a permissions violation. */
function isPermissionViolation(error: unknown): boolean {
  for (let e = error as (Error & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'PermissionViolationError' || /permissions violation/i.test(e.message)) return true;
  }
  return false;
}

/** How a request ended: `ok`, `denied` (permissions violation), or the error's message. */
async function requestOutcome(nc: NatsConnection, subject: string, payload = '{}', timeout = 2000): Promise<string> {
  try {
    await nc.request(subject, payload, { timeout });
    return 'ok';
  } catch (error) {
    return isPermissionViolation(error) ? 'denied' : (error as Error).message;
  }
}

/** `denied` when the server refuses the subscription, else `open` after a round trip. */
async function subscribeOutcome(nc: NatsConnection, subject: string, queue?: string): Promise<'denied' | 'open'> {
  const sub = nc.subscribe(subject, { queue, callback: () => undefined });
  const closed = sub.closed.then((error) => (error && isPermissionViolation(error) ? 'denied' : 'open'));
  await nc.flush();
  const outcome = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 500))]);
  if (!sub.isClosed()) sub.unsubscribe();
  return outcome;
}

describe('NATS identities and permissions (local stack)', () => {
  const infra = requireInfraEnv();
  const credentials = natsCredentialsFromEnv();
  const connections = new Map<NatsServiceIdentity, NatsConnection>();
  /** A connection as a service, exactly as the service makes it (its own inbox prefix). */
  const as = (identity: NatsServiceIdentity) => connections.get(identity)!;

  beforeAll(async () => {
    await provisionStreams(infra.NATS_URL, natsAdminFromEnv());
    for (const identity of NATS_SERVICE_IDENTITIES) {
      const { user, password } = credentials[identity];
      connections.set(identity, await connectNats({ url: infra.NATS_URL, name: `permissions-spec-${identity}`, user, pass: password }));
    }
  });

  afterAll(async () => {
    await Promise.all([...connections.values()].map((nc) => nc.close()));
  });

  describe(`${RESOLVE} (decrypted credentials)`, () => {
    it.each(NOT_WORKER)('should refuse the request when %s makes it', async (identity) => {
      expect(await requestOutcome(as(identity), RESOLVE)).toBe('denied');
    });

    it('should deliver the worker identity request to auth and its reply to the worker alone', async () => {
      // A stand-in for the auth service, connected as auth (no queue group, so a running auth
      // service elsewhere on this NATS cannot take the request away from it).
      const seen: { reply?: string; tenant?: string }[] = [];
      const marker = randomUUID();
      const responder = as('auth').subscribe(RESOLVE, {
        callback: (_error, msg) => {
          const body = msg.json<{ tenant_id?: string }>();
          if (body.tenant_id !== marker) return;
          seen.push({ reply: msg.reply, tenant: body.tenant_id });
          msg.respond(JSON.stringify({ ok: true, data: { credentials: { TOKEN: 'stand-in' } } }));
        },
      });
      await as('auth').flush();
      try {
        const reply = await as('worker').request(RESOLVE, JSON.stringify({ tenant_id: marker }), { timeout: 5000 });
        expect(reply.json()).toEqual({ ok: true, data: { credentials: { TOKEN: 'stand-in' } } });
        expect(seen).toHaveLength(1);
        expect(seen[0]!.reply?.startsWith(`${natsInboxPrefix('worker')}.`)).toBe(true);
      } finally {
        responder.unsubscribe();
      }
    });

    it('should let the worker identity make the request even when no auth service answers', async () => {
      const outcome = await requestOutcome(as('worker'), RESOLVE, JSON.stringify({ tenant_id: randomUUID() }), 500);
      expect(outcome).not.toBe('denied');
    });

    it.each(NOT_AUTH)('should refuse %s a subscription to the auth subjects', async (identity) => {
      expect(await subscribeOutcome(as(identity), 'mosaic.auth.v1.>')).toBe('denied');
      expect(await subscribeOutcome(as(identity), RESOLVE, AUTH_QUEUE_GROUP)).toBe('denied');
    });

    it.each(NOT_WORKER)("should refuse %s a subscription to the worker identity's replies", async (identity) => {
      expect(await subscribeOutcome(as(identity), `${natsInboxPrefix('worker')}.>`)).toBe('denied');
      expect(await subscribeOutcome(as(identity), '_INBOX.>')).toBe('denied');
      expect(await subscribeOutcome(as(identity), '>')).toBe('denied');
    });

    it.each(NATS_SERVICE_IDENTITIES)('should refuse %s a stream, which could capture the replies', async (identity) => {
      const jsm = await jetstreamManager(as(identity), { checkAPI: false });
      await expect(
        jsm.streams.add({ name: `CAPTURE_${randomUUID().slice(0, 8)}`, subjects: [`${natsInboxPrefix('worker')}.>`] }),
      ).rejects.toThrow(/permissions violation/i);
      await expect(
        jsm.streams.update(STREAMS.events.name, { subjects: [`${QUERY_EVENTS_V1_PREFIX}.>`, `${natsInboxPrefix('worker')}.>`] }),
      ).rejects.toThrow(/permissions violation/i);
    });
  });

  describe('what each service does', () => {
    it('should let the gateway request the other auth subjects', async () => {
      // No auth service runs here: "no responders" (or an answer) shows the request went out.
      for (const subject of [AUTH_SUBJECTS.jwks, AUTH_SUBJECTS.verifyApiKey, AUTH_SUBJECTS.login]) {
        expect(await requestOutcome(as('gateway'), subject)).toMatch(/^ok$|no responders/);
      }
    });

    it('should let every JetStream service read stream info but not change a stream', async () => {
      for (const identity of ['gateway', 'planner', 'synthesizer', 'worker'] as const) {
        const jsm = await jetstreamManager(as(identity));
        expect((await jsm.streams.info(STREAMS.tasks.name)).config.retention).toBe(RetentionPolicy.Workqueue);
        await expect(jsm.streams.purge(STREAMS.tasks.name)).rejects.toThrow(/permissions violation/i);
      }
    });

    it('should refuse publishing work that is not the service own', async () => {
      // Only the planner publishes tasks (which name the user whose credentials a worker resolves).
      for (const identity of ['gateway', 'synthesizer', 'worker', 'auth'] as const) {
        expect(await requestOutcome(as(identity), `${SOURCE_TASK_V1_PREFIX}.postgres`)).toBe('denied');
      }
      // Only the gateway publishes queries.
      for (const identity of ['planner', 'synthesizer', 'worker', 'auth'] as const) {
        expect(await requestOutcome(as(identity), 'mosaic.query.requested.v1')).toBe('denied');
      }
    });
  });

  describe('connecting', () => {
    it('should refuse a wrong password', async () => {
      await expect(connect({ servers: infra.NATS_URL, user: 'worker', pass: 'not-the-password', reconnect: false })).rejects.toThrow(
        /authorization violation/i,
      );
    });

    it('should refuse a connection without credentials', async () => {
      await expect(connect({ servers: infra.NATS_URL, reconnect: false })).rejects.toThrow(/authorization violation/i);
    });

    it("should refuse one identity's password for another", async () => {
      await expect(connect({ servers: infra.NATS_URL, user: 'worker', pass: credentials.gateway.password, reconnect: false })).rejects.toThrow(
        /authorization violation/i,
      );
    });
  });
});
