import { ApiException, ApiExceptionOptions } from '../http/api.exception';

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

export class GithubApiException extends ApiException<GithubApiErrorCode> {
  constructor(code: GithubApiErrorCode, message: string, options?: ApiExceptionOptions) {
    super('GithubApiException', code, message, options);
  }
}
