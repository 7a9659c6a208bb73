import { z } from 'zod';
import { ClientInfoSchema, PrincipalSchema } from './auth';
import { CitationSchema, QueryKindSchema } from './query';

/**
 * History over core NATS request/reply, answered by the auth service (which owns the tenant's
 * Postgres state). Subjects are part of the wire contract: never renamed in place.
 */
export const HISTORY_SUBJECTS = {
  listConversations: 'mosaic.auth.v1.history.conversations.list',
  getConversation: 'mosaic.auth.v1.history.conversations.get',
  deleteConversation: 'mosaic.auth.v1.history.conversations.delete',
  listQueries: 'mosaic.auth.v1.history.queries.list',
  getQuery: 'mosaic.auth.v1.history.queries.get',
} as const;

/** The durable consumer of the events stream that writes history. */
export const HISTORY_CONSUMER = 'history-writer';

const PrincipalRpc = z.object({ principal: PrincipalSchema, client: ClientInfoSchema });
export const ListHistoryRpcSchema = PrincipalRpc.extend({
  limit: z.number().int().min(1).max(200).default(50),
  before: z.string().datetime({ offset: true }).optional(),
});
export const HistoryIdRpcSchema = PrincipalRpc.extend({ id: z.string().uuid() });

export const ConversationSummarySchema = z.object({
  id: z.string().uuid(),
  session_id: z.string().uuid(),
  datasource: z.string(),
  title: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

export const ChatMessageViewSchema = z.object({
  id: z.string(),
  query_id: z.string().uuid(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  metadata: z.record(z.unknown()),
  created_at: z.string(),
});
export type ChatMessageView = z.infer<typeof ChatMessageViewSchema>;
export type ConversationView = ConversationSummary & { messages: ChatMessageView[] };

export const QueryRunSourceSchema = z.object({
  source: z.string(),
  success: z.boolean(),
  error: z.string().optional(),
  duration_ms: z.number().nonnegative(),
  items: z.number().int().nonnegative(),
  tool_calls: z.number().int().nonnegative(),
});

export interface QueryRunView {
  id: string;
  kind: z.infer<typeof QueryKindSchema>;
  conversation_id: string | null;
  question: string;
  requested_sources: string[] | null;
  status: 'running' | 'done' | 'error';
  plan: unknown;
  sources: z.infer<typeof QueryRunSourceSchema>[];
  usage: unknown;
  response: string | null;
  citations: z.infer<typeof CitationSchema>[];
  error: { code: string; message: string } | null;
  created_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}
