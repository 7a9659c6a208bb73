/**
 * NATS subjects and JetStream streams. Names are part of the wire contract:
 * never rename or change one in place; a breaking change gets a new `.v2` subject.
 */

/** Durable work: a query accepted by the gateway, consumed by the planner. */
export const QUERY_REQUESTED_V1 = 'mosaic.query.requested.v1';
/** Durable work: the plan of a query, consumed by the synthesizer (it owns the deadline). */
export const QUERY_PLANNED_V1 = 'mosaic.query.planned.v1';
/** Durable work: one task per (query, source), consumed by that connector's workers. */
export const SOURCE_TASK_V1_PREFIX = 'mosaic.task.v1';
/** Durable work: one result per (query, source), consumed by the synthesizer. */
export const SOURCE_RESULT_V1 = 'mosaic.result.v1';
/** Client-visible events of one query, kept for replay (Last-Event-ID). */
export const QUERY_EVENTS_V1_PREFIX = 'mosaic.events.v1';

export const sourceTaskSubject = (connector: string): string => `${SOURCE_TASK_V1_PREFIX}.${connector}`;
export const queryEventsSubject = (queryId: string): string => `${QUERY_EVENTS_V1_PREFIX}.${queryId}`;

export type StreamRetention = 'workqueue' | 'limits';

export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly retention: StreamRetention;
  /** Maximum age of a message, in milliseconds. */
  readonly maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped, in milliseconds. */
  readonly duplicateWindowMs: number;
}

const HOUR = 60 * 60 * 1000;

/** Streams are provisioned (created or updated) by every service at start-up. */
export const STREAMS = {
  queries: {
    name: 'MOSAIC_QUERIES_V1',
    subjects: [QUERY_REQUESTED_V1, QUERY_PLANNED_V1],
    retention: 'workqueue',
    maxAgeMs: 24 * HOUR,
    duplicateWindowMs: 2 * 60 * 1000,
  },
  tasks: {
    name: 'MOSAIC_TASKS_V1',
    subjects: [`${SOURCE_TASK_V1_PREFIX}.>`],
    retention: 'workqueue',
    maxAgeMs: 24 * HOUR,
    duplicateWindowMs: 2 * 60 * 1000,
  },
  results: {
    name: 'MOSAIC_RESULTS_V1',
    subjects: [SOURCE_RESULT_V1],
    retention: 'workqueue',
    maxAgeMs: 24 * HOUR,
    duplicateWindowMs: 2 * 60 * 1000,
  },
  events: {
    name: 'MOSAIC_EVENTS_V1',
    subjects: [`${QUERY_EVENTS_V1_PREFIX}.>`],
    retention: 'limits',
    maxAgeMs: 24 * HOUR,
    duplicateWindowMs: 2 * 60 * 1000,
  },
} as const satisfies Record<string, StreamSpec>;

/** Durable consumer names (shared by every replica of a service). */
export const CONSUMERS = {
  planner: 'planner',
  synthesizerPlans: 'synthesizer-plans',
  synthesizerResults: 'synthesizer-results',
  connectorWorker: (connector: string): string => `connector-${connector}`,
} as const;

/** Request/reply: check the caller's credentials for a connector with one cheap real call. */
export const connectorTestSubject = (connector: string): string => `mosaic.connector.v1.${connector}.test`;
