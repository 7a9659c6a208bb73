export interface ApiExceptionOptions {
  cause?: unknown;
  /** HTTP status of the last response, when there was one. */
  status?: number;
  /** Seconds until the service accepts requests again (rate limits only). */
  retryAfterSeconds?: number;
}

/** The shape every SaaS connector's API exception shares; each connector keeps its own class and code enum. */
export abstract class ApiException<Code extends string> extends Error {
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** Seconds until the service accepts requests again (rate limits only). */
  readonly retryAfterSeconds?: number;

  protected constructor(
    name: string,
    readonly code: Code,
    message: string,
    options?: ApiExceptionOptions,
  ) {
    super(message, { cause: options?.cause });
    this.name = name;
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
