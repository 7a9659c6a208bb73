import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

export const MCP_TRANSPORTS = ['http', 'stdio'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/**
 * One tool as pinned at registration or at the last approval: what the server described and the
 * hash of it. Only `approved` tools may be called; `changed` and `new` wait for an admin.
 * (Structurally `PinnedTool` of `@mosaic/contracts`; this library does not depend on contracts.)
 */
export interface McpServerToolPin {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  read_only: boolean;
  hash: string;
  status: 'approved' | 'changed' | 'new';
}

/**
 * An MCP server a tenant registered as the source `mcp-<name>`. The header values (tokens) are
 * stored only as one vault envelope, sealed by the auth service; `headerNames` lists their names
 * so they can be shown without decrypting. Named `...Entity` because `McpServer` is the MCP SDK's
 * server class, which the workers import too.
 */
@Entity({ tableName: 'mcp_servers' })
export class McpServerEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'url' | 'command' | 'headerNames' | 'headersEnvelope' | 'keyId' | 'tools' | 'createdBy';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  /** Unique within the tenant; the source id is `mcp-<name>`. */
  @Property({ type: t.text })
  name!: string;

  @Property({ type: t.text })
  description!: string;

  @Property({ type: t.text })
  transport!: McpTransport;

  /** Set exactly when `transport` is `http`. */
  @Property({ type: t.text, nullable: true })
  url: string | null = null;

  /** The id of an operator allow-listed command; set exactly when `transport` is `stdio`. */
  @Property({ type: t.text, nullable: true })
  command: string | null = null;

  /** Names of the headers sealed in `headersEnvelope`, sorted; never their values. */
  @Property({ type: t.array, columnType: 'text[]' })
  headerNames: string[] = [];

  /** The header values as one encrypted envelope; `null` when the server takes no headers. */
  @Property({ type: t.text, nullable: true, hidden: true })
  headersEnvelope: string | null = null;

  /** Which vault key sealed `headersEnvelope` (for rotation); `null` exactly when it is. */
  @Property({ type: t.text, nullable: true })
  keyId: string | null = null;

  @Property({ type: t.json, columnType: 'jsonb' })
  tools: McpServerToolPin[] = [];

  /** The admin who registered it; `null` once that user is deleted. */
  @ManyToOne({ entity: () => User, ref: true, fieldName: 'created_by', nullable: true })
  createdBy: Ref<User> | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}
