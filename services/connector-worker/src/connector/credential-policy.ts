import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkUrl, ConnectorDefinition, EgressPolicy } from '@mosaic/connectors';

/**
 * What a user may point a connector at with their own credentials: a URL only where the egress
 * guard allows (no loopback, private or metadata address unless the operator allow-listed it),
 * a folder only inside one the operator allows. Deployment credentials are the operator's own
 * and are not checked. Throws an Error whose message the user sees as the source's failure.
 */
export async function assertUserCredentialsAllowed(
  connector: ConnectorDefinition,
  credentials: Readonly<Record<string, string>>,
  policy: { egress: EgressPolicy; allowedPaths: readonly string[] },
): Promise<void> {
  for (const field of connector.credentialFields) {
    const value = credentials[field.name];
    if (!value) continue;
    if (field.type === 'url') {
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
      try {
        await checkUrl(url, policy.egress);
      } catch (error) {
        throw new Error(`${connector.metadata.id} ${field.name}: ${(error as Error).message}`, { cause: error });
      }
    } else if (field.type === 'path') {
      await assertInsideAllowedFolder(connector.metadata.id, field.name, value, policy.allowedPaths);
    }
  }
}

async function assertInsideAllowedFolder(connector: string, field: string, value: string, allowed: readonly string[]): Promise<void> {
  if (allowed.length === 0) {
    throw new Error(`${connector} ${field}: this deployment allows no folders of users' own (the operator sets CONNECTOR_ALLOWED_PATHS)`);
  }
  // Symlinks resolved on both sides: a link inside an allowed folder must not lead out of it.
  const real = await realpath(path.resolve(value)).catch(() => undefined);
  if (!real) throw new Error(`${connector} ${field}: ${value} does not exist`);
  for (const base of allowed) {
    const realBase = await realpath(path.resolve(base)).catch(() => undefined);
    if (realBase && (real === realBase || real.startsWith(`${realBase}${path.sep}`))) return;
  }
  throw new Error(`${connector} ${field}: ${value} is outside the folders this deployment allows`);
}
