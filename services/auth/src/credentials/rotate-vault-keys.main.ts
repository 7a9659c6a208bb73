/**
 * Vault key rotation: re-encrypts every vault envelope (stored credentials and MCP server
 * headers) under the active key (the first of MOSAIC_VAULT_KEYS). Old keys must still be listed
 * while it runs; once it reports nothing left under them, they can be removed. Safe to run
 * again at any time.
 *
 *   MOSAIC_VAULT_KEYS="k2:<new>,k1:<old>" APP_DATABASE_URL=... node dist/services/auth/src/credentials/rotate-vault-keys.main.js [--tenant <id>]...
 *
 * Envelopes that no listed key can decrypt are counted and left as they are; the exit code is then 2.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createOrm } from '@mosaic/persistence';
import { main, parseConfig } from '@mosaic/runtime';
import { CredentialVault, VaultKeyRing } from '@mosaic/security';
import { rotateVaultKeys } from './vault-rotation';

main(async () => {
  const config = parseConfig(z.object({ APP_DATABASE_URL: z.string().min(1), MOSAIC_VAULT_KEYS: z.string().min(1) }));
  const ring = VaultKeyRing.fromEnv(config.MOSAIC_VAULT_KEYS);
  const vault = new CredentialVault(ring);
  const orm = await createOrm({ url: config.APP_DATABASE_URL, applicationName: 'mosaic-vault-rotation' });
  const { values } = parseArgs({ options: { tenant: { type: 'string', multiple: true } } });
  try {
    const report = await rotateVaultKeys(orm, vault, ring.activeKid, values.tenant);
    process.stdout.write(
      `[vault] re-encrypted ${report.credentials} credential(s) and ${report.mcpServers} MCP server header set(s) in ${report.tenants} tenant(s) under key ${ring.activeKid}\n`,
    );
    if (report.unreadable) {
      process.stderr.write(`[vault] ${report.unreadable} envelope(s) could not be decrypted with any listed key and were left as they are\n`);
      process.exitCode = 2;
    }
  } finally {
    await orm.close();
  }
});
