import { z } from 'zod';

/** Identifier of a connector in the catalog: lowercase, digits, `_` and `-`. */
export const SourceIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'source ids are lowercase letters, digits, "_" and "-"');
export type SourceId = z.infer<typeof SourceIdSchema>;

export const QueryIdSchema = z.string().uuid();

export const PlannedSourceSchema = z.object({
  source: SourceIdSchema,
  confidence: z.number().min(0).max(1),
  reasoning: z.string(),
});
export type PlannedSource = z.infer<typeof PlannedSourceSchema>;

export const AgentPlanSchema = z.object({
  sources: z.array(PlannedSourceSchema),
  reasoning: z.string(),
});
export type AgentPlan = z.infer<typeof AgentPlanSchema>;

/** A source the planner may pick that is not in the connector catalog (a tenant's registered MCP server). */
export const RegisteredSourceSchema = z.object({
  id: SourceIdSchema,
  name: z.string().max(100),
  description: z.string().max(2000),
  keywords: z.array(z.string().max(64)).max(200),
});
export type RegisteredSource = z.infer<typeof RegisteredSourceSchema>;

/** Tokens one model call used. */
export const TokenUsageSchema = z.object({
  model: z.string().max(128),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_input_tokens: z.number().int().nonnegative().default(0),
  cache_creation_input_tokens: z.number().int().nonnegative().default(0),
});
export type TokenUsageV1 = z.infer<typeof TokenUsageSchema>;

/** What kind of run a query is: a multi-source question, a chat turn with one source, or the digest. */
export const QueryKindSchema = z.enum(['agent', 'chat', 'digest']);
export type QueryKind = z.infer<typeof QueryKindSchema>;

/** An earlier turn of a chat session, given as context to the next. */
export const ChatTurnSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(20_000) });
export type ChatTurn = z.infer<typeof ChatTurnSchema>;

/** The digest's window: what changed since the user's previous login. */
export const DigestWindowSchema = z.object({
  since: z.string().datetime({ offset: true }),
  until: z.string().datetime({ offset: true }),
  /** IANA zone that says what "today" is for the user. */
  time_zone: z.string().max(64).optional(),
  /** For sources whose credentials do not say who the user is. */
  user_email: z.string().max(254).optional(),
});
export type DigestWindowV1 = z.infer<typeof DigestWindowSchema>;

/** `mosaic.query.requested.v1`: published by the gateway once per accepted query. */
export const QueryRequestedV1Schema = z.object({
  query_id: QueryIdSchema,
  query: z.string().min(1),
  /** When set, the plan is restricted to these sources. */
  sources: z.array(SourceIdSchema).optional(),
  /** Sources the caller may use (enabled in this deployment). */
  available_sources: z.array(SourceIdSchema).min(1),
  /** Absolute deadline (epoch ms) by which the query must end. */
  deadline: z.number().int().positive(),
  requested_at: z.number().int().positive(),
  /** Who asked (additive: absent on queries from before authentication existed). */
  tenant_id: z.string().uuid().optional(),
  user_id: z.string().uuid().optional(),
  /** The request explicitly allowed write tools (additive; absent means read-only). */
  allow_writes: z.boolean().optional(),
  /** Additive: absent means `agent`. */
  kind: QueryKindSchema.optional(),
  /** Chat: earlier turns of the session, oldest first (additive). */
  history: z.array(ChatTurnSchema).max(40).optional(),
  /** Digest: the window to report changes in (additive). */
  digest: DigestWindowSchema.optional(),
  /** The tenant's registered MCP servers among `available_sources`, described for planning (additive). */
  registered_sources: z.array(RegisteredSourceSchema).max(100).optional(),
});
export type QueryRequestedV1 = z.infer<typeof QueryRequestedV1Schema>;

/** `mosaic.query.planned.v1`: the planner's plan, consumed by the synthesizer. */
export const QueryPlannedV1Schema = z.object({
  query_id: QueryIdSchema,
  query: z.string().min(1),
  plan: AgentPlanSchema,
  deadline: z.number().int().positive(),
  requested_at: z.number().int().positive(),
  /** Who asked, for the tenant's token budget (additive). */
  tenant_id: z.string().uuid().optional(),
  /** Model calls the planner made (additive). */
  usage: z.array(TokenUsageSchema).max(16).optional(),
});
export type QueryPlannedV1 = z.infer<typeof QueryPlannedV1Schema>;

/** `mosaic.task.v1.<connector>`: one source's share of a query. */
export const SourceTaskV1Schema = z.object({
  query_id: QueryIdSchema,
  query: z.string().min(1),
  source: SourceIdSchema,
  deadline: z.number().int().positive(),
  /** Who asked: the worker uses this user's own credentials (additive field). */
  tenant_id: z.string().uuid().optional(),
  user_id: z.string().uuid().optional(),
  /** Write tools may be offered (additive; absent means read-only). */
  allow_writes: z.boolean().optional(),
  /** Chat: earlier turns of the session (additive). */
  history: z.array(ChatTurnSchema).max(40).optional(),
  /** Digest: report what changed in this window instead of answering `query` (additive). */
  digest: DigestWindowSchema.optional(),
});
export type SourceTaskV1 = z.infer<typeof SourceTaskV1Schema>;

/** One citeable piece of evidence a connector returned. */
export const SourceItemSchema = z.object({
  /** Stable id inside the source: a file path and heading, a table and primary key. */
  id: z.string().min(1),
  title: z.string(),
  url: z.string().optional(),
  /** The MCP tool whose result contained the item. */
  tool: z.string().min(1),
  content: z.string(),
  /** Relevance to the query, 0..1, as judged by the worker. */
  score: z.number().min(0).max(1),
});
export type SourceItem = z.infer<typeof SourceItemSchema>;

export const ToolCallRecordSchema = z.object({
  tool: z.string(),
  arguments: z.record(z.unknown()),
  success: z.boolean(),
  duration_ms: z.number().nonnegative(),
  error: z.string().optional(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecordSchema>;

export const SourceResultSchema = z.object({
  source: SourceIdSchema,
  success: z.boolean(),
  error: z.string().optional(),
  /** The worker's short summary of what the source said. */
  summary: z.string(),
  items: z.array(SourceItemSchema),
  tool_calls: z.array(ToolCallRecordSchema),
  duration_ms: z.number().nonnegative(),
  /** Model calls the worker made for this source (additive; absent with the local provider). */
  usage: z.array(TokenUsageSchema).max(64).optional(),
});
export type SourceResult = z.infer<typeof SourceResultSchema>;

/** `mosaic.result.v1`: a worker's result for one (query, source). */
export const SourceResultV1Schema = z.object({
  query_id: QueryIdSchema,
  result: SourceResultSchema,
});
export type SourceResultV1 = z.infer<typeof SourceResultV1Schema>;

export const CitationSchema = z.object({
  /** The `[n]` marker used in the response text. */
  index: z.number().int().positive(),
  source: SourceIdSchema,
  tool: z.string(),
  item: z.string(),
  url: z.string().optional(),
  excerpt: z.string(),
});
export type Citation = z.infer<typeof CitationSchema>;

export const MultiSourceResponseSchema = z.object({
  query_id: QueryIdSchema,
  response: z.string(),
  source_results: z.array(SourceResultSchema),
  successful_sources: z.array(SourceIdSchema),
  failed_sources: z.array(SourceIdSchema),
  plan: AgentPlanSchema,
  citations: z.array(CitationSchema),
  duration_ms: z.number().nonnegative(),
  /** Tokens the query used, in total and by model (additive; absent when no model was called). */
  usage: z
    .object({
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
      by_model: z.record(z.object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() })),
    })
    .optional(),
});
export type MultiSourceResponse = z.infer<typeof MultiSourceResponseSchema>;

/**
 * Redis key of a tenant's model tokens on one UTC day (`YYYY-MM-DD`): the synthesizer adds each
 * query's tokens, the gateway refuses new queries once it reaches the tenant's daily budget.
 */
export const tenantTokensKey = (tenantId: string, day: string): string => `mosaic:tokens:{${tenantId}}:${day}`;
export const utcDay = (at: Date = new Date()): string => at.toISOString().slice(0, 10);
