import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ClientDetails, MCP_SERVER_SUBJECTS, McpServerView, Principal, RegisterMcpServerRequestSchema } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { parseBody, uuidOr404 } from '../validation';
import { RegisteredSourcesService } from './registered-sources.service';

/** An id that is not a UUID names nothing: 404, like any id of another tenant. */
const notFoundUnlessUuid = uuidOr404('no such MCP server');

/**
 * MCP servers a tenant registers as sources (`mcp-<name>`). Registering and re-approving
 * connect to the server (through an `mcp` worker, behind the egress guard) and pin its tools;
 * header values go to the vault and are never returned.
 */
@Controller('mcp-servers')
export class McpServersController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly registered: RegisteredSourcesService,
  ) {}

  @RequireScope('admin')
  @Post()
  async register(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<McpServerView> {
    const request = parseBody(RegisterMcpServerRequestSchema, body);
    const spec = request.transport === 'http' ? { transport: 'http' as const, url: request.url, headers: request.headers ?? {} } : request;
    const { tools } = await this.registered.discover({ tenant_id: principal.tenant_id, spec });
    const view = await this.rpc.call<McpServerView>(MCP_SERVER_SUBJECTS.create, { principal, client, request, tools });
    this.registered.forget(principal.tenant_id);
    return view;
  }

  @RequireScope('query')
  @Get()
  list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<McpServerView[]> {
    return this.rpc.call<McpServerView[]>(MCP_SERVER_SUBJECTS.list, { principal, client });
  }

  @RequireScope('query')
  @Get(':id')
  get(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<McpServerView> {
    return this.rpc.call<McpServerView>(MCP_SERVER_SUBJECTS.get, { principal, client, id });
  }

  /** Pins the server's tools as they are now and enables them again (after drift). */
  @RequireScope('admin')
  @Post(':id/approve')
  @HttpCode(200)
  async approve(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<McpServerView> {
    const current = await this.rpc.call<McpServerView>(MCP_SERVER_SUBJECTS.get, { principal, client, id });
    const { tools } = await this.registered.discover({ tenant_id: principal.tenant_id, source: current.source });
    const view = await this.rpc.call<McpServerView>(MCP_SERVER_SUBJECTS.approve, { principal, client, id, tools });
    this.registered.forget(principal.tenant_id);
    return view;
  }

  @RequireScope('admin')
  @Delete(':id')
  async remove(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    const result = await this.rpc.call<{ message: string }>(MCP_SERVER_SUBJECTS.delete, { principal, client, id });
    this.registered.forget(principal.tenant_id);
    return result;
  }
}

