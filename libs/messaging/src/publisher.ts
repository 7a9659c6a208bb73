import { jetstream, JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { PayloadOf, SUBJECT_SCHEMAS, SubjectFamily, subjectFamily } from '@mosaic/contracts';
import { injectTraceContext, SpanKind, withSpan } from '@mosaic/observability';

/**
 * Typed durable publishing: the payload type follows from the subject family, the
 * payload is checked against its schema before it leaves, every message carries a
 * `Nats-Msg-Id` (so a retried publish is dropped by the stream) and trace context.
 */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;

  constructor(connection: NatsConnection) {
    this.js = jetstream(connection, { timeout: 5000 });
  }

  async publish<F extends SubjectFamily>(family: F, subject: string, payload: PayloadOf<F>, msgId: string): Promise<PubAck> {
    if (subjectFamily(subject) !== family) {
      throw new Error(`subject ${subject} does not belong to ${family}`);
    }
    const data = SUBJECT_SCHEMAS[family].parse(payload);
    return withSpan(`publish ${family}`, SpanKind.PRODUCER, { 'messaging.system': 'nats', 'messaging.destination.name': subject }, async () => {
      const hdrs = headers();
      injectTraceContext(hdrs);
      return this.js.publish(subject, JSON.stringify(data), { msgID: msgId, headers: hdrs, retries: 3 });
    });
  }
}
