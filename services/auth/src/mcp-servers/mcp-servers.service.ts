import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DiscoveredTool,
  isRegisteredSource,
  MCP_SERVER_SUBJECTS,
  McpServerRequest,
  McpServerSpec,
  McpServerView,
  PinnedTool,
  Principal,
  REGISTERED_SOURCE_PREFIX,
  registeredSourceId,
  ResolvedMcpServer,
} from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { EntityManager, LockMode, McpServerEntity, MikroORM, UniqueConstraintViolationException, withTenant } from '@mosaic/persistence';
import { LOGGER } from '@mosaic/runtime';
import { CredentialVault, isSecurityException, SecurityErrorCode } from '@mosaic/security';
import { AuditService } from '../audit/audit.service';
import { client } from '../identity/identity.service';
import { ORM } from '../persistence.provider';
import { envelopeKeyId, mcpHeadersContext } from './mcp-server-vault';

const toView = (row: McpServerEntity): McpServerView => ({
  id: row.id,
  source: registeredSourceId(row.name),
  name: row.name,
  description: row.description,
  transport: row.transport,
  url: row.url,
  command: row.command,
  header_names: [...row.headerNames],
  // The input schemas stay with the workers: the view is for people deciding what to approve.
  tools: row.tools.map(({ name, description, read_only, hash, status }) => ({ name, description, read_only, hash, status })),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

const pin = (tools: readonly DiscoveredTool[], status: PinnedTool['status']): PinnedTool[] =>
  tools.map(({ name, description, input_schema, read_only, hash }) => ({ name, description, input_schema, read_only, hash, status }));

// One answer for "never existed" and "another tenant's": ids must not reveal other tenants' rows.
const notFound = (what: string) => new RpcError(404, 'not_found', `no MCP server ${what}`);
const nameTaken = (name: string) => new RpcError(409, 'name_taken', `an MCP server named ${name} is already registered`);

function requireAdmin(principal: Principal, action: string): void {
  if (principal.role !== 'admin' || !principal.scopes.includes('admin')) {
    throw new RpcError(403, 'forbidden', `only tenant admins may ${action} MCP servers`);
  }
}

/**
 * The MCP servers a tenant registers as sources. Header values (tokens) are sealed in the
 * vault, bound to tenant, server and URL (see `mcpHeadersContext`), and leave only through
 * `resolve`, which only worker identities may call; views and audit entries carry their names.
 */
@Injectable()
export class McpServersService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
  ) {}

  /** Stores a registration with the tools the worker discovered, all approved. Admins only. */
  async create(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.create>): Promise<McpServerView> {
    const { principal, request } = rpc;
    requireAdmin(principal, 'register');
    // The id is chosen here because the envelope's AAD names it.
    const id = randomUUID();
    const url = request.transport === 'http' ? request.url : null;
    const headers = request.transport === 'http' ? (request.headers ?? {}) : {};
    const headerNames = Object.keys(headers).sort();
    const envelope = url !== null && headerNames.length > 0 ? this.seal(headers, principal.tenant_id, id, url) : null;
    let row: McpServerEntity;
    try {
      row = await withTenant(this.orm, principal.tenant_id, async (em) => {
        if ((await em.count(McpServerEntity, { name: request.name })) > 0) throw nameTaken(request.name);
        return em.create(McpServerEntity, {
          id,
          tenant: principal.tenant_id,
          name: request.name,
          description: request.description,
          transport: request.transport,
          url,
          command: request.transport === 'stdio' ? request.command : null,
          headerNames,
          headersEnvelope: envelope,
          keyId: envelope === null ? null : envelopeKeyId(envelope),
          tools: pin(rpc.tools, 'approved'),
          createdBy: principal.user_id,
        });
      });
    } catch (error) {
      // Two registrations racing for one name: the unique constraint decides.
      if (error instanceof UniqueConstraintViolationException) throw nameTaken(request.name);
      throw error;
    }
    await this.audit.record({
      tenantId: principal.tenant_id,
      userId: principal.user_id,
      action: 'mcp_server.create',
      outcome: 'success',
      target: row.id,
      details: { name: row.name, transport: row.transport, header_names: headerNames, tools: row.tools.map((t) => t.name) },
      ...client(rpc.client),
    });
    return toView(row);
  }

  /** The tenant's registrations, by name. Any member may list them: views hold no secret. */
  async list(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.list>): Promise<McpServerView[]> {
    const rows = await withTenant(this.orm, rpc.principal.tenant_id, (em) => em.find(McpServerEntity, {}, { orderBy: { name: 'asc' } }));
    return rows.map(toView);
  }

  async get(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.get>): Promise<McpServerView> {
    const row = await withTenant(this.orm, rpc.principal.tenant_id, (em) => em.findOne(McpServerEntity, { id: rpc.id }));
    if (!row) throw notFound(rpc.id);
    return toView(row);
  }

  async delete(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.delete>): Promise<{ message: string }> {
    const { principal } = rpc;
    requireAdmin(principal, 'delete');
    const name = await withTenant(this.orm, principal.tenant_id, async (em) => {
      const row = await em.findOne(McpServerEntity, { id: rpc.id });
      if (!row) return null;
      em.remove(row);
      return row.name;
    });
    if (name === null) throw notFound(rpc.id);
    await this.audit.record({
      tenantId: principal.tenant_id,
      userId: principal.user_id,
      action: 'mcp_server.delete',
      outcome: 'success',
      target: rpc.id,
      details: { name },
      ...client(rpc.client),
    });
    return { message: `MCP server ${name} deleted` };
  }

  /** Replaces the pins with the tools as rediscovered now, all approved again. Admins only. */
  async approve(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.approve>): Promise<McpServerView> {
    const { principal } = rpc;
    requireAdmin(principal, 'approve tools of');
    const row = await withTenant(this.orm, principal.tenant_id, async (em) => {
      const found = await this.lockedServer(em, rpc.id);
      if (!found) return null;
      found.tools = pin(rpc.tools, 'approved');
      found.updatedAt = new Date();
      return found;
    });
    if (!row) throw notFound(rpc.id);
    await this.audit.record({
      tenantId: principal.tenant_id,
      userId: principal.user_id,
      action: 'mcp_server.approve',
      outcome: 'success',
      target: row.id,
      details: { name: row.name, tools: row.tools.map((t) => t.name) },
      ...client(rpc.client),
    });
    return toView(row);
  }

  /** The launch spec, with the header values decrypted, and every pin. Workers only (NATS permissions). */
  async resolve(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.resolve>): Promise<ResolvedMcpServer> {
    if (!isRegisteredSource(rpc.source)) throw notFound(rpc.source);
    const name = rpc.source.slice(REGISTERED_SOURCE_PREFIX.length);
    const row = await withTenant(this.orm, rpc.tenant_id, (em) => em.findOne(McpServerEntity, { name }));
    if (!row) throw notFound(rpc.source);
    return {
      id: row.id,
      source: registeredSourceId(row.name),
      name: row.name,
      description: row.description,
      spec: this.spec(row, rpc.tenant_id),
      tools: row.tools.map((t) => ({ ...t })),
    };
  }

  /**
   * A worker saw tools whose definition no longer matches the pin (`changed`) or that were never
   * pinned (`added`): they are disabled until an admin approves again. Idempotent: a redelivered
   * report changes nothing and records nothing. Workers only (NATS permissions).
   */
  async reportDrift(rpc: McpServerRequest<typeof MCP_SERVER_SUBJECTS.reportDrift>): Promise<{ changed: number }> {
    const outcome = await withTenant(this.orm, rpc.tenant_id, async (em) => {
      // Locked: two workers reporting at once must not lose each other's marks.
      const row = await this.lockedServer(em, rpc.id);
      if (!row) return null;
      const reported = new Set(rpc.changed);
      const marked = row.tools.filter((t) => reported.has(t.name) && t.status !== 'changed').map((t) => t.name);
      const pinned = new Set(row.tools.map((t) => t.name));
      const added = rpc.added.filter((t) => !pinned.has(t.name));
      if (marked.length + added.length > 0) {
        const markedSet = new Set(marked);
        row.tools = [...row.tools.map((t) => (markedSet.has(t.name) ? { ...t, status: 'changed' as const } : t)), ...pin(added, 'new')];
        row.updatedAt = new Date();
      }
      return { name: row.name, marked, added: added.map((t) => t.name) };
    });
    if (!outcome) throw notFound(rpc.id);
    const changed = outcome.marked.length + outcome.added.length;
    if (changed > 0) {
      this.logger.warn({ tenant_id: rpc.tenant_id, mcp_server_id: rpc.id, changed: outcome.marked.length, added: outcome.added.length }, 'mcp server tools drifted from their pins');
      await this.audit.record({
        tenantId: rpc.tenant_id,
        action: 'mcp_server.drift',
        outcome: 'success',
        target: rpc.id,
        details: { name: outcome.name, changed: outcome.marked, added: outcome.added },
      });
    }
    return { changed };
  }

  private lockedServer(em: EntityManager, id: string): Promise<McpServerEntity | null> {
    return em.findOne(McpServerEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  private seal(headers: Record<string, string>, tenantId: string, serverId: string, url: string): string {
    try {
      return this.vault.encrypt(headers, mcpHeadersContext(tenantId, serverId, url));
    } catch (error) {
      // The vault's size limit is the only refusal a valid request can meet.
      if (isSecurityException(error) && error.code === SecurityErrorCode.CredentialInvalid) {
        throw new RpcError(400, 'validation_error', 'headers are too large: at most 64 KiB in all');
      }
      throw error;
    }
  }

  private spec(row: McpServerEntity, tenantId: string): McpServerSpec {
    if (row.transport === 'stdio') return { transport: 'stdio', command: row.command as string };
    const url = row.url as string;
    if (row.headersEnvelope === null) return { transport: 'http', url, headers: {} };
    try {
      return { transport: 'http', url, headers: this.vault.decrypt(row.headersEnvelope, mcpHeadersContext(tenantId, row.id, url)) };
    } catch (error) {
      if (!isSecurityException(error)) throw error;
      // Tampered with, moved to another row, its URL changed, or its key removed from the ring.
      this.logger.error({ code: error.code, tenant_id: tenantId, mcp_server_id: row.id }, 'stored MCP server headers do not decrypt');
      throw new RpcError(409, 'mcp_server_unreadable', `the stored headers of ${registeredSourceId(row.name)} cannot be decrypted; register it again`);
    }
  }
}
