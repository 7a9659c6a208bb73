import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AUTH_SUBJECTS, CreateUserRequestSchema, Principal, UserView } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { parseBody } from '../validation';

type Client = { ip?: string; user_agent?: string };

/** Users of the caller's tenant: tenant admins add and list them. */
@RequireScope('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: Client) {
    const request = parseBody(CreateUserRequestSchema, body);
    return this.rpc.call<UserView>(AUTH_SUBJECTS.createUser, { principal, client, request });
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: Client) {
    return this.rpc.call<UserView[]>(AUTH_SUBJECTS.listUsers, { principal, client });
  }
}
