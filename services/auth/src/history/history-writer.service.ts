import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AgentEventV1 } from '@mosaic/contracts';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { HISTORY_STORE } from './history-store.provider';
import { AuthConfig } from '../config';
import { HistoryEvent, HistoryStore, isHistoryEvent } from '@mosaic/persistence';

interface Pending {
  event: HistoryEvent;
  settle: (error?: unknown) => void;
}

/** Thrown for an event whose run is not known yet (its first event has not been written). */
export class UnknownRunError extends Error {
  constructor(queryId: string) {
    super(`no run ${queryId} yet`);
    this.name = 'UnknownRunError';
  }
}

/**
 * Writes history off the hot path: events are collected for up to HISTORY_FLUSH_MS (or
 * HISTORY_BATCH_SIZE events) and written together, one transaction per tenant. A message is
 * acknowledged only once its batch is committed, so a crash loses nothing: JetStream delivers
 * the unacknowledged events again, and the writes are idempotent.
 */
@Injectable()
export class HistoryWriter implements OnApplicationShutdown {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    @Inject(HISTORY_STORE) private readonly repository: HistoryStore,
  ) {}

  /** Resolves once the event is stored (or needs no storing); rejects if its batch failed. */
  record(event: AgentEventV1): Promise<void> {
    if (!isHistoryEvent(event)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, settle: (error) => (error ? reject(error) : resolve()) });
      if (this.pending.length >= this.config.HISTORY_BATCH_SIZE) this.flushSoon(0);
      else this.flushSoon(this.config.HISTORY_FLUSH_MS);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const end = this.metrics.historyBatchDuration.startTimer();
    try {
      const byTenant = await this.groupByTenant(batch);
      for (const [tenantId, items] of byTenant) {
        try {
          await this.repository.apply(tenantId, items.map((i) => i.event));
          for (const item of items) item.settle();
        } catch (error) {
          this.logger.error({ err: error, tenant_id: tenantId, events: items.length }, 'history batch failed');
          for (const item of items) item.settle(error);
        }
      }
      end({ outcome: 'success' });
      this.metrics.historyEventsWritten.inc(batch.length);
    } catch (error) {
      end({ outcome: 'error' });
      this.logger.error({ err: error, events: batch.length }, 'history batch failed');
      for (const item of batch) item.settle(error);
    }
  }

  /** Groups a batch by tenant, keeping event order; events of unknown runs are sent back for later. */
  private async groupByTenant(batch: Pending[]): Promise<Map<string, Pending[]>> {
    const known = new Map<string, string>();
    for (const { event } of batch) if (event.event_type === 'query_accepted') known.set(event.query_id, event.tenant_id);
    const unknown = [...new Set(batch.map((p) => p.event.query_id).filter((id) => !known.has(id)))];
    for (const [queryId, tenantId] of await this.repository.tenantsOf(unknown)) known.set(queryId, tenantId);
    const groups = new Map<string, Pending[]>();
    for (const item of batch) {
      const tenantId = known.get(item.event.query_id);
      if (!tenantId) {
        item.settle(new UnknownRunError(item.event.query_id));
        continue;
      }
      groups.set(tenantId, [...(groups.get(tenantId) ?? []), item]);
    }
    return groups;
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.flushing;
    await this.flush();
  }
}
