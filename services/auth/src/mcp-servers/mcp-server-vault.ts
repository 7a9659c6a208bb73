import { createHash } from 'node:crypto';
import { VaultContext } from '@mosaic/security';

/**
 * The vault context that seals an MCP server's header values.
 *
 * The vault binds an envelope to `{tenantId, userId, datasource}` and its AAD format must not
 * change, so the server's row is expressed in those three parts:
 * - `tenantId`: the tenant, as for credentials;
 * - `userId`: the server's id (a registration belongs to the tenant, not to a user);
 * - `datasource`: `mcp-server.<sha256 hex of the URL>`. The `.` keeps it apart from every
 *   credential envelope (credential datasources are `[a-z][a-z0-9_-]*`, never with a dot), and
 *   the URL hash means the tokens decrypt only for the URL they were registered with: a row
 *   whose `url` was changed behind our back yields no headers instead of sending them elsewhere.
 */
export function mcpHeadersContext(tenantId: string, serverId: string, url: string): VaultContext {
  return { tenantId, userId: serverId, datasource: `mcp-server.${createHash('sha256').update(url, 'utf8').digest('hex')}` };
}

/** The vault key id an envelope names (the column lets rotation find rows under an old key). */
export const envelopeKeyId = (envelope: string): string => (JSON.parse(envelope) as { kid: string }).kid;
