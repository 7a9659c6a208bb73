import { Inject, Injectable } from '@nestjs/common';
import {
  ClientDetails,
  DiscoveredTool,
  DiscoverMcpServerRpc,
  MCP_SERVER_SUBJECTS,
  McpServerView,
  Principal,
  REGISTERED_MCP_CONNECTOR,
  RegisteredSource,
} from '@mosaic/contracts';
import { keywords } from '@mosaic/llm';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { ApiError, CONFIG } from '@mosaic/runtime';
import { GatewayConfig } from '../config';

/** How long a tenant's registrations are reused for planning before they are read again. */
const CACHE_MS = 5_000;
const MAX_KEYWORDS = 200;

/**
 * The tenant's registered MCP servers as sources: described for the planner from their name,
 * description and approved tools. Only when this deployment runs `mcp` workers.
 */
@Injectable()
export class RegisteredSourcesService {
  private readonly cache = new Map<string, { at: number; sources: RegisteredSource[] }>();

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly rpc: RpcClient,
  ) {}

  get enabled(): boolean {
    return this.config.MOSAIC_SOURCES.includes(REGISTERED_MCP_CONNECTOR);
  }

  async forCaller(principal: Principal, client: ClientDetails): Promise<RegisteredSource[]> {
    if (!this.enabled) return [];
    const cached = this.cache.get(principal.tenant_id);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.sources;
    const views = await this.rpc.call<McpServerView[]>(MCP_SERVER_SUBJECTS.list, { principal, client });
    const sources = views.map(describeRegistered);
    this.cache.set(principal.tenant_id, { at: Date.now(), sources });
    return sources;
  }

  /** Called after a change so this gateway plans with it at once. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /** Asks an `mcp` worker to connect and list the server's tools. */
  async discover(request: DiscoverMcpServerRpc): Promise<{ tools: DiscoveredTool[] }> {
    if (!this.enabled) {
      throw new ApiError(400, 'source_disabled', `registered MCP servers are not enabled in this deployment (MOSAIC_SOURCES lacks ${REGISTERED_MCP_CONNECTOR})`);
    }
    try {
      return await this.rpc.call<{ tools: DiscoveredTool[] }>(MCP_SERVER_SUBJECTS.discover, request, this.config.DATASOURCE_TEST_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof RpcError && error.status === 503 && error.code === 'dependency_unavailable') {
        throw new ApiError(503, 'dependency_unavailable', 'no mcp connector worker answered; is one running?', undefined, { cause: error });
      }
      throw error;
    }
  }
}

function describeRegistered(view: McpServerView): RegisteredSource {
  const approved = view.tools.filter((t) => t.status === 'approved');
  const vocabulary = keywords([view.name.replace(/-/g, ' '), view.description, ...approved.map((t) => `${t.name.replace(/[_-]/g, ' ')} ${t.description}`)].join(' '));
  return { id: view.source, name: view.name, description: view.description, keywords: vocabulary.slice(0, MAX_KEYWORDS) };
}
