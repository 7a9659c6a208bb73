import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref, t } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';

export const USER_ROLES = ['admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * A person who signs in to one tenant. The email is unique across all tenants
 * (case-insensitively), so signing in needs no tenant: see `findLoginByEmail`.
 */
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'id' | 'createdAt' | 'failedLoginCount' | 'lockedUntil' | 'lastLogin' | 'previousLogin';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Tenant, ref: true, fieldName: 'tenant_id' })
  tenant!: Ref<Tenant>;

  @Property({ type: t.text })
  email!: string;

  @Property({ type: t.text })
  name!: string;

  /**
   * A password hash string (e.g. argon2id PHC); never the password. Lazy (load it with
   * `populate: ['passwordHash']`) and hidden from serialization, so it does not travel by accident.
   */
  @Property({ type: t.text, lazy: true, hidden: true })
  passwordHash!: string;

  @Property({ type: t.text })
  role!: UserRole;

  @Property({ type: t.integer })
  failedLoginCount: number = 0;

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  lockedUntil: Date | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  lastLogin: Date | null = null;

  /** The login before `lastLogin`, shown to the user ("last signed in ..."). */
  @Property({ type: t.datetime, columnType: 'timestamptz', nullable: true })
  previousLogin: Date | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
