import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, MikroORM, withTenant } from '@mosaic/persistence';
import { Logger } from '@mosaic/observability';
import { LOGGER } from '@mosaic/runtime';
import { ORM } from '../persistence.provider';

export interface AuditEntry {
  tenantId: string;
  userId?: string | null;
  action: string;
  outcome: 'success' | 'failure';
  target?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

/** Who did what, when, from where. Never records secrets: callers pass ids and names only. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await withTenant(this.orm, entry.tenantId, async (em) => {
        em.create(AuditLog, {
          tenant: entry.tenantId,
          userId: entry.userId ?? null,
          action: entry.action,
          outcome: entry.outcome,
          target: entry.target ?? null,
          ip: entry.ip ?? null,
          userAgent: entry.userAgent ?? null,
          details: entry.details ?? {},
        });
      });
    } catch (error) {
      // An audit write must never turn a successful action into a failure; it is logged instead.
      this.logger.error({ err: error, action: entry.action, tenant_id: entry.tenantId }, 'audit record failed');
    }
  }
}
