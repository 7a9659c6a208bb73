import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChatMessageRequest, ChatTurn, ClientDetails, ConversationView, HISTORY_SUBJECTS, Principal } from '@mosaic/contracts';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { ApiError } from '@mosaic/runtime';
import { RegisteredSourcesService } from '../mcp-servers/registered-sources.service';
import { AcceptedQuery, QueryService } from '../query/query.service';
import { SourcesService } from '../sources/sources.service';

/** Earlier turns given as context to the next, and how much of each. */
const MAX_TURNS = 10;
const MAX_TURN_CHARS = 2000;

export interface AcceptedTurn extends AcceptedQuery {
  sessionId: string;
}

/**
 * One turn of a single-source chat: a query restricted to the session's datasource, with the
 * session's earlier turns as context, recorded in the session's history.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly queries: QueryService,
    private readonly sources: SourcesService,
    private readonly registered: RegisteredSourcesService,
    private readonly rpc: RpcClient,
  ) {}

  async start(request: ChatMessageRequest, principal: Principal, client: ClientDetails): Promise<AcceptedTurn> {
    const registered = await this.registered.forCaller(principal, client);
    this.sources.assertUsable([request.datasource], registered.map((s) => s.id));
    let history: ChatTurn[] = [];
    if (request.session_id) {
      const session = await this.session(request.session_id, principal, client);
      if (session.datasource !== request.datasource) {
        throw new ApiError(400, 'session_datasource_mismatch', `session ${request.session_id} talks to ${session.datasource}, not ${request.datasource}`);
      }
      history = session.messages.slice(-MAX_TURNS).map((m) => ({ role: m.role, content: m.content.slice(0, MAX_TURN_CHARS) }));
    }
    const sessionId = request.session_id ?? randomUUID();
    const accepted = await this.queries.submit({ query: request.message, sources: [request.datasource] }, principal, client, {
      kind: 'chat',
      conversationId: sessionId,
      datasource: request.datasource,
      history,
    });
    return { ...accepted, sessionId };
  }

  private async session(id: string, principal: Principal, client: ClientDetails): Promise<ConversationView> {
    try {
      return await this.rpc.call<ConversationView>(HISTORY_SUBJECTS.getConversation, { principal, client, id }, 10_000);
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) throw new ApiError(404, 'not_found', 'no such session');
      throw error;
    }
  }
}
