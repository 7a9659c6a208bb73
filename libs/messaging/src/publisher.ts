import { jetstream, JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { PayloadOf, SUBJECT_SCHEMAS, SubjectFamily, subjectFamily } from '@mosaic/contracts';
import { injectTraceContext, queryIdOf, SpanKind, withSpan } from '@mosaic/observability';

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
    const body = JSON.stringify(data);
    const queryId = queryIdOf(data);
    // Named by the subject family: a subject can hold a query id, a span name must not.
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': subject,
      'messaging.destination.template': family,
      'messaging.message.id': msgId,
      'messaging.message.body.size': Buffer.byteLength(body),
      ...(queryId ? { 'mosaic.query_id': queryId } : {}),
    };
    return withSpan(`publish ${family}`, SpanKind.PRODUCER, attributes, async (span) => {
      const hdrs = headers();
      injectTraceContext(hdrs);
      const ack = await this.js.publish(subject, body, { msgID: msgId, headers: hdrs, retries: 3 });
      span.setAttributes({ 'messaging.nats.stream': ack.stream, 'messaging.nats.duplicate': ack.duplicate });
      return ack;
    });
  }
}
