import { Inject, Injectable } from '@nestjs/common';
import { SourceInfo } from '@mosaic/contracts';
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
  list(userConfigured: ReadonlySet<string> = new Set()): SourceInfo[] {
    return Object.values(CONNECTORS).map(({ metadata }) => {
      const enabled = this.config.MOSAIC_SOURCES.includes(metadata.id);
      const configured = enabled && (userConfigured.has(metadata.id) || this.config.DEPLOYMENT_CREDENTIAL_SOURCES.includes(metadata.id));
      return { ...metadata, enabled, configured };
    });
  }

  /** The catalog with what a client needs to ask for credentials (`GET /api/datasources`). */
  datasources(userConfigured: ReadonlySet<string> = new Set()) {
    return this.list(userConfigured).map((info) => ({
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

  /** Checks a requested restriction: every id must be a known, enabled source. */
  assertUsable(requested: readonly string[]): void {
    const unknown = requested.filter((id) => !getConnector(id));
    if (unknown.length) {
      throw new ApiError(400, 'unknown_source', `unknown source(s): ${unknown.join(', ')}`, {
        known: Object.keys(CONNECTORS),
      });
    }
    const disabled = requested.filter((id) => !this.config.MOSAIC_SOURCES.includes(id));
    if (disabled.length) {
      throw new ApiError(400, 'source_disabled', `source(s) not enabled in this deployment: ${disabled.join(', ')}`, {
        enabled: this.enabledIds(),
      });
    }
  }
}
