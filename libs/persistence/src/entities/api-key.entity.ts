import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

/**
 * An API key. Only its public prefix and the SHA-256 hex of the whole key are stored;
 * the key itself is shown once at creation. The prefix is unique across tenants, so a
 * request's key is found before its tenant is known: see `findApiKeyByPrefix`.
 */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  [OptionalProps]?: 'id' | 'createdAt' | 'scopes' | 'expiresAt' | 'lastUsedAt' | 'revokedAt';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  @ManyToOne({ entity: () => User, ref: true, fieldName: 'user_id' })
  user!: Ref<User>;

  @Property({ type: t.text })
  name!: string;

  @Property({ type: t.text })
  prefix!: string;

  /** Lower-case hex SHA-256 of the full key (64 characters). */
  @Property({ type: t.character, columnType: 'char(64)', length: 64, hidden: true })
  keyHash!: string;

  @Property({ type: t.array, columnType: 'text[]' })
  scopes: string[] = [];

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
