import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, CreateUserRequestSchema, Principal, UserView } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { parseBody } from '../validation';


/** Users of the caller's tenant: tenant admins add and list them. */
@RequireScope('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    const request = parseBody(CreateUserRequestSchema, body);
    return this.rpc.call<UserView>(AUTH_SUBJECTS.createUser, { principal, client, request });
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<UserView[]>(AUTH_SUBJECTS.listUsers, { principal, client });
  }
}
