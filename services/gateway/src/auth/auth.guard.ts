import { createHash } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parse as parseCookies } from 'cookie';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { AUTH_SUBJECTS, Principal, SESSION_COOKIE, sessionRevokedKey } from '@mosaic/contracts';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { API_KEY_PREFIX, isSecurityException, RateLimiter, rateLimitHeaders, SecurityErrorCode } from '@mosaic/security';
import { GatewayConfig } from '../config';
import { GATEWAY_REDIS } from '../health/dependencies';
import { AuthenticatedRequest, IS_PUBLIC, REQUIRED_SCOPE } from './auth.decorators';
import { TenantLimitsService } from '../tenant/tenant-limits.service';
import { SessionVerifier } from './session-verifier.service';

const ROLE_SCOPES: Record<Principal['role'], Principal['scopes']> = { admin: ['query', 'admin'], member: ['query'] };
const UNAUTHENTICATED = (message: string) => new ApiError(401, 'unauthenticated', message, undefined, { headers: { 'WWW-Authenticate': 'Bearer' } });

/**
 * Every route is authenticated unless marked @Public(): a session token (cookie or bearer,
 * verified locally, refused once logged out) or an API key (verified by auth, trusted for a
 * few seconds). Then the caller's rate limits are applied. Redis trouble fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keyCache = new Map<string, { principal: Principal; until: number }>();
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionVerifier,
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    private readonly tenantLimits: TenantLimitsService,
  ) {
    this.limiter = new RateLimiter(redis);
    this.metrics.initRateLimitRejections();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    const token = bearerToken(request.headers.authorization) ?? parseCookies(request.headers.cookie ?? '')[SESSION_COOKIE];
    if (!token) throw UNAUTHENTICATED('authentication required: send a session cookie or an Authorization: Bearer token');
    const principal = token.startsWith(API_KEY_PREFIX) ? await this.apiKeyPrincipal(token) : await this.sessionPrincipal(token);

    const scope = this.reflector.getAllAndOverride<'query' | 'admin' | undefined>(REQUIRED_SCOPE, targets);
    if (scope && !principal.scopes.includes(scope)) {
      throw new ApiError(403, 'forbidden', `this needs the ${scope} scope`);
    }
    await this.applyRateLimit(principal, reply);
    request.principal = principal;
    return true;
  }

  private async sessionPrincipal(token: string): Promise<Principal> {
    let claims;
    try {
      claims = await this.sessions.verify(token);
    } catch (error) {
      if (isSecurityException(error, SecurityErrorCode.TokenExpired)) throw UNAUTHENTICATED('session expired; log in again');
      if (isSecurityException(error)) throw UNAUTHENTICATED('invalid session token');
      throw error;
    }
    let revoked: number;
    try {
      revoked = await this.redis.exists(sessionRevokedKey(claims.jti));
    } catch (error) {
      throw new ApiError(503, 'dependency_unavailable', 'cannot check the session right now; try again shortly', undefined, { cause: error });
    }
    if (revoked) throw UNAUTHENTICATED('session has been logged out');
    return {
      tenant_id: claims.tid,
      user_id: claims.sub,
      role: claims.role,
      kind: 'session',
      scopes: ROLE_SCOPES[claims.role],
      credential_id: claims.jti,
    };
  }

  private async apiKeyPrincipal(key: string): Promise<Principal> {
    const cacheKey = createHash('sha256').update(key).digest('hex');
    const cached = this.keyCache.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.principal;
    let principal: Principal;
    try {
      principal = await this.rpc.call<Principal>(AUTH_SUBJECTS.verifyApiKey, { key });
    } catch (error) {
      this.keyCache.delete(cacheKey);
      if (error instanceof RpcError && error.status === 401) throw UNAUTHENTICATED(error.message);
      throw error;
    }
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(cacheKey, { principal, until: Date.now() + this.config.API_KEY_CACHE_MS });
    return principal;
  }

  private async applyRateLimit(principal: Principal, reply: FastifyReply): Promise<void> {
    const subject = principal.kind === 'api_key' ? `key:${principal.credential_id}` : `user:${principal.user_id}`;
    const limits = await this.tenantLimits.rateLimits(principal.tenant_id);
    let result;
    try {
      result = await this.limiter.consume(subject, limits);
    } catch (error) {
      this.logger.error({ err: error }, 'rate limiter unavailable');
      throw new ApiError(503, 'dependency_unavailable', 'rate limiting is unavailable; try again shortly', undefined, { cause: error });
    }
    const headers = rateLimitHeaders(result);
    if (!result.allowed) {
      this.metrics.countRateLimitRejection(principal.kind === 'api_key' ? 'api_key' : 'user');
      throw new ApiError(429, 'rate_limited', `rate limit exceeded (${result.bucket}); retry in ${result.retryAfterSeconds} s`, undefined, { headers });
    }
    reply.headers(headers);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
