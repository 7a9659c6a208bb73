import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, CredentialStatus, Principal, SaveCredentialsRequestSchema } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal } from '../auth/auth.decorators';
import { parseBody } from '../validation';


/** The caller's own credentials per datasource (seed §10.4). Plaintext is never returned. */
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  save(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    const request = parseBody(SaveCredentialsRequestSchema, body);
    return this.rpc.call<{ message: string }>(AUTH_SUBJECTS.saveCredentials, { principal, client, request });
  }

  @Get(':datasource/status')
  status(@Param('datasource') datasource: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<CredentialStatus>(AUTH_SUBJECTS.credentialStatus, { principal, client, datasource });
  }

  @Delete(':datasource')
  remove(@Param('datasource') datasource: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<{ message: string }>(AUTH_SUBJECTS.deleteCredentials, { principal, client, datasource });
  }
}
