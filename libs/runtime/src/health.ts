import { Controller, Get, Header, HttpStatus, Inject, Res, SetMetadata } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MosaicMetrics } from '@mosaic/observability';
import { METRICS, READINESS_CHECKS } from './tokens';

/** A dependency the service needs to do useful work (NATS, Postgres, Redis ...). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

const CHECK_TIMEOUT_MS = 2000;

export async function runReadinessChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref()),
        ]);
        return [c.name, 'up'] as const;
      } catch {
        return [c.name, 'down'] as const;
      }
    }),
  );
  return { ready: results.every(([, s]) => s === 'up'), checks: Object.fromEntries(results) };
}

export const IS_PUBLIC = 'mosaic:public';
/** The route needs no authentication (health, metrics, sign-up, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Liveness, readiness and Prometheus metrics for every service. */
@Public()
@Controller()
export class OperationsController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'alive' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await runReadinessChecks(this.checks);
    reply.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: report.ready ? 'ready' : 'not_ready', ...report.checks };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape() {
    return this.metrics.registry.metrics();
  }
}
