import { ApiException, ApiExceptionOptions } from '../http/api.exception';

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

export class JiraApiException extends ApiException<JiraApiErrorCode> {
  constructor(code: JiraApiErrorCode, message: string, options?: ApiExceptionOptions) {
    super('JiraApiException', code, message, options);
  }
}
