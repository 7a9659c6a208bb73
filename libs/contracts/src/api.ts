import { z } from 'zod';
import { PlannedSourceSchema, RegisteredSourceSchema, SourceIdSchema } from './query';

export const MAX_QUERY_LENGTH = 4000;

/** Body of `POST /api/agent/query` and `POST /api/agent/query/stream`. */
export const AgentQueryRequestSchema = z
  .object({
    query: z
      .string({ required_error: 'query is required', invalid_type_error: 'query must be a string' })
      .trim()
      .min(1, 'query must not be empty')
      .max(MAX_QUERY_LENGTH, `query must be at most ${MAX_QUERY_LENGTH} characters`),
    sources: z.array(SourceIdSchema).min(1, 'sources, when given, must name at least one source').max(32).optional(),
    session_id: z.string().max(128).optional(),
    include_plan: z.boolean().optional(),
    /** Lets connectors expose their write tools (create_issue, send_message, ...) for this query. Off by default. */
    allow_writes: z.boolean({ invalid_type_error: 'allow_writes must be a boolean' }).optional(),
  })
  .strict();
export type AgentQueryRequest = z.infer<typeof AgentQueryRequestSchema>;

/** Every HTTP error body. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An entry of `GET /api/agent/sources`. */
export const SourceInfoSchema = z.object({
  id: SourceIdSchema,
  name: z.string(),
  description: z.string(),
  icon: z.string(),
  enabled: z.boolean(),
  configured: z.boolean(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

/** Request of `mosaic.connector.v1.<id>.test`, made by the gateway for the caller. */
export const ConnectorTestRequestSchema = z.object({ tenant_id: z.string().uuid(), user_id: z.string().uuid() });
/** Answer of `POST /api/datasources/{id}/test`. */
export const ConnectorTestResultSchema = z.object({
  datasource: z.string(),
  ok: z.boolean(),
  /** Whose credentials were tested: the caller's own, or the deployment's when the caller stored none. */
  credentials: z.enum(['user', 'deployment']),
  tool: z.string().optional(),
  duration_ms: z.number().nonnegative(),
  error: z.string().optional(),
});
export type ConnectorTestResult = z.infer<typeof ConnectorTestResultSchema>;

/** `POST /api/agent/detect-sources` (seed §10.3): which of the caller's sources a question needs. */
export const DetectSourcesRequestSchema = z
  .object({
    query: z
      .string({ required_error: 'query is required', invalid_type_error: 'query must be a string' })
      .trim()
      .min(1, 'query must not be empty')
      .max(MAX_QUERY_LENGTH, `query must be at most ${MAX_QUERY_LENGTH} characters`),
    available_sources: z.array(SourceIdSchema).min(1, 'available_sources, when given, must name at least one source').max(64).optional(),
  })
  .strict();
export type DetectSourcesRequest = z.infer<typeof DetectSourcesRequestSchema>;

/** Request/reply, gateway → planner (queue group `planner`). Never renamed in place. */
export const PLANNER_SUBJECTS = { detect: 'mosaic.planner.v1.detect' } as const;
export const PLANNER_QUEUE_GROUP = 'planner';

export const DetectSourcesRpcSchema = z.object({
  query: z.string().min(1).max(MAX_QUERY_LENGTH),
  available_sources: z.array(SourceIdSchema).min(1).max(164),
  registered_sources: z.array(RegisteredSourceSchema).max(100).optional(),
});
export type DetectSourcesRpc = z.infer<typeof DetectSourcesRpcSchema>;

export const DetectSourcesReplySchema = z.object({
  relevant_sources: z.array(PlannedSourceSchema),
  reasoning: z.string(),
  provider: z.string(),
});
export type DetectSourcesReply = z.infer<typeof DetectSourcesReplySchema>;

/** `POST /api/chat/message[/stream]` (seed §10.2): one turn of a single-source chat. */
export const ChatMessageRequestSchema = z
  .object({
    message: z
      .string({ required_error: 'message is required', invalid_type_error: 'message must be a string' })
      .trim()
      .min(1, 'message must not be empty')
      .max(MAX_QUERY_LENGTH, `message must be at most ${MAX_QUERY_LENGTH} characters`),
    datasource: SourceIdSchema,
    session_id: z.string().uuid('session_id must be a session id returned by an earlier turn').optional(),
  })
  .strict();
export type ChatMessageRequest = z.infer<typeof ChatMessageRequestSchema>;
