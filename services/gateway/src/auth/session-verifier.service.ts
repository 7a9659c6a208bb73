import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import { AUTH_SUBJECTS } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { CONFIG, LOGGER } from '@mosaic/runtime';
import { isSecurityException, SecurityErrorCode, SessionClaims, TokenVerifier } from '@mosaic/security';
import { GatewayConfig } from '../config';

/** Shortest interval between two JWKS refreshes triggered by unknown key ids. */
const REFRESH_INTERVAL_MS = 10_000;

/**
 * Verifies session tokens locally against the auth service's published key set. A token
 * signed with a key it has not seen triggers one (rate-limited) refresh: key rotation.
 */
@Injectable()
export class SessionVerifier implements OnModuleInit {
  private verifier?: TokenVerifier;
  private lastRefresh = 0;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly rpc: RpcClient,
  ) {}

  async onModuleInit(): Promise<void> {
    // The gateway cannot authenticate anyone without the key set: wait for auth at start-up.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await this.refresh();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`could not load the session key set from auth: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async refresh(): Promise<void> {
    this.lastRefresh = Date.now();
    const jwks = await this.rpc.call<JSONWebKeySet>(AUTH_SUBJECTS.jwks, {}, 3000);
    if (this.verifier) this.verifier.setJwks(jwks);
    else this.verifier = new TokenVerifier(jwks, { issuer: this.config.JWT_ISSUER, audience: this.config.JWT_AUDIENCE });
  }

  async verify(token: string): Promise<SessionClaims> {
    try {
      return await this.verifier!.verify(token);
    } catch (error) {
      const unknownKey = isSecurityException(error, SecurityErrorCode.TokenInvalid) && /unknown key/.test(error.message);
      if (unknownKey && Date.now() - this.lastRefresh > REFRESH_INTERVAL_MS) {
        await this.refresh().catch((e: unknown) => this.logger.warn({ err: e }, 'JWKS refresh failed'));
        return this.verifier!.verify(token);
      }
      throw error;
    }
  }
}
