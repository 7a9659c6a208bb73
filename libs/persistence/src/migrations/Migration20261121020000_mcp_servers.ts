import { Migration } from '@mikro-orm/migrations';

/** The current request's tenant; an unset or empty setting matches no row (fail closed). */
const CURRENT_TENANT = "nullif(current_setting('mosaic.tenant_id', true), '')::uuid";

/**
 * MCP servers a tenant registers as sources (`mcp-<name>`), isolated per tenant by row-level
 * security like every tenant table. Header values are a vault envelope (`headers_envelope`,
 * sealed under `key_id`), so key rotation has to visit these rows too: like
 * `mosaic_tenants_with_stale_credentials`, a SECURITY DEFINER function lists only the tenant
 * ids holding envelopes under an old key, and the owner gets read access for that function.
 *
 * `created_by` references `users (tenant_id, id)` (no cross-tenant pointer, even though
 * foreign-key checks bypass row-level security) and only that column is nulled when the user
 * is deleted: the registration belongs to the tenant, not to the admin who made it.
 */
export class Migration20261121020000_mcp_servers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table mcp_servers (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references tenants (id) on delete cascade,
        name text not null check (name ~ '^[a-z][a-z0-9-]{0,39}$'),
        description text not null,
        transport text not null check (transport in ('http', 'stdio')),
        url text null,
        command text null,
        header_names text[] not null default '{}',
        headers_envelope text null,
        key_id text null,
        tools jsonb not null default '[]' check (jsonb_typeof(tools) = 'array'),
        created_by uuid null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint mcp_servers_tenant_id_name_unique unique (tenant_id, name),
        constraint mcp_servers_created_by_fk foreign key (tenant_id, created_by)
          references users (tenant_id, id) on delete set null (created_by),
        constraint mcp_servers_target_check check (
          (transport = 'http' and url is not null and command is null)
          or (transport = 'stdio' and command is not null and url is null and headers_envelope is null)
        ),
        constraint mcp_servers_key_id_check check ((headers_envelope is null) = (key_id is null))
      )`);

    this.addSql(`alter table mcp_servers enable row level security`);
    this.addSql(`alter table mcp_servers force row level security`);
    this.addSql(
      `create policy tenant_isolation on mcp_servers using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`,
    );
    this.addSql(`create policy owner_read on mcp_servers for select to current_user using (true)`);

    this.addSql(`
      create function mosaic_tenants_with_stale_mcp_server_headers(p_active_key text)
      returns setof uuid
      language sql stable security definer
      set search_path = public, pg_temp
      as $$
        select distinct s.tenant_id from mcp_servers s where s.key_id <> p_active_key
      $$`);

    this.addSql(`revoke all on function mosaic_tenants_with_stale_mcp_server_headers(text) from public`);
    this.addSql(`grant execute on function mosaic_tenants_with_stale_mcp_server_headers(text) to mosaic_app`);
    this.addSql(`grant select, insert, update, delete on mcp_servers to mosaic_app`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists mosaic_tenants_with_stale_mcp_server_headers(text)`);
    this.addSql(`drop table if exists mcp_servers`);
  }
}
