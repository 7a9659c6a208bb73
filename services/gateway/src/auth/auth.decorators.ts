import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
export { IS_PUBLIC, Public } from '@mosaic/runtime';
import type { FastifyRequest } from 'fastify';
import { Principal } from '@mosaic/contracts';

export const REQUIRED_SCOPE = 'mosaic:scope';

/** The route needs this scope (sessions carry their role's scopes). */
export const RequireScope = (scope: 'query' | 'admin') => SetMetadata(REQUIRED_SCOPE, scope);

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The authenticated caller, set by the AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** Where the request came from, for the audit log. */
export const ClientInfo = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const agent = request.headers['user-agent'];
  return { ip: request.ip, ...(agent ? { user_agent: String(agent).slice(0, 512) } : {}) };
});
