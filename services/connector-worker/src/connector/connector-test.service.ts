import { Inject, Injectable } from '@nestjs/common';
import { ConnectorTestResult } from '@mosaic/contracts';
import { injectParameters, missingCredentials } from '@mosaic/connectors';
import { Logger } from '@mosaic/observability';
import { CONFIG, LOGGER } from '@mosaic/runtime';
import { WorkerConfig } from '../config';
import { ConnectorClient } from './connector-client.service';

/** Longest excerpt of a failed probe's tool error passed back to the user. */
const MAX_ERROR_CHARS = 300;

/**
 * `POST /api/datasources/{id}/test`: proves the caller's credentials work with the connector's
 * cheapest real call (its declared probe, else listing the server's tools), through the same
 * sessions and breakers a query uses. The answer says what failed, never a credential.
 */
@Injectable()
export class ConnectorTestService {
  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly client: ConnectorClient,
  ) {}

  async test(owner: { tenant_id: string; user_id: string }): Promise<ConnectorTestResult> {
    const started = Date.now();
    const datasource = this.client.id;
    const { values: credentials, origin } = await this.client.resolveCredentials(owner);
    const connector = this.client.catalog!;
    const probe = connector.probe;
    const result = (ok: boolean, error?: string): ConnectorTestResult => ({
      datasource,
      ok,
      credentials: origin,
      tool: probe?.tool ?? 'tools/list',
      duration_ms: Date.now() - started,
      ...(error ? { error } : {}),
    });

    const missing = missingCredentials(connector, credentials);
    if (missing.length) return result(false, `${datasource} is not configured (missing ${missing.join(', ')})`);
    if (origin === 'user') {
      try {
        await this.client.assertAllowed(credentials);
      } catch (error) {
        return result(false, (error as Error).message);
      }
    }
    const bound = this.client.bind(credentials, connector);
    const timeoutMs = this.config.TOOL_CALL_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (!probe) {
        await bound.breaker.call(`${datasource}.tools/list`, (breakerSignal) =>
          bound.listTools({ timeoutMs, signal: AbortSignal.any([signal, breakerSignal]) }),
        );
        return result(true);
      }
      const args = injectParameters(connector.injections ?? [], probe.tool, probe.args, { query: '', credentials });
      const outcome = await bound.call(probe.tool, args, { timeoutMs, signal });
      return outcome.ok ? result(true) : result(false, outcome.text.slice(0, MAX_ERROR_CHARS) || `${probe.tool} failed`);
    } catch (error) {
      this.logger.info({ connector: datasource, err: error }, 'credential test failed');
      return result(false, signal.aborted ? `${datasource} did not answer within ${timeoutMs} ms` : (error as Error).message);
    }
  }
}
