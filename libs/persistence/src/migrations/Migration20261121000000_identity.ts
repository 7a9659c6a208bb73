import { Migration } from '@mikro-orm/migrations';

/** Every table of this migration, each keyed by tenant through row-level security. */
const TENANT_TABLES = ['users', 'sessions', 'api_keys', 'credentials', 'audit_logs'] as const;

/** The current request's tenant; an unset or empty setting matches no row (fail closed). */
const CURRENT_TENANT = "nullif(current_setting('mosaic.tenant_id', true), '')::uuid";

/**
 * Identity: tenants, users, sessions, API keys, credentials and the audit log, isolated
 * per tenant by row-level security.
 *
 * Runs as the owner role (`mosaic`), which owns every object created here. Services connect
 * as `mosaic_app`, which gets only DML on the tables: not being the owner, it cannot switch
 * row-level security off, and FORCE makes the policies bind the owner as well.
 *
 * Cross-tenant references are impossible even though foreign-key checks bypass row-level
 * security: child tables reference `users (tenant_id, id)`, not just `users (id)`.
 */
export class Migration20261121000000_identity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenants (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        slug text not null,
        rate_limit_per_minute integer null check (rate_limit_per_minute > 0),
        rate_limit_per_hour integer null check (rate_limit_per_hour > 0),
        token_budget bigint null check (token_budget >= 0),
        created_at timestamptz not null default now(),
        constraint tenants_slug_unique unique (slug)
      )`);

    this.addSql(`
      create table users (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references tenants (id) on delete cascade,
        email text not null,
        name text not null,
        password_hash text not null,
        role text not null check (role in ('admin', 'member')),
        failed_login_count integer not null default 0 check (failed_login_count >= 0),
        locked_until timestamptz null,
        last_login timestamptz null,
        previous_login timestamptz null,
        created_at timestamptz not null default now(),
        constraint users_tenant_id_id_unique unique (tenant_id, id)
      )`);
    // Global, case-insensitive: signing in by email needs no tenant.
    this.addSql(`create unique index users_email_unique on users (lower(email))`);

    this.addSql(`
      create table sessions (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz null,
        ip text null,
        user_agent text null,
        constraint sessions_user_fk foreign key (tenant_id, user_id)
          references users (tenant_id, id) on delete cascade
      )`);
    this.addSql(`create index sessions_tenant_id_user_id_index on sessions (tenant_id, user_id)`);

    this.addSql(`
      create table api_keys (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null,
        user_id uuid not null,
        name text not null,
        prefix text not null,
        key_hash char(64) not null,
        scopes text[] not null default '{}',
        expires_at timestamptz null,
        last_used_at timestamptz null,
        revoked_at timestamptz null,
        created_at timestamptz not null default now(),
        constraint api_keys_prefix_unique unique (prefix),
        constraint api_keys_key_hash_unique unique (key_hash),
        constraint api_keys_user_fk foreign key (tenant_id, user_id)
          references users (tenant_id, id) on delete cascade
      )`);
    this.addSql(`create index api_keys_tenant_id_user_id_index on api_keys (tenant_id, user_id)`);

    this.addSql(`
      create table credentials (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null,
        user_id uuid not null,
        datasource text not null,
        envelope text not null,
        key_id text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint credentials_tenant_id_user_id_datasource_unique unique (tenant_id, user_id, datasource),
        constraint credentials_user_fk foreign key (tenant_id, user_id)
          references users (tenant_id, id) on delete cascade
      )`);

    // user_id is deliberately no foreign key: the audit trail outlives the user.
    this.addSql(`
      create table audit_logs (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid null,
        action text not null,
        target text null,
        outcome text not null,
        ip text null,
        user_agent text null,
        details jsonb not null default '{}',
        created_at timestamptz not null default now()
      )`);
    this.addSql(`create index audit_logs_tenant_id_created_at_index on audit_logs (tenant_id, created_at desc)`);

    // Row-level security -------------------------------------------------------
    this.addSql(`alter table tenants enable row level security`);
    this.addSql(`alter table tenants force row level security`);
    this.addSql(`create policy tenant_isolation on tenants using (id = ${CURRENT_TENANT}) with check (id = ${CURRENT_TENANT})`);
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table ${table} enable row level security`);
      this.addSql(`alter table ${table} force row level security`);
      this.addSql(
        `create policy tenant_isolation on ${table} using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`,
      );
    }
    // The two pre-authentication lookups below run as the owner (SECURITY DEFINER) before
    // any tenant is known; FORCE binds the owner too, so it gets read access to exactly the
    // tables they read. No service connects as the owner, and no view may be created over
    // these tables without security_invoker (a view would otherwise read as its owner).
    this.addSql(`create policy owner_read on users for select to current_user using (true)`);
    this.addSql(`create policy owner_read on api_keys for select to current_user using (true)`);

    // Pre-authentication lookups -----------------------------------------------
    this.addSql(`
      create function mosaic_find_login(p_email text)
      returns table (
        user_id uuid,
        tenant_id uuid,
        password_hash text,
        role text,
        failed_login_count integer,
        locked_until timestamptz
      )
      language sql stable security definer
      set search_path = public, pg_temp
      as $$
        select u.id, u.tenant_id, u.password_hash, u.role, u.failed_login_count, u.locked_until
          from users u
         where lower(u.email) = lower(p_email)
      $$`);
    this.addSql(`
      create function mosaic_find_api_key(p_prefix text)
      returns table (
        id uuid,
        tenant_id uuid,
        user_id uuid,
        key_hash text,
        scopes text[],
        expires_at timestamptz,
        revoked_at timestamptz
      )
      language sql stable security definer
      set search_path = public, pg_temp
      as $$
        select k.id, k.tenant_id, k.user_id, k.key_hash::text, k.scopes, k.expires_at, k.revoked_at
          from api_keys k
         where k.prefix = p_prefix
      $$`);

    // Privileges of the application role -----------------------------------------
    this.addSql(`revoke all on function mosaic_find_login(text) from public`);
    this.addSql(`revoke all on function mosaic_find_api_key(text) from public`);
    this.addSql(`grant execute on function mosaic_find_login(text) to mosaic_app`);
    this.addSql(`grant execute on function mosaic_find_api_key(text) to mosaic_app`);
    this.addSql(`grant usage on schema public to mosaic_app`);
    this.addSql(`grant select, insert, update, delete on tenants, ${TENANT_TABLES.join(', ')} to mosaic_app`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists mosaic_find_api_key(text)`);
    this.addSql(`drop function if exists mosaic_find_login(text)`);
    this.addSql(`drop table if exists audit_logs, credentials, api_keys, sessions, users, tenants`);
  }
}
