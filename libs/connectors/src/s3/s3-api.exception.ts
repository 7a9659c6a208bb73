import { ApiException, ApiExceptionOptions } from '../http/api.exception';

/** Why an S3 API call (or an S3 MCP tool call) failed. Returned to MCP clients; never renamed in place. */
export enum S3ApiErrorCode {
  /** 401/403 (InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied, ...): wrong keys or no read permission. */
  CredentialsRejected = 'credentials_rejected',
  /** 429, SlowDown or 503 still throttled after the bounded retries, or a Retry-After longer than we wait. */
  RateLimited = 'rate_limited',
  /** NoSuchBucket, NoSuchKey. */
  NotFound = 'not_found',
  /** Any other 4xx, or a call that names no bucket when none is configured. */
  InvalidRequest = 'invalid_request',
  /** The object is not UTF-8 text (an image, an archive, a PDF): only text content is returned. */
  BinaryContent = 'binary_content',
  /** 5xx or a network failure, still failing after the bounded retries. */
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  /** The store answered with something that is not the documented shape. */
  UnexpectedResponse = 'unexpected_response',
}

export class S3ApiException extends ApiException<S3ApiErrorCode> {
  constructor(code: S3ApiErrorCode, message: string, options?: ApiExceptionOptions) {
    super('S3ApiException', code, message, options);
  }
}
