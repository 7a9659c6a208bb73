/** Why a Jira API call failed. Returned to MCP clients as the tool error's code; never renamed in place. */
export enum JiraApiErrorCode {
  CredentialsRejected = 'credentials_rejected',
  RateLimited = 'rate_limited',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  InvalidRequest = 'invalid_request',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  UnexpectedResponse = 'unexpected_response',
  MissingProject = 'missing_project',
}

export class JiraApiException extends Error {
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** Seconds until Jira accepts requests again (rate limits only). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: JiraApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'JiraApiException';
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
