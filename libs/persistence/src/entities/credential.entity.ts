import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

/**
 * A user's secret for one data source (an OAuth token, a database password, ...), stored
 * only as an AES-256-GCM envelope; encryption and decryption live in the service that owns
 * the keys. At most one per (tenant, user, datasource).
 */
@Entity({ tableName: 'credentials' })
export class Credential {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  @ManyToOne({ entity: () => User, ref: true, fieldName: 'user_id' })
  user!: Ref<User>;

  /** The connector id, e.g. `postgres` or `github`. */
  @Property({ type: t.text })
  datasource!: string;

  /** The encrypted envelope (ciphertext, IV, tag), as text; never the plaintext. */
  @Property({ type: t.text, hidden: true })
  envelope!: string;

  /** Which version of the encryption key sealed `envelope`, so keys can rotate. */
  @Property({ type: t.text })
  keyId!: string;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: t.datetime, columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
