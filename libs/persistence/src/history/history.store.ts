import { AgentEventV1, ChatMessageView, ConversationSummary, ConversationView, QueryRunView } from '@mosaic/contracts';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '../tenant-context';

type Accepted = Extract<AgentEventV1, { event_type: 'query_accepted' }>;
type Done = Extract<AgentEventV1, { event_type: 'done' }>;
type Failed = Extract<AgentEventV1, { event_type: 'error' }>;
/** The events history keeps; every other event type only needs acknowledging. */
export type HistoryEvent = Accepted | Done | Failed | Extract<AgentEventV1, { event_type: 'plan_complete' }>;

export const isHistoryEvent = (event: AgentEventV1): event is HistoryEvent =>
  event.event_type === 'query_accepted' || event.event_type === 'done' || event.event_type === 'error' || event.event_type === 'plan_complete';

const TITLE_CHARS = 120;

/**
 * Conversations, messages and query runs in Postgres (row-level security per tenant, every
 * read scoped to the user). Writes are idempotent upserts keyed by query id, so a redelivered
 * batch changes nothing.
 */
export class HistoryStore {
  constructor(private readonly orm: MikroORM) {}

  /** The tenant of each known run, for events that name only their query. */
  async tenantsOf(queryIds: string[]): Promise<Map<string, string>> {
    if (queryIds.length === 0) return new Map();
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<{ query_id: string; tenant_id: string }[]>('select query_id, tenant_id from mosaic_query_run_tenants(?::uuid[])', [`{${queryIds.join(',')}}`]);
    return new Map(rows.map((r) => [r.query_id, r.tenant_id]));
  }

  /** Applies one tenant's events in order, in one transaction. */
  async apply(tenantId: string, events: readonly HistoryEvent[]): Promise<void> {
    await withTenant(this.orm, tenantId, async (em) => {
      for (const event of events) await this.applyOne(em, tenantId, event);
    });
  }

  private async applyOne(em: EntityManager, tenantId: string, event: HistoryEvent): Promise<void> {
    const at = new Date(event.ts);
    switch (event.event_type) {
      case 'query_accepted': {
        if (event.conversation_id) {
          await em.execute(
            `insert into conversations (id, tenant_id, user_id, datasource, title, created_at, updated_at)
             values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set updated_at = greatest(conversations.updated_at, excluded.updated_at)`,
            [event.conversation_id, tenantId, event.user_id, event.datasource ?? '', event.question.slice(0, TITLE_CHARS), at, at],
          );
          await em.execute(
            `insert into messages (id, tenant_id, conversation_id, query_id, role, content, created_at)
             values (?, ?, ?, ?, 'user', ?, ?) on conflict (id) do nothing`,
            [`${event.query_id}:user`, tenantId, event.conversation_id, event.query_id, event.question, at],
          );
        }
        await em.execute(
          `insert into query_runs (id, tenant_id, user_id, kind, conversation_id, question, requested_sources, status, created_at)
           values (?, ?, ?, ?, ?, ?, ?, 'running', ?) on conflict (id) do nothing`,
          [event.query_id, tenantId, event.user_id, event.kind, event.conversation_id ?? null, event.question, event.sources ? `{${event.sources.join(',')}}` : null, at],
        );
        return;
      }
      case 'plan_complete':
        await em.execute(`update query_runs set plan = ? where id = ? and plan is null`, [JSON.stringify({ sources: event.sources, reasoning: event.reasoning }), event.query_id]);
        return;
      case 'done': {
        const { result } = event;
        const sources = result.source_results.map((r) => ({
          source: r.source,
          success: r.success,
          ...(r.error ? { error: r.error } : {}),
          duration_ms: r.duration_ms,
          items: r.items.length,
          tool_calls: r.tool_calls.length,
        }));
        const rows = await em.execute<{ conversation_id: string | null }[]>(
          `update query_runs set status = 'done', plan = ?, sources = ?, usage = ?, response = ?, citations = ?, finished_at = ?, duration_ms = ?
           where id = ? and status = 'running' returning conversation_id`,
          [JSON.stringify(result.plan), JSON.stringify(sources), result.usage ? JSON.stringify(result.usage) : null, result.response, JSON.stringify(result.citations), at, Math.round(result.duration_ms), event.query_id],
        );
        const conversationId = rows[0]?.conversation_id;
        if (conversationId) {
          await em.execute(
            `insert into messages (id, tenant_id, conversation_id, query_id, role, content, metadata, created_at)
             values (?, ?, ?, ?, 'assistant', ?, ?, ?) on conflict (id) do nothing`,
            [`${event.query_id}:assistant`, tenantId, conversationId, event.query_id, result.response, JSON.stringify({ citations: result.citations, sources }), at],
          );
          await em.execute(`update conversations set updated_at = greatest(updated_at, ?) where id = ?`, [at, conversationId]);
        }
        return;
      }
      case 'error':
        await em.execute(`update query_runs set status = 'error', error = ?, finished_at = ? where id = ? and status = 'running'`, [
          JSON.stringify({ code: event.code, message: event.error }),
          at,
          event.query_id,
        ]);
        return;
    }
  }

  async listConversations(tenantId: string, userId: string, limit: number, before?: string): Promise<ConversationSummary[]> {
    const rows = await withTenant(this.orm, tenantId, (em) =>
      em.execute<ConversationRow[]>(
        `select id, datasource, title, created_at, updated_at from conversations
         where user_id = ? and (?::timestamptz is null or updated_at < ?::timestamptz) order by updated_at desc limit ?`,
        [userId, before ?? null, before ?? null, limit],
      ),
    );
    return rows.map(conversationSummary);
  }

  async getConversation(tenantId: string, userId: string, id: string): Promise<ConversationView | undefined> {
    return withTenant(this.orm, tenantId, async (em) => {
      const [row] = await em.execute<ConversationRow[]>(`select id, datasource, title, created_at, updated_at from conversations where id = ? and user_id = ?`, [id, userId]);
      if (!row) return undefined;
      const messages = await em.execute<MessageRow[]>(
        `select id, query_id, role, content, metadata, created_at from messages where conversation_id = ? order by created_at, role desc`,
        [id],
      );
      return { ...conversationSummary(row), messages: messages.map(messageView) };
    });
  }

  async deleteConversation(tenantId: string, userId: string, id: string): Promise<boolean> {
    const rows = await withTenant(this.orm, tenantId, (em) =>
      em.execute<{ id: string }[]>(`delete from conversations where id = ? and user_id = ? returning id`, [id, userId]),
    );
    return rows.length > 0;
  }

  async listQueries(tenantId: string, userId: string, limit: number, before?: string): Promise<QueryRunView[]> {
    const rows = await withTenant(this.orm, tenantId, (em) =>
      em.execute<RunRow[]>(
        `select * from query_runs where user_id = ? and (?::timestamptz is null or created_at < ?::timestamptz) order by created_at desc limit ?`,
        [userId, before ?? null, before ?? null, limit],
      ),
    );
    return rows.map(runView);
  }

  async getQuery(tenantId: string, userId: string, id: string): Promise<QueryRunView | undefined> {
    const [row] = await withTenant(this.orm, tenantId, (em) => em.execute<RunRow[]>(`select * from query_runs where id = ? and user_id = ?`, [id, userId]));
    return row ? runView(row) : undefined;
  }
}

interface ConversationRow {
  id: string;
  datasource: string;
  title: string;
  created_at: Date;
  updated_at: Date;
}
interface MessageRow {
  id: string;
  query_id: string;
  role: 'user' | 'assistant';
  content: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}
interface RunRow {
  id: string;
  kind: QueryRunView['kind'];
  conversation_id: string | null;
  question: string;
  requested_sources: string[] | null;
  status: QueryRunView['status'];
  plan: unknown;
  sources: QueryRunView['sources'];
  usage: unknown;
  response: string | null;
  citations: QueryRunView['citations'];
  error: QueryRunView['error'];
  created_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function conversationSummary(row: ConversationRow): ConversationSummary {
  return { id: row.id, session_id: row.id, datasource: row.datasource, title: row.title, created_at: iso(row.created_at), updated_at: iso(row.updated_at) };
}

function messageView(row: MessageRow): ChatMessageView {
  return { id: row.id, query_id: row.query_id, role: row.role, content: row.content, metadata: row.metadata, created_at: iso(row.created_at) };
}

function runView(row: RunRow): QueryRunView {
  return {
    id: row.id,
    kind: row.kind,
    conversation_id: row.conversation_id,
    question: row.question,
    requested_sources: row.requested_sources,
    status: row.status,
    plan: row.plan,
    sources: row.sources,
    usage: row.usage,
    response: row.response,
    citations: row.citations,
    error: row.error,
    created_at: iso(row.created_at),
    finished_at: row.finished_at ? iso(row.finished_at) : null,
    duration_ms: row.duration_ms,
  };
}
