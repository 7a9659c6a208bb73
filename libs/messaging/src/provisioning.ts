import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { STREAMS, StreamSpec } from '@mosaic/contracts';

export interface DurableConsumerSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  /** How long a delivered message may stay unacknowledged before redelivery. */
  ackWaitMs: number;
  /** Deliveries before the server stops redelivering. */
  maxDeliver: number;
  /** Messages outstanding across all replicas of the consumer. */
  maxAckPending: number;
}

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

function streamConfig(spec: StreamSpec) {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(spec.duplicateWindowMs),
    num_replicas: 1,
  };
}

/** True when the server's stream config already has every field the contract sets. */
function matchesContract(actual: Partial<StreamConfig>, wanted: ReturnType<typeof streamConfig>): boolean {
  const sameSubjects = [...(actual.subjects ?? [])].sort().join(' ') === [...wanted.subjects].sort().join(' ');
  return (
    sameSubjects &&
    actual.retention === wanted.retention &&
    actual.storage === wanted.storage &&
    actual.max_age === wanted.max_age &&
    actual.duplicate_window === wanted.duplicate_window &&
    actual.num_replicas === wanted.num_replicas
  );
}

const isPermissionError = (error: unknown): boolean => /permissions violation/i.test((error as Error)?.message ?? '');

/**
 * Makes one stream match the contract: creates it when missing, updates it when it
 * differs, and changes nothing (no update request) when it already matches — so a
 * service whose NATS identity may only read stream info starts against streams that
 * the admin identity provisioned.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const config = streamConfig(spec);
  try {
    try {
      const info = await jsm.streams.info(spec.name);
      if (matchesContract(info.config, config)) return;
      await jsm.streams.update(spec.name, config);
    } catch (error) {
      if (!isApiError(error, STREAM_NOT_FOUND)) throw error;
      await jsm.streams.add(config);
    }
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    throw new Error(
      `stream ${spec.name} is missing or differs from the contract, and this NATS identity may not create or change streams: ` +
        'provision them with the admin identity first (the local stack does this before it starts the services)',
      { cause: error },
    );
  }
}

export async function ensureStreams(jsm: JetStreamManager, specs: readonly StreamSpec[] = Object.values(STREAMS)): Promise<void> {
  for (const spec of specs) await ensureStream(jsm, spec);
}

/** Creates or updates a durable pull consumer shared by every replica of a service. */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const config = {
    durable_name: spec.durable,
    filter_subject: spec.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    max_ack_pending: spec.maxAckPending,
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    const { durable_name: _name, filter_subject: _filter, deliver_policy: _policy, ...updatable } = config;
    await jsm.consumers.update(spec.stream, spec.durable, { ...updatable, filter_subject: spec.filterSubject });
  } catch (error) {
    if (!isApiError(error, CONSUMER_NOT_FOUND)) throw error;
    await jsm.consumers.add(spec.stream, config);
  }
}
