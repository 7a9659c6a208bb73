import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, OptionalProps, PrimaryKey, Property, t } from '@mikro-orm/core';

/**
 * An organisation using Mosaic. Row-level security keys this table on `id` (every other
 * table on `tenant_id`), so a session sees exactly its own tenant row.
 *
 * Types are explicit on every property: nothing depends on decorator metadata.
 */
@Entity({ tableName: 'tenants' })
export class Tenant {
  [OptionalProps]?: 'id' | 'createdAt' | 'rateLimitPerMinute' | 'rateLimitPerHour' | 'tokenBudget';

  @PrimaryKey({ type: t.uuid })
  id: string = randomUUID();

  @Property({ type: t.text })
  name!: string;

  /** Globally unique, URL-safe handle. */
  @Property({ type: t.text })
  slug!: string;

  /** `null`: the platform default (60/min). */
  @Property({ type: t.integer, nullable: true })
  rateLimitPerMinute: number | null = null;

  /** `null`: the platform default (1000/h). */
  @Property({ type: t.integer, nullable: true })
  rateLimitPerHour: number | null = null;

  /** Model tokens the tenant may spend; `null`: unlimited. A bigint column read as a JS number (exact below 2^53). */
  @Property({ type: new BigIntType('number'), nullable: true })
  tokenBudget: number | null = null;

  @Property({ type: t.datetime, columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
