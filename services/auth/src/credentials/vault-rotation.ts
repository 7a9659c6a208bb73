import { Credential, McpServerEntity, MikroORM, tenantsWithStaleCredentials, tenantsWithStaleMcpServerHeaders, withTenant } from '@mosaic/persistence';
import { CredentialVault, isSecurityException } from '@mosaic/security';
import { mcpHeadersContext } from '../mcp-servers/mcp-server-vault';

export interface VaultRotationReport {
  /** Tenants visited (those holding any envelope under an old key, narrowed by `onlyTenants`). */
  tenants: number;
  /** Credential envelopes re-encrypted under the active key. */
  credentials: number;
  /** MCP server header envelopes re-encrypted under the active key. */
  mcpServers: number;
  /** Envelopes no listed key could decrypt for their row; left as they are. */
  unreadable: number;
}

/**
 * Re-encrypts every vault envelope (user credentials and MCP server headers) still under a key
 * other than `activeKid`, tenant by tenant, each tenant in one transaction. Safe to run again:
 * rows already under the active key are not touched.
 */
export async function rotateVaultKeys(orm: MikroORM, vault: CredentialVault, activeKid: string, onlyTenants?: readonly string[]): Promise<VaultRotationReport> {
  const stale = new Set([...(await tenantsWithStaleCredentials(orm, activeKid)), ...(await tenantsWithStaleMcpServerHeaders(orm, activeKid))]);
  const tenants = [...stale].filter((t) => !onlyTenants || onlyTenants.includes(t));
  const report: VaultRotationReport = { tenants: tenants.length, credentials: 0, mcpServers: 0, unreadable: 0 };
  const reencrypt = (envelope: string, context: Parameters<CredentialVault['reencrypt']>[1]): string | null => {
    try {
      return vault.reencrypt(envelope, context).envelope;
    } catch (error) {
      if (!isSecurityException(error)) throw error;
      report.unreadable += 1;
      return null;
    }
  };
  for (const tenantId of tenants) {
    await withTenant(orm, tenantId, async (em) => {
      for (const row of await em.find(Credential, { keyId: { $ne: activeKid } })) {
        const envelope = reencrypt(row.envelope, { tenantId, userId: row.user.id, datasource: row.datasource });
        if (envelope === null) continue;
        row.envelope = envelope;
        row.keyId = activeKid;
        row.updatedAt = new Date();
        report.credentials += 1;
      }
      for (const row of await em.find(McpServerEntity, { keyId: { $ne: activeKid }, headersEnvelope: { $ne: null } })) {
        const envelope = reencrypt(row.headersEnvelope as string, mcpHeadersContext(tenantId, row.id, row.url as string));
        if (envelope === null) continue;
        // updated_at stays: the registration did not change, only the key sealing it.
        row.headersEnvelope = envelope;
        row.keyId = activeKid;
        report.mcpServers += 1;
      }
    });
  }
  return report;
}
