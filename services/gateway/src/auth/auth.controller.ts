import { Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { serialize } from 'cookie';
import type { FastifyReply } from 'fastify';
import { AUTH_SUBJECTS, ClientDetails, LoginRequestSchema, Principal, SESSION_COOKIE, SignupRequestSchema, UserView } from '@mosaic/contracts';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { MosaicMetrics } from '@mosaic/observability';
import { CONFIG, METRICS } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { parseBody } from '../validation';
import { ClientInfo, CurrentPrincipal, Public } from './auth.decorators';


/** Sessions (seed §10.1): sign-up, login (HTTP-only cookie or bearer), logout, me. */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
  ) {}

  @Public()
  @Post('signup')
  @HttpCode(201)
  async signup(@Body() body: unknown, @ClientInfo() client: ClientDetails) {
    const request = parseBody(SignupRequestSchema, body);
    const user = await this.rpc.call<UserView>(AUTH_SUBJECTS.signup, { ...request, client });
    return { message: 'Account created', user };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @ClientInfo() client: ClientDetails, @Res({ passthrough: true }) reply: FastifyReply) {
    const request = parseBody(LoginRequestSchema, body);
    const session = await this.rpc
      .call<{ token: string; expires_at: string; user: UserView }>(AUTH_SUBJECTS.login, { ...request, client })
      .catch((error: unknown) => {
        // The account is locked after repeated failures: auth answers 429, passed on as is.
        if (error instanceof RpcError && error.status === 429) this.metrics.countRateLimitRejection('login_lockout');
        throw error;
      });
    const maxAge = Math.max(0, Math.floor((Date.parse(session.expires_at) - Date.now()) / 1000));
    reply.header('Set-Cookie', this.cookie(session.token, maxAge));
    return { message: 'Logged in', user: session.user, token: session.token, expires_at: session.expires_at };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.rpc.call<{ message: string }>(AUTH_SUBJECTS.logout, { principal, client });
    reply.header('Set-Cookie', this.cookie('', 0));
    return result;
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<UserView> {
    return this.rpc.call<UserView>(AUTH_SUBJECTS.me, { principal, client });
  }

  private cookie(value: string, maxAge: number): string {
    return serialize(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.NODE_ENV !== 'development',
      path: '/',
      maxAge,
    });
  }
}
