import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AUTH_SUBJECTS } from '@mosaic/contracts';
import {
  BREAKER_STATE_VALUE,
  BreakerRegistry,
  ConnectorDefinition,
  credentialSetHash,
  credentialsFromEnv,
  getConnector,
  McpSessionPool,
  ToolCallBreaker,
  ToolOutcome,
} from '@mosaic/connectors';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WorkerConfig } from '../config';

/** Whose credentials a call runs with. Without a user, the deployment's. */
export interface CredentialOwner {
  tenant_id?: string;
  user_id?: string;
  query_id?: string;
}

/** The connector's MCP server as reached with one credential set. */
export interface BoundConnector {
  readonly credentialHash: string;
  readonly breaker: ToolCallBreaker;
  /** One tool call through the breaker (whose timeout aborts it), on the pooled session. */
  call(tool: string, args: Record<string, unknown>, options: { timeoutMs: number; signal: AbortSignal }): Promise<ToolOutcome>;
  listTools(options: { timeoutMs: number; signal: AbortSignal }): Promise<Tool[]>;
}

/**
 * This worker's way to its connector: the asking user's credentials from the vault, one MCP
 * session per credential set (closed when idle, reopened when the server died) and one
 * circuit breaker per credential set. Shared by source tasks and credential tests, so a test
 * exercises exactly the path a query takes.
 */
@Injectable()
export class ConnectorClient implements OnApplicationShutdown {
  readonly connector: ConnectorDefinition;
  /** Deployment credentials from the environment: used when the asking user stored none. */
  private readonly deploymentCredentials: Record<string, string>;
  private readonly pool: McpSessionPool;
  private readonly breakers: BreakerRegistry;

  constructor(
    @Inject(CONFIG) config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly rpc: RpcClient,
  ) {
    this.connector = getConnector(config.CONNECTOR)!;
    this.deploymentCredentials = credentialsFromEnv(this.connector, process.env);
    this.pool = new McpSessionPool(config.MCP_IDLE_TIMEOUT_MS);
    this.breakers = new BreakerRegistry(
      {
        timeoutMs: config.BREAKER_TIMEOUT_MS,
        errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
        rollingWindowMs: config.BREAKER_ROLLING_WINDOW_MS,
        idleMs: config.MCP_IDLE_TIMEOUT_MS,
      },
      (connector, state, worst) => {
        // Labels name the connector only: which credential set tripped is never exported.
        metrics.breakerTransitions.inc({ connector, state });
        metrics.breakerState.set({ connector }, BREAKER_STATE_VALUE[worst]);
        this.logger[state === 'closed' ? 'info' : 'warn']({ connector, state }, 'circuit breaker changed state');
      },
    );
    metrics.breakerState.set({ connector: this.connector.metadata.id }, BREAKER_STATE_VALUE.closed);
  }

  get id(): string {
    return this.connector.metadata.id;
  }

  /**
   * The user's own credentials from the vault (a request only worker identities may make),
   * else the deployment's. Values are never logged.
   */
  async credentialsFor(owner: CredentialOwner): Promise<Record<string, string>> {
    return (await this.resolveCredentials(owner)).values;
  }

  /** As `credentialsFor`, saying whose they are. */
  async resolveCredentials(owner: CredentialOwner): Promise<{ values: Record<string, string>; origin: 'user' | 'deployment' }> {
    const deployment = { values: this.deploymentCredentials, origin: 'deployment' as const };
    if (!owner.tenant_id || !owner.user_id || this.connector.credentialFields.length === 0) return deployment;
    try {
      const { credentials } = await this.rpc.call<{ credentials: Record<string, string> }>(AUTH_SUBJECTS.resolveCredentials, {
        tenant_id: owner.tenant_id,
        user_id: owner.user_id,
        datasource: this.id,
        ...(owner.query_id ? { query_id: owner.query_id } : {}),
      });
      return { values: credentials, origin: 'user' };
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) return deployment;
      throw new Error(`credentials for ${this.id} are unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  bind(credentials: Record<string, string>): BoundConnector {
    const credentialHash = credentialSetHash(credentials);
    // One MCP session per credential set: users never share a session opened with someone else's secrets.
    const sessionKey = `${this.id}:${credentialHash}`;
    const session = () => this.pool.get(sessionKey, this.connector.launch(credentials));
    const breaker = this.breakers.get(this.id, credentialHash);
    return {
      credentialHash,
      breaker,
      call: (tool, args, { timeoutMs, signal }) =>
        breaker.call(`${this.id}.${tool}`, async (breakerSignal) =>
          (await session()).callTool(tool, args, { timeoutMs, signal: AbortSignal.any([signal, breakerSignal]) }),
        ),
      listTools: async ({ timeoutMs, signal }) => (await session()).listTools({ timeoutMs, signal }),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.breakers.shutdown();
    await this.pool.closeAll();
  }
}
