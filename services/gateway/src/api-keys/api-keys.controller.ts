import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiKeyView, AUTH_SUBJECTS, ClientDetails, CreateApiKeyRequestSchema, Principal } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal } from '../auth/auth.decorators';
import { parseBody } from '../validation';


/** API keys for programs: the key is shown once, at creation. */
@Controller('keys')
export class ApiKeysController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    const request = parseBody(CreateApiKeyRequestSchema, body);
    return this.rpc.call<ApiKeyView & { key: string }>(AUTH_SUBJECTS.createApiKey, { principal, client, request });
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<ApiKeyView[]>(AUTH_SUBJECTS.listApiKeys, { principal, client });
  }

  @Delete(':id')
  revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<{ message: string }>(AUTH_SUBJECTS.revokeApiKey, { principal, client, key_id: id.slice(0, 64) });
  }
}
