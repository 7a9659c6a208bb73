import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AUTH_SUBJECTS, isRegisteredSource, SourceTaskV1 } from '@mosaic/contracts';
import {
  BREAKER_STATE_VALUE,
  BreakerRegistry,
  ConnectorDefinition,
  credentialSetHash,
  credentialsFromEnv,
  getConnector,
  LaunchOptions,
  McpSessionPool,
  parseEgressAllowList,
  ToolCallBreaker,
  ToolOutcome,
} from '@mosaic/connectors';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WorkerConfig } from '../config';
import { assertUserCredentialsAllowed } from './credential-policy';
import { RegisteredServers } from './registered-servers.service';

/** Whose credentials a call runs with. Without a user, the deployment's. */
export interface CredentialOwner {
  tenant_id?: string;
  user_id?: string;
  query_id?: string;
}

/** What one task runs against: a connector definition and the credentials to launch it with. */
export interface ConnectorTarget {
  definition: ConnectorDefinition;
  credentials: Record<string, string>;
}

/** The connector's MCP server as reached with one credential set. */
export interface BoundConnector {
  readonly credentialHash: string;
  readonly breaker: ToolCallBreaker;
  /** One tool call through the breaker (whose timeout aborts it), on the pooled session. */
  call(tool: string, args: Record<string, unknown>, options: { timeoutMs: number; signal: AbortSignal }): Promise<ToolOutcome>;
  listTools(options: { timeoutMs: number; signal: AbortSignal; refresh?: boolean }): Promise<Tool[]>;
}

/**
 * This worker's way to its connector: the asking user's credentials from the vault, one MCP
 * session per credential set (closed when idle, reopened when the server died) and one
 * circuit breaker per credential set. Shared by source tasks and credential tests, so a test
 * exercises exactly the path a query takes.
 */
@Injectable()
export class ConnectorClient implements OnApplicationShutdown {
  /** The catalog connector this worker serves; undefined for the `mcp` worker (tenant-registered servers). */
  readonly catalog: ConnectorDefinition | undefined;
  readonly id: string;
  /** Deployment credentials from the environment: used when the asking user stored none. */
  private readonly deploymentCredentials: Record<string, string>;
  private readonly credentialPolicy: Parameters<typeof assertUserCredentialsAllowed>[2];
  private readonly pool: McpSessionPool;
  private readonly breakers: BreakerRegistry;

  constructor(
    @Inject(CONFIG) config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly rpc: RpcClient,
    private readonly registered: RegisteredServers,
  ) {
    this.id = config.CONNECTOR;
    this.catalog = getConnector(config.CONNECTOR);
    this.deploymentCredentials = this.catalog ? credentialsFromEnv(this.catalog, process.env) : {};
    // Users may narrow a deployment folder (FILES_ROOT) to a subfolder, never leave it.
    const deploymentPaths = (this.catalog?.credentialFields ?? []).filter((f) => f.type === 'path').map((f) => this.deploymentCredentials[f.name]);
    this.credentialPolicy = {
      egress: parseEgressAllowList(config.MCP_EGRESS_ALLOW),
      allowedPaths: config.CONNECTOR_ALLOWED_PATHS.length ? config.CONNECTOR_ALLOWED_PATHS : deploymentPaths.filter((p): p is string => Boolean(p)),
    };
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
    metrics.breakerState.set({ connector: this.id }, BREAKER_STATE_VALUE.closed);
    // From zero, so increase() sees the first time a breaker opens.
    for (const state of Object.keys(BREAKER_STATE_VALUE)) metrics.breakerTransitions.inc({ connector: this.id, state }, 0);
  }

  /** Whether this worker serves tasks for `source` (every `mcp-*` source for the `mcp` worker). */
  serves(source: string): boolean {
    return this.catalog ? source === this.id : isRegisteredSource(source);
  }

  /** The definition and credentials a task runs with: the catalog's and the user's, or a tenant's registration. */
  async target(task: SourceTaskV1): Promise<ConnectorTarget> {
    if (!this.catalog) return this.registered.target(task);
    const { values, origin } = await this.resolveCredentials(task);
    if (origin === 'user') await this.assertAllowed(values);
    return { definition: this.catalog, credentials: values };
  }

  /**
   * The user's own credentials from the vault (a request only worker identities may make),
   * else the deployment's. Values are never logged.
   */
  async credentialsFor(owner: CredentialOwner): Promise<Record<string, string>> {
    return (await this.resolveCredentials(owner)).values;
  }

  /** Refuses a user's URLs the egress guard denies and folders outside the allowed ones. */
  assertAllowed(credentials: Readonly<Record<string, string>>): Promise<void> {
    return this.catalog ? assertUserCredentialsAllowed(this.catalog, credentials, this.credentialPolicy) : Promise.resolve();
  }

  /** As `credentialsFor`, saying whose they are. */
  async resolveCredentials(owner: CredentialOwner): Promise<{ values: Record<string, string>; origin: 'user' | 'deployment' }> {
    const deployment = { values: this.deploymentCredentials, origin: 'deployment' as const };
    if (!owner.tenant_id || !owner.user_id || !this.catalog?.credentialFields.length) return deployment;
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

  bind(credentials: Record<string, string>, definition: ConnectorDefinition, options: LaunchOptions = {}): BoundConnector {
    const credentialHash = credentialSetHash(credentials);
    // One MCP session per credential set (and write permission): users never share a session
    // opened with someone else's secrets, and a read-only query never gets a writing server.
    const sessionKey = `${definition.metadata.id}:${credentialHash}${options.allowWrites ? ':writes' : ''}`;
    const session = () => this.pool.get(sessionKey, definition.launch(credentials, options));
    // Breaker metrics are labelled by this worker's connector: registered servers share `mcp`.
    const breaker = this.breakers.get(this.id, credentialHash);
    return {
      credentialHash,
      breaker,
      call: (tool, args, { timeoutMs, signal }) =>
        breaker.call(`${definition.metadata.id}.${tool}`, async (breakerSignal) =>
          (await session()).callTool(tool, args, { timeoutMs, signal: AbortSignal.any([signal, breakerSignal]) }),
        ),
      listTools: async (options) => (await session()).listTools(options),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.breakers.shutdown();
    await this.pool.closeAll();
  }
}
