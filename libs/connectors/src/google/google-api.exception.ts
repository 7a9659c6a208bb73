import { ApiException, ApiExceptionOptions } from '../http/api.exception';

/** Why a Google Workspace API call (or a Google MCP tool call) failed. Returned to MCP clients; never renamed in place. */
export enum GoogleApiErrorCode {
  /** 401: the access token is invalid, expired (they last an hour) or revoked. */
  CredentialsRejected = 'credentials_rejected',
  /** 429, or 403 with reason rateLimitExceeded / userRateLimitExceeded, still limited after the bounded waits. */
  RateLimited = 'rate_limited',
  /** Any other 403: the token lacks the scope, or the user may not see the resource. */
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  /** Any other 4xx (a malformed range, a bad page token). */
  InvalidRequest = 'invalid_request',
  /** 5xx or a network failure, still failing after the bounded retries. */
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  /** Google answered with something that is not the documented shape. */
  UnexpectedResponse = 'unexpected_response',
}

export class GoogleApiException extends ApiException<GoogleApiErrorCode> {
  constructor(code: GoogleApiErrorCode, message: string, options?: ApiExceptionOptions) {
    super('GoogleApiException', code, message, options);
  }
}
