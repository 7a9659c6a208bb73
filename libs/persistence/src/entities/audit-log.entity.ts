import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';

/**
 * One security-relevant event (sign-in, key created, credential changed, ...). `userId`
 * is not a foreign key: the record outlives the user it names.
 */
@Entity({ tableName: 'audit_logs' })
export class AuditLog {
  [OptionalProps]?: 'id' | 'createdAt' | 'userId' | 'target' | 'ip' | 'userAgent' | 'details';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  @Property({ type: t.uuid, nullable: true })
  userId: string | null = null;

  /** What happened, e.g. `auth.login`, `api_key.create`. */
  @Property({ type: t.text })
  action!: string;

  /** What it happened to, e.g. an API key id. */
  @Property({ type: t.text, nullable: true })
  target: string | null = null;

  /** e.g. `success`, `failure`, `denied`. */
  @Property({ type: t.text })
  outcome!: string;

  @Property({ type: t.text, nullable: true })
  ip: string | null = null;

  @Property({ type: t.text, nullable: true })
  userAgent: string | null = null;

  /** Never a secret, token or credential. */
  @Property({ type: t.json, columnType: 'jsonb' })
  details: Record<string, unknown> = {};

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
