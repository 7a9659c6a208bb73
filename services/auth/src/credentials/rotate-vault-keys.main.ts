/**
 * Vault key rotation: re-encrypts every stored credential under the active key (the first of
 * MOSAIC_VAULT_KEYS). Old keys must still be listed while it runs; once it reports nothing
 * left under them, they can be removed. Safe to run again at any time.
 *
 *   MOSAIC_VAULT_KEYS="k2:<new>,k1:<old>" APP_DATABASE_URL=... node dist/services/auth/src/credentials/rotate-vault-keys.main.js [--tenant <id>]...
 *
 * Rows that no listed key can decrypt are counted and left as they are; the exit code is then 2.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Credential, createOrm, tenantsWithStaleCredentials, withTenant } from '@mosaic/persistence';
import { main, parseConfig } from '@mosaic/runtime';
import { CredentialVault, isSecurityException, VaultKeyRing } from '@mosaic/security';

main(async () => {
  const config = parseConfig(z.object({ APP_DATABASE_URL: z.string().min(1), MOSAIC_VAULT_KEYS: z.string().min(1) }));
  const ring = VaultKeyRing.fromEnv(config.MOSAIC_VAULT_KEYS);
  const vault = new CredentialVault(ring);
  const orm = await createOrm({ url: config.APP_DATABASE_URL, applicationName: 'mosaic-vault-rotation' });
  const { values } = parseArgs({ options: { tenant: { type: 'string', multiple: true } } });
  let rotated = 0;
  let unreadable = 0;
  try {
    const stale = await tenantsWithStaleCredentials(orm, ring.activeKid);
    const tenants = values.tenant ? stale.filter((t) => values.tenant!.includes(t)) : stale;
    for (const tenantId of tenants) {
      rotated += await withTenant(orm, tenantId, async (em) => {
        const rows = await em.find(Credential, { keyId: { $ne: ring.activeKid } });
        let done = 0;
        for (const row of rows) {
          try {
            const { envelope } = vault.reencrypt(row.envelope, { tenantId, userId: row.user.id, datasource: row.datasource });
            row.envelope = envelope;
            row.keyId = ring.activeKid;
            row.updatedAt = new Date();
            done += 1;
          } catch (error) {
            if (!isSecurityException(error)) throw error;
            unreadable += 1;
          }
        }
        return done;
      });
    }
    process.stdout.write(`[vault] re-encrypted ${rotated} credential(s) in ${tenants.length} tenant(s) under key ${ring.activeKid}\n`);
    if (unreadable) {
      process.stderr.write(`[vault] ${unreadable} credential(s) could not be decrypted with any listed key and were left as they are\n`);
      process.exitCode = 2;
    }
  } finally {
    await orm.close();
  }
});
