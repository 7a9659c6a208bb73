import { Migration } from '@mikro-orm/migrations';

/** The current request's tenant; an unset or empty setting matches no row (fail closed). */
const CURRENT_TENANT = "nullif(current_setting('mosaic.tenant_id', true), '')::uuid";

/**
 * History: chat conversations and their messages, and every query run (agent, chat and digest
 * alike) with its plan, per-source outcome, tokens and answer. Written in batches by the history
 * writer from the query events stream; isolated per tenant by row-level security, and per user
 * by every read. Deleting a user deletes their history; deleting a conversation deletes its
 * messages and runs.
 */
export class Migration20261130000000_history extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table conversations (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null,
        datasource text not null,
        title text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint conversations_user_fk foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
      )`);
    this.addSql(`create index conversations_user_recent_idx on conversations (tenant_id, user_id, updated_at desc)`);

    this.addSql(`
      create table query_runs (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null,
        kind text not null check (kind in ('agent', 'chat', 'digest')),
        conversation_id uuid null references conversations (id) on delete cascade,
        question text not null,
        requested_sources text[] null,
        status text not null check (status in ('running', 'done', 'error')),
        plan jsonb null,
        sources jsonb not null default '[]' check (jsonb_typeof(sources) = 'array'),
        usage jsonb null,
        response text null,
        citations jsonb not null default '[]' check (jsonb_typeof(citations) = 'array'),
        error jsonb null,
        created_at timestamptz not null,
        finished_at timestamptz null,
        duration_ms integer null,
        constraint query_runs_user_fk foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
      )`);
    this.addSql(`create index query_runs_user_recent_idx on query_runs (tenant_id, user_id, created_at desc)`);

    this.addSql(`
      create table messages (
        id text primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        conversation_id uuid not null references conversations (id) on delete cascade,
        query_id uuid not null,
        role text not null check (role in ('user', 'assistant')),
        content text not null,
        metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
        created_at timestamptz not null
      )`);
    this.addSql(`create index messages_conversation_idx on messages (conversation_id, created_at, role desc)`);

    // The history writer learns a run's tenant from its first event; a later event (the answer)
    // names only the query, so this looks the tenant up before the tenant is known.
    this.addSql(`
      create function mosaic_query_run_tenants(p_ids uuid[])
      returns table (query_id uuid, tenant_id uuid)
      language sql stable security definer
      set search_path = public, pg_temp
      as $$ select r.id, r.tenant_id from query_runs r where r.id = any(p_ids) $$`);
    // Row-level security is forced on the owner too: let the owner (the function) read runs.
    this.addSql(`create policy owner_read on query_runs for select to current_user using (true)`);
    this.addSql(`revoke all on function mosaic_query_run_tenants(uuid[]) from public`);
    this.addSql(`grant execute on function mosaic_query_run_tenants(uuid[]) to mosaic_app`);

    for (const table of ['conversations', 'query_runs', 'messages']) {
      this.addSql(`alter table ${table} enable row level security`);
      this.addSql(`alter table ${table} force row level security`);
      this.addSql(`create policy tenant_isolation on ${table} using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`);
      this.addSql(`grant select, insert, update, delete on ${table} to mosaic_app`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists mosaic_query_run_tenants(uuid[])`);
    this.addSql(`drop table if exists messages`);
    this.addSql(`drop table if exists query_runs`);
    this.addSql(`drop table if exists conversations`);
  }
}
