import { Migration } from '@mikro-orm/migrations';

/**
 * Vault key rotation has to visit every tenant's credentials, but row-level security hides
 * all of them until a tenant is set. This function (SECURITY DEFINER, like the pre-auth
 * lookups) lists only the tenant ids that still hold rows under keys other than the active
 * one: no credential content leaves it.
 */
export class Migration20261121010000_vault_rotation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create policy owner_read on credentials for select to current_user using (true)`);
    this.addSql(`
      create function mosaic_tenants_with_stale_credentials(p_active_key text)
      returns setof uuid
      language sql stable security definer
      set search_path = public, pg_temp
      as $$
        select distinct c.tenant_id from credentials c where c.key_id <> p_active_key
      $$`);
    this.addSql(`revoke all on function mosaic_tenants_with_stale_credentials(text) from public`);
    this.addSql(`grant execute on function mosaic_tenants_with_stale_credentials(text) to mosaic_app`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists mosaic_tenants_with_stale_credentials(text)`);
    this.addSql(`drop policy if exists owner_read on credentials`);
  }
}
