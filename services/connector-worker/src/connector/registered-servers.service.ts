import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  DiscoveredTool,
  DiscoverMcpServerRpc,
  MCP_SERVER_SUBJECTS,
  McpServerSpec,
  ResolvedMcpServer,
  SourceTaskV1,
} from '@mosaic/contracts';
import {
  answerFromRegisteredServer,
  checkPins,
  ConnectorDefinition,
  createGuardedFetch,
  discoveredTool,
  EgressDeniedError,
  GuardedFetch,
  McpLaunchSpec,
  McpSession,
  parseEgressAllowList,
  StrategyContext,
} from '@mosaic/connectors';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { CONFIG, LOGGER } from '@mosaic/runtime';
import { WorkerConfig } from '../config';

/** Longest a registration's discovery (connect + list tools) may take. */
const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * The `mcp` worker's side of tenant-registered MCP servers: resolves a registration (with its
 * headers from the vault), reaches it only through the egress guard (HTTP) or the operator's
 * allow-list (stdio), calls only tools whose definition still matches the pin taken at
 * registration, and reports drift so an admin can re-approve.
 */
@Injectable()
export class RegisteredServers implements OnApplicationShutdown {
  private readonly guardedFetch: GuardedFetch;

  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly rpc: RpcClient,
  ) {
    this.guardedFetch = createGuardedFetch(parseEgressAllowList(config.MCP_EGRESS_ALLOW));
  }

  /** How to reach a server: never a command line or address the operator did not allow. */
  launchSpec(spec: McpServerSpec): McpLaunchSpec {
    if (spec.transport === 'http') return { kind: 'http', url: spec.url, headers: spec.headers, fetch: this.guardedFetch };
    const allowed = Object.hasOwn(this.config.MCP_STDIO_COMMANDS, spec.command) ? this.config.MCP_STDIO_COMMANDS[spec.command] : undefined;
    if (!allowed) {
      const known = Object.keys(this.config.MCP_STDIO_COMMANDS);
      throw new RpcError(400, 'unknown_command', `stdio command "${spec.command}" is not on the operator's allow-list (${known.join(', ') || 'empty'})`);
    }
    return { kind: 'stdio', command: allowed.command, args: allowed.args, env: allowed.env };
  }

  /** Discovery for registration (a spec from the admin) or re-approval (a registered source). */
  async discoverFor(request: DiscoverMcpServerRpc): Promise<{ tools: DiscoveredTool[] }> {
    if ('spec' in request) return this.discover(request.spec);
    try {
      return await this.discover((await this.rpc.call<ResolvedMcpServer>(MCP_SERVER_SUBJECTS.resolve, request)).spec);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new RpcError(422, 'mcp_unreachable', describe(error));
    }
  }

  /** Connects once and lists the server's tools, for registration and re-approval. */
  async discover(spec: McpServerSpec): Promise<{ tools: DiscoveredTool[] }> {
    const launch = this.launchSpec(spec);
    let session: McpSession | undefined;
    try {
      session = await McpSession.open(launch, () => undefined, DISCOVERY_TIMEOUT_MS);
      const tools = await session.listTools({ timeoutMs: DISCOVERY_TIMEOUT_MS });
      return { tools: tools.map(discoveredTool) };
    } catch (error) {
      const denied = findCause(error, EgressDeniedError);
      if (denied) throw new RpcError(422, 'egress_denied', denied.message);
      throw new RpcError(422, 'mcp_unreachable', `could not list the MCP server's tools: ${describe(error)}`);
    } finally {
      await session?.close();
    }
  }

  /** The registration behind a task's source, as a connector definition the task runner can use. */
  async target(task: SourceTaskV1): Promise<{ definition: ConnectorDefinition; credentials: Record<string, string> }> {
    if (!task.tenant_id) throw new Error(`${task.source} belongs to a tenant, and this task names none`);
    const server = await this.resolve(task.tenant_id, task.source);
    const definition: ConnectorDefinition = {
      metadata: { id: server.source, name: server.name, description: server.description, icon: 'plug' },
      keywords: [],
      credentialFields: [],
      directRouting: [],
      launch: () => this.launchSpec(server.spec),
      localStrategy: async (query, call, _credentials, context) => {
        if (!context) throw new Error('registered servers need the live tool list');
        return answerFromRegisteredServer(query, await callable(context), call);
      },
      modelTools: async (context, { allowWrites }) => {
        const approved = new Set((await callable(context)).filter((t) => allowWrites || t.read_only).map((t) => t.name));
        return (await context.listTools()).filter((t) => approved.has(t.name));
      },
    };
    // Only tools whose live definition still matches the pin; drift is reported once per task.
    let checked: Promise<DiscoveredTool[]> | undefined;
    const callable = (context: StrategyContext): Promise<DiscoveredTool[]> =>
      (checked ??= (async () => {
        const pins = checkPins(server.tools, await context.listTools());
        if (pins.changed.length || pins.added.length) await this.reportDrift(task.tenant_id!, server, pins.changed, pins.added);
        return pins.callable;
      })());
    // Not secrets of a user but the registration's: one session (and breaker) per server and header set.
    return { definition, credentials: { server: server.id, spec: JSON.stringify(server.spec) } };
  }

  private async resolve(tenantId: string, source: string): Promise<ResolvedMcpServer> {
    try {
      return await this.rpc.call<ResolvedMcpServer>(MCP_SERVER_SUBJECTS.resolve, { tenant_id: tenantId, source });
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) throw new Error(`${source} is not a registered MCP server of this tenant`, { cause: error });
      throw new Error(`the registration of ${source} is unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  private async reportDrift(tenantId: string, server: ResolvedMcpServer, changed: string[], added: DiscoveredTool[]): Promise<void> {
    this.logger.warn(
      { source: server.source, changed, added: added.map((t) => t.name) },
      'registered MCP server changed its tools; they stay disabled until an admin approves them',
    );
    await this.rpc
      .call(MCP_SERVER_SUBJECTS.reportDrift, { tenant_id: tenantId, id: server.id, changed, added })
      .catch((error: unknown) => this.logger.warn({ source: server.source, err: error }, 'could not record the drift'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.guardedFetch.close();
  }
}

function findCause<E extends Error>(error: unknown, type: new (...args: never[]) => E): E | undefined {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof type) return current;
  }
  return undefined;
}

function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    if (!messages.includes(current.message)) messages.push(current.message);
  }
  return messages.join(': ').slice(0, 500) || 'unknown error';
}
