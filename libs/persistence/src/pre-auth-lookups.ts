import { MikroORM } from '@mikro-orm/postgresql';
import { UserRole } from './entities';

/** What signing in needs to know about a user, found by email before any tenant is known. */
export interface LoginLookup {
  userId: string;
  tenantId: string;
  passwordHash: string;
  role: UserRole;
  failedLoginCount: number;
  lockedUntil: Date | null;
}

/** What authenticating an API key needs, found by its public prefix before any tenant is known. */
export interface ApiKeyLookup {
  id: string;
  tenantId: string;
  userId: string;
  /** Lower-case hex SHA-256 of the full key; compare in constant time. */
  keyHash: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface LoginRow {
  user_id: string;
  tenant_id: string;
  password_hash: string;
  role: UserRole;
  failed_login_count: number;
  locked_until: string | Date | null;
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  user_id: string;
  key_hash: string;
  scopes: string[];
  expires_at: string | Date | null;
  revoked_at: string | Date | null;
}

// MikroORM's Postgres connection returns timestamptz columns of raw queries as strings.
const toDate = (value: string | Date | null): Date | null => (value === null ? null : new Date(value));

/**
 * The user with this email (case-insensitive, unique across tenants), through the SECURITY
 * DEFINER function `mosaic_find_login`; `null` when there is none. The only way to read a user
 * without tenant context. Everything after it (counting failures, recording the login) runs
 * in `withTenant(orm, result.tenantId, ...)`.
 */
export async function findLoginByEmail(orm: MikroORM, email: string): Promise<LoginLookup | null> {
  const rows = await orm.em.fork().execute<LoginRow[]>('select * from mosaic_find_login(?)', [email]);
  const row = rows[0];
  if (!row) return null;
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    passwordHash: row.password_hash,
    role: row.role,
    failedLoginCount: row.failed_login_count,
    lockedUntil: toDate(row.locked_until),
  };
}

/**
 * The API key with this prefix (unique across tenants), through the SECURITY DEFINER function
 * `mosaic_find_api_key`; `null` when there is none. Revoked and expired keys are returned too:
 * the caller decides, and can audit the attempt in the key's tenant.
 */
export async function findApiKeyByPrefix(orm: MikroORM, prefix: string): Promise<ApiKeyLookup | null> {
  const rows = await orm.em.fork().execute<ApiKeyRow[]>('select * from mosaic_find_api_key(?)', [prefix]);
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    keyHash: row.key_hash,
    scopes: row.scopes,
    expiresAt: toDate(row.expires_at),
    revokedAt: toDate(row.revoked_at),
  };
}

/** Tenants that still hold credentials encrypted under a key other than `activeKeyId` (for rotation). */
export async function tenantsWithStaleCredentials(orm: MikroORM, activeKeyId: string): Promise<string[]> {
  const rows = await orm.em.fork().execute<Array<{ mosaic_tenants_with_stale_credentials: string }>>(
    'select * from mosaic_tenants_with_stale_credentials(?)',
    [activeKeyId],
  );
  return rows.map((r) => r.mosaic_tenants_with_stale_credentials);
}

/** Tenants that still hold MCP server header envelopes under a key other than `activeKeyId` (for rotation). */
export async function tenantsWithStaleMcpServerHeaders(orm: MikroORM, activeKeyId: string): Promise<string[]> {
  const rows = await orm.em.fork().execute<Array<{ mosaic_tenants_with_stale_mcp_server_headers: string }>>(
    'select * from mosaic_tenants_with_stale_mcp_server_headers(?)',
    [activeKeyId],
  );
  return rows.map((r) => r.mosaic_tenants_with_stale_mcp_server_headers);
}
