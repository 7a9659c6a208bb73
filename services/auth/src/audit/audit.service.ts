import { Inject, Injectable } from '@nestjs/common';
import { AuditEntryView, AuthRequest, AUTH_SUBJECTS } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
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

  /** The tenant's audit log, newest first: tenant admins only. */
  async list(rpc: AuthRequest<typeof AUTH_SUBJECTS.listAudit>): Promise<AuditEntryView[]> {
    if (rpc.principal.role !== 'admin' || !rpc.principal.scopes.includes('admin')) {
      throw new RpcError(403, 'forbidden', 'the audit log is for tenant admins');
    }
    const rows = await withTenant(this.orm, rpc.principal.tenant_id, (em) =>
      em.find(AuditLog, rpc.before ? { createdAt: { $lt: new Date(rpc.before) } } : {}, { orderBy: { createdAt: 'desc' }, limit: rpc.limit }),
    );
    return rows.map((r) => ({
      id: r.id,
      user_id: r.userId,
      action: r.action,
      outcome: r.outcome,
      target: r.target,
      ip: r.ip,
      user_agent: r.userAgent,
      details: r.details,
      created_at: r.createdAt.toISOString(),
    }));
  }

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
