export enum PersistenceErrorCode {
  /** A tenant id that is not a UUID: the row-level security setting would never match. */
  InvalidTenantId = 'invalid_tenant_id',
  /** A migration failed; with `allOrNothing`, nothing of the run was applied. */
  MigrationFailed = 'migration_failed',
}

/** Failures of `@mosaic/persistence` itself (database errors from MikroORM pass through unchanged). */
export class PersistenceError extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersistenceError';
  }
}
