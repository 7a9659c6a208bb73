/** Why a GitHub API call failed. Returned to MCP clients as the tool error's code; never renamed in place. */
export enum GithubApiErrorCode {
  CredentialsRejected = 'credentials_rejected',
  RateLimited = 'rate_limited',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  InvalidRequest = 'invalid_request',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  UnexpectedResponse = 'unexpected_response',
  WritesDisabled = 'writes_disabled',
  MissingOwner = 'missing_owner',
  RequestFailed = 'request_failed',
}

export class GithubApiException extends Error {
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** Seconds until GitHub accepts requests again (rate limits only). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: GithubApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'GithubApiException';
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
