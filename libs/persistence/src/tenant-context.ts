import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

/** The Postgres setting the row-level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'mosaic.tenant_id';

const tenantIdSchema = z.string().uuid();

/**
 * Runs `fn` in one transaction on a fresh EntityManager, with row-level security set to
 * `tenantId`: every statement in it sees, changes and inserts rows of that tenant only. The
 * transaction commits (flushing pending changes) when `fn` resolves and rolls back when it throws.
 *
 * The setting is transaction-local (`set_config(..., true)`), so it ends with the transaction
 * and a pooled connection never carries one tenant's context into the next request.
 *
 * Sign-up is the one case where the tenant does not exist yet: generate its id in the app
 * (`randomUUID()`), call `withTenant` with it and insert the tenant row and its first user in
 * `fn`. Row-level security accepts the tenant row because its `id` equals the setting.
 */
export async function withTenant<T>(orm: MikroORM, tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new PersistenceError(PersistenceErrorCode.InvalidTenantId, 'tenant id must be a UUID');
  }
  return orm.em.fork().transactional(async (em) => {
    await em.execute(`select set_config('${TENANT_SETTING}', ?, true)`, [tenantId]);
    return fn(em);
  });
}
