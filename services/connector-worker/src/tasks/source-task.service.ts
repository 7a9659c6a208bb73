import { createHash } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AUTH_SUBJECTS, SOURCE_RESULT_V1, SourceResult, SourceTaskV1, ToolCallRecord } from '@mosaic/contracts';
import {
  ConnectorDefinition,
  credentialsFromEnv,
  getConnector,
  McpSessionPool,
  missingCredentials,
  ToolCaller,
  ToolOutcome,
} from '@mosaic/connectors';
import { HandlerOutcome, JetStreamPublisher, Outcome, QueryEventsPublisher, RpcClient, RpcError } from '@mosaic/messaging';
import { Logger, MosaicMetrics, SpanKind, withSpan } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { WorkerConfig } from '../config';

/**
 * Answers one source's share of a query: calls the connector's MCP tools (each with a
 * timeout bounded by the query deadline), reports progress as events, and publishes
 * exactly one result. Redelivered tasks republish under the same message ids, so the
 * stream drops the duplicates.
 */
@Injectable()
export class SourceTaskService implements OnApplicationShutdown {
  private readonly connector: ConnectorDefinition;
  /** Deployment credentials from the environment: used when the asking user stored none. */
  private readonly deploymentCredentials: Record<string, string>;
  private readonly pool: McpSessionPool;

  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    private readonly publisher: JetStreamPublisher,
    private readonly events: QueryEventsPublisher,
    private readonly rpc: RpcClient,
  ) {
    this.connector = getConnector(config.CONNECTOR)!;
    this.deploymentCredentials = credentialsFromEnv(this.connector, process.env);
    this.pool = new McpSessionPool(config.MCP_IDLE_TIMEOUT_MS);
  }

  async run(task: SourceTaskV1): Promise<HandlerOutcome> {
    const { query_id: queryId, source } = task;
    if (source !== this.connector.metadata.id) return Outcome.giveUp(`task for ${source} reached the ${this.connector.metadata.id} worker`);
    if (Date.now() >= task.deadline) {
      // The synthesizer has already reported this source as timed out.
      this.logger.warn({ query_id: queryId, source }, 'task arrived after its deadline; dropped');
      return Outcome.done();
    }
    const started = Date.now();
    await this.events.emit(queryId, { event_type: 'source_start', source }, `source_start:${source}`);

    const toolCalls: ToolCallRecord[] = [];
    const deadline = new AbortController();
    const deadlineTimer = setTimeout(() => deadline.abort(), task.deadline - Date.now());
    let result: SourceResult;
    try {
      const credentials = await this.credentialsFor(task);
      const missing = missingCredentials(this.connector, credentials);
      if (missing.length) throw new Error(`${source} is not configured (missing ${missing.join(', ')})`);
      const call = this.toolCaller(task, toolCalls, deadline.signal, credentials);
      const answer = await this.connector.localStrategy(task.query, call, credentials);
      result = { source, success: true, summary: answer.summary, items: answer.items, tool_calls: toolCalls, duration_ms: Date.now() - started };
    } catch (error) {
      const message = deadline.signal.aborted ? `${source} timed out` : (error as Error).message;
      this.logger.warn({ query_id: queryId, source, err: error }, 'source task failed');
      result = { source, success: false, error: message, summary: '', items: [], tool_calls: toolCalls, duration_ms: Date.now() - started };
    } finally {
      clearTimeout(deadlineTimer);
    }

    this.metrics.connectorTaskDuration.observe({ connector: source, outcome: result.success ? 'success' : 'failure' }, result.duration_ms / 1000);
    // source_complete before the result: once the result lands, `done` may follow at once.
    await this.events.emit(
      queryId,
      {
        event_type: 'source_complete',
        source,
        success: result.success,
        ...(result.error ? { error: result.error } : {}),
        items: result.items.length,
        duration_ms: result.duration_ms,
      },
      `source_complete:${source}`,
    );
    await this.publisher.publish(SOURCE_RESULT_V1, SOURCE_RESULT_V1, { query_id: queryId, result }, `${queryId}:result:${source}`);
    return Outcome.done();
  }

  /**
   * The asking user's own credentials from the vault (a request only worker identities may
   * make), else the deployment's. Values are never logged.
   */
  private async credentialsFor(task: SourceTaskV1): Promise<Record<string, string>> {
    if (!task.tenant_id || !task.user_id || this.connector.credentialFields.length === 0) return this.deploymentCredentials;
    try {
      const { credentials } = await this.rpc.call<{ credentials: Record<string, string> }>(AUTH_SUBJECTS.resolveCredentials, {
        tenant_id: task.tenant_id,
        user_id: task.user_id,
        datasource: task.source,
        query_id: task.query_id,
      });
      return credentials;
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) return this.deploymentCredentials;
      throw new Error(`credentials for ${task.source} are unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  private toolCaller(task: SourceTaskV1, records: ToolCallRecord[], deadline: AbortSignal, credentials: Record<string, string>): ToolCaller {
    const source = task.source;
    // One MCP session per credential set: users never share a session opened with someone else's secrets.
    const sessionKey = `${source}:${createHash('sha256').update(JSON.stringify(Object.entries(credentials).sort())).digest('hex')}`;
    let sequence = 0;
    return async (tool, args) => {
      const n = sequence++;
      await this.events.emit(task.query_id, { event_type: 'tool_start', source, tool }, `tool_start:${source}:${n}`);
      const started = Date.now();
      let outcome: ToolOutcome | undefined;
      let failure: Error | undefined;
      try {
        outcome = await withSpan(`mcp ${source}.${tool}`, SpanKind.CLIENT, { 'mcp.connector': source, 'mcp.tool': tool }, () =>
          MosaicMetrics.time(
            this.metrics.connectorCallDuration,
            { connector: source, tool },
            async () => {
              deadline.throwIfAborted();
              const session = await this.pool.get(sessionKey, this.connector.launch(credentials));
              const timeoutMs = Math.max(1, Math.min(this.config.TOOL_CALL_TIMEOUT_MS, task.deadline - Date.now()));
              return session.callTool(tool, args, { timeoutMs, signal: deadline });
            },
            (o) => (o.ok ? 'success' : 'tool_error'),
          ),
        );
        return outcome;
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        const duration = Date.now() - started;
        const success = !failure && outcome?.ok === true;
        records.push({
          tool,
          arguments: args,
          success,
          duration_ms: duration,
          ...(success ? {} : { error: failure?.message ?? outcome?.text.slice(0, 500) ?? 'failed' }),
        });
        await this.events.emit(task.query_id, { event_type: 'tool_end', source, tool, success, duration_ms: duration }, `tool_end:${source}:${n}`);
      }
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.closeAll();
  }
}
