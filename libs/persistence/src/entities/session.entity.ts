import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

/** One signed-in session; its id is the access token's `jti`, so revoking the row revokes the token. */
@Entity({ tableName: 'sessions' })
export class Session {
  [OptionalProps]?: 'createdAt' | 'revokedAt' | 'ip' | 'userAgent';

  /** The JWT `jti` (a UUID the auth service generates). */
  @PrimaryKey({ type: t.uuid })
  id!: string;

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  @ManyToOne({ entity: () => User, ref: true, fieldName: 'user_id' })
  user!: Ref<User>;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: t.text, nullable: true })
  ip: string | null = null;

  @Property({ type: t.text, nullable: true })
  userAgent: string | null = null;
}
