import { Inject, Injectable } from '@nestjs/common';
import { RegisteredSource, SourceInfo } from '@mosaic/contracts';
import { CONNECTORS, getConnector } from '@mosaic/connectors';
import { ApiError, CONFIG } from '@mosaic/runtime';
import { GatewayConfig } from '../config';

@Injectable()
export class SourcesService {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  /**
   * Every known connector: `enabled` in this deployment, and `configured` for this caller
   * (their own credentials are stored, or the deployment supplies credentials for it).
   */
  list(userConfigured: ReadonlySet<string> = new Set(), registered: readonly RegisteredSource[] = []): SourceInfo[] {
    const catalog = Object.values(CONNECTORS).map(({ metadata }) => {
      const enabled = this.config.MOSAIC_SOURCES.includes(metadata.id);
      const configured = enabled && (userConfigured.has(metadata.id) || this.config.DEPLOYMENT_CREDENTIAL_SOURCES.includes(metadata.id));
      return { ...metadata, enabled, configured };
    });
    // A tenant's registered MCP servers: usable by every member, with the registration's headers.
    return [...catalog, ...registered.map((r) => ({ id: r.id, name: r.name, description: r.description, icon: 'plug', enabled: true, configured: true }))];
  }

  /** The catalog with what a client needs to ask for credentials (`GET /api/datasources`). */
  datasources(userConfigured: ReadonlySet<string> = new Set(), registered: readonly RegisteredSource[] = []) {
    return this.list(userConfigured, registered).map((info) => ({
      ...info,
      credential_fields: (getConnector(info.id)?.credentialFields ?? []).map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        required: f.required,
        env_var: f.envVar,
      })),
    }));
  }

  enabledIds(): string[] {
    return this.config.MOSAIC_SOURCES.filter((id) => getConnector(id));
  }

  /** How long the gateway waits for a credential test: the worker's own call timeout, plus margin. */
  get testTimeoutMs(): number {
    return this.config.DATASOURCE_TEST_TIMEOUT_MS;
  }

  /** A credential test needs a known datasource (404 otherwise) that this deployment enables. */
  assertTestable(id: string): void {
    if (!getConnector(id)) throw new ApiError(404, 'not_found', `no datasource ${id}`);
    this.assertUsable([id]);
  }

  /** Checks a requested restriction: every id must be a known, enabled source (or one of the tenant's registered servers). */
  assertUsable(requested: readonly string[], registered: readonly string[] = []): void {
    const unknown = requested.filter((id) => !getConnector(id) && !registered.includes(id));
    if (unknown.length) {
      throw new ApiError(400, 'unknown_source', `unknown source(s): ${unknown.join(', ')}`, {
        known: [...Object.keys(CONNECTORS), ...registered],
      });
    }
    const disabled = requested.filter((id) => !this.config.MOSAIC_SOURCES.includes(id) && !registered.includes(id));
    if (disabled.length) {
      throw new ApiError(400, 'source_disabled', `source(s) not enabled in this deployment: ${disabled.join(', ')}`, {
        enabled: this.enabledIds(),
      });
    }
  }
}
