import { z } from 'zod';
import { AgentPlanSchema, MultiSourceResponseSchema, PlannedSourceSchema, QueryKindSchema, SourceIdSchema } from './query';

/**
 * Agent stream events (`mosaic.events.v1.<query_id>`), kept compatible with the
 * seed's API reference: every event has `event_type`; extra fields are additive.
 */
const base = { query_id: z.string().uuid(), ts: z.number().int().positive() };

/** A connector circuit breaker's state (per connector and credential set). */
export const BreakerStateSchema = z.enum(['closed', 'half_open', 'open']);
export type BreakerState = z.infer<typeof BreakerStateSchema>;

export const AgentEventV1Schema = z.discriminatedUnion('event_type', [
  /**
   * Internal, never sent to clients: the first event of every query, written by the gateway, so
   * the stream itself says whose query it is (ownership of replays) and what was asked (history).
   */
  z.object({
    ...base,
    event_type: z.literal('query_accepted'),
    kind: QueryKindSchema,
    question: z.string(),
    tenant_id: z.string().uuid(),
    user_id: z.string().uuid(),
    sources: z.array(SourceIdSchema).optional(),
    conversation_id: z.string().uuid().optional(),
    datasource: SourceIdSchema.optional(),
  }),
  z.object({ ...base, event_type: z.literal('planning') }),
  z.object({
    ...base,
    event_type: z.literal('plan_complete'),
    sources: z.array(PlannedSourceSchema),
    reasoning: z.string(),
  }),
  z.object({ ...base, event_type: z.literal('source_start'), source: SourceIdSchema }),
  z.object({
    ...base,
    event_type: z.literal('tool_start'),
    source: SourceIdSchema,
    tool: z.string(),
  }),
  z.object({
    ...base,
    event_type: z.literal('tool_end'),
    source: SourceIdSchema,
    tool: z.string(),
    success: z.boolean(),
    duration_ms: z.number().nonnegative(),
    /** True when the result came from the worker's cache instead of the server (absent otherwise). */
    cached: z.boolean().optional(),
  }),
  z.object({
    ...base,
    event_type: z.literal('source_complete'),
    source: SourceIdSchema,
    success: z.boolean(),
    error: z.string().optional(),
    items: z.number().int().nonnegative(),
    duration_ms: z.number().nonnegative(),
    /** The source's circuit breaker after the task: `open` means later tasks fail fast until a probe succeeds. */
    breaker: BreakerStateSchema.optional(),
  }),
  z.object({ ...base, event_type: z.literal('synthesizing') }),
  /** Extended thinking of the synthesis model, when enabled (seed §10: `thinking {content}`). */
  z.object({ ...base, event_type: z.literal('thinking_start') }),
  z.object({ ...base, event_type: z.literal('thinking'), content: z.string() }),
  z.object({ ...base, event_type: z.literal('thinking_end') }),
  z.object({ ...base, event_type: z.literal('synthesis_chunk'), chunk: z.string() }),
  z.object({ ...base, event_type: z.literal('done'), result: MultiSourceResponseSchema }),
  z.object({ ...base, event_type: z.literal('error'), error: z.string(), code: z.string() }),
]);
export type AgentEventV1 = z.infer<typeof AgentEventV1Schema>;
export type AgentEventType = AgentEventV1['event_type'];
/** An event as a producer writes it: the envelope fields are filled in on publish. */
export type AgentEventInput = AgentEventV1 extends infer E
  ? E extends AgentEventV1
    ? Omit<E, 'query_id' | 'ts'>
    : never
  : never;

/** Events only services read; the gateway never streams them to a client. */
export const INTERNAL_EVENT_TYPES: readonly AgentEventType[] = ['query_accepted'];
export const isInternalEvent = (event: Pick<AgentEventV1, 'event_type'>): boolean => INTERNAL_EVENT_TYPES.includes(event.event_type);

export const TERMINAL_EVENT_TYPES: readonly AgentEventType[] = ['done', 'error'];
export const isTerminalEvent = (event: Pick<AgentEventV1, 'event_type'>): boolean =>
  TERMINAL_EVENT_TYPES.includes(event.event_type);

export { AgentPlanSchema };
