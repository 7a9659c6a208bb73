import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { ConversationSummary, ConversationView, HISTORY_CONSUMER, Principal, QueryRunView, STREAMS } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { LOGGER, NATS_CONNECTION } from '@mosaic/runtime';
import { HISTORY_STORE } from './history-store.provider';
import { HistoryStore } from '@mosaic/persistence';

/** Longest a read waits for the history writer to catch up with the events stream. */
const CATCH_UP_MS = 3000;
const POLL_MS = 25;

/**
 * Reads of the caller's own history. Each read first waits until the history writer has stored
 * every event published before the read began (read-your-writes: a client that just received an
 * answer finds it in its history). Another user's ids are indistinguishable from missing ones.
 */
@Injectable()
export class HistoryService {
  private jsm?: Promise<JetStreamManager>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(HISTORY_STORE) private readonly repository: HistoryStore,
  ) {}

  async listConversations(principal: Principal, limit: number, before?: string): Promise<ConversationSummary[]> {
    await this.catchUp();
    return this.repository.listConversations(principal.tenant_id, principal.user_id, limit, before);
  }

  async getConversation(principal: Principal, id: string): Promise<ConversationView> {
    await this.catchUp();
    const conversation = await this.repository.getConversation(principal.tenant_id, principal.user_id, id);
    if (!conversation) throw new RpcError(404, 'not_found', 'no such conversation');
    return conversation;
  }

  async deleteConversation(principal: Principal, id: string): Promise<{ message: string }> {
    await this.catchUp();
    if (!(await this.repository.deleteConversation(principal.tenant_id, principal.user_id, id))) throw new RpcError(404, 'not_found', 'no such conversation');
    return { message: 'Conversation deleted' };
  }

  async listQueries(principal: Principal, limit: number, before?: string): Promise<QueryRunView[]> {
    await this.catchUp();
    return this.repository.listQueries(principal.tenant_id, principal.user_id, limit, before);
  }

  async getQuery(principal: Principal, id: string): Promise<QueryRunView> {
    await this.catchUp();
    const run = await this.repository.getQuery(principal.tenant_id, principal.user_id, id);
    if (!run) throw new RpcError(404, 'not_found', 'no such query');
    return run;
  }

  /** Waits (bounded) until the writer's consumer has acknowledged the stream as it is now. */
  private async catchUp(): Promise<void> {
    try {
      // One manager for the service: creating one asks the server whether JetStream is there.
      const jsm = await (this.jsm ??= jetstreamManager(this.nats));
      const target = (await jsm.streams.info(STREAMS.events.name)).state.last_seq;
      const deadline = Date.now() + CATCH_UP_MS;
      while (Date.now() < deadline) {
        const consumer = await jsm.consumers.info(STREAMS.events.name, HISTORY_CONSUMER);
        if (consumer.ack_floor.stream_seq >= target || (consumer.num_pending === 0 && consumer.num_ack_pending === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      this.logger.warn({ target }, 'history writer did not catch up in time; answering from what is stored');
    } catch (error) {
      this.jsm = undefined;
      this.logger.warn({ err: error }, 'could not check the history writer; answering from what is stored');
    }
  }
}
