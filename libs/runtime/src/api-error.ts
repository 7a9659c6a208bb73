import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ApiErrorBody } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';

/** An error a client caused or should know about, with a stable string code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.headers = options?.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

/** Codes for errors raised by the framework rather than by our handlers. */
function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 422: return 'unprocessable_entity';
    case 429: return 'rate_limited';
    case 503: return 'service_unavailable';
    default: return status >= 500 ? 'internal_error' : 'bad_request';
  }
}

/** Maps any error to the `{"error": {"code", "message"}}` body and its status. */
export function toApiErrorResponse(error: unknown): { status: number; body: ApiErrorBody; headers: Record<string, string> } {
  if (error instanceof ApiError) {
    const body: ApiErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = error.details;
    return { status: error.status, body, headers: error.headers };
  }
  if (error instanceof RpcError) {
    // Errors another service answered on purpose keep their status and code.
    const headers: Record<string, string> = error.retryAfter ? { 'Retry-After': String(error.retryAfter) } : {};
    return { status: error.status, body: { error: { code: error.code, message: error.message } }, headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response && 'message' in response
        ? [(response as { message: unknown }).message].flat().join('; ')
        : error.message;
    return { status, body: { error: { code: codeForStatus(status), message } }, headers: {} };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: 'internal_error', message: 'internal error' } },
    headers: {},
  };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = toApiErrorResponse(error);
    if (status >= 500) this.logger.error({ err: error }, 'request failed');
    if (reply.sent) return;
    reply.status(status).headers(headers).send(body);
  }
}
