import { ApiException, ApiExceptionOptions } from '../http/api.exception';

/** Why a Shopify Admin API call (or a Shopify MCP tool call) failed. Returned to MCP clients; never renamed in place. */
export enum ShopifyApiErrorCode {
  /** 401 or 403: the access token is invalid, revoked, or lacks the read scope. */
  CredentialsRejected = 'credentials_rejected',
  /** 429 with a Retry-After longer than we wait, or a second 429 after waiting once. */
  RateLimited = 'rate_limited',
  NotFound = 'not_found',
  /** Any other 4xx (a bad filter, an invalid page_info). */
  InvalidRequest = 'invalid_request',
  /** 5xx or a network failure, still failing after the bounded retries. */
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  /** Shopify answered with something that is not the documented shape. */
  UnexpectedResponse = 'unexpected_response',
}

export class ShopifyApiException extends ApiException<ShopifyApiErrorCode> {
  constructor(code: ShopifyApiErrorCode, message: string, options?: ApiExceptionOptions) {
    super('ShopifyApiException', code, message, options);
  }
}
