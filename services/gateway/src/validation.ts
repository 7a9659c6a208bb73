import { ParseUUIDPipe } from '@nestjs/common';
import { ZodTypeAny, z } from 'zod';
import { ApiError } from '@mosaic/runtime';

/** Parses a JSON body with its schema; a 400 `validation_error` names every problem. */
export function parseBody<S extends ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'validation_error', 'request body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError(400, 'validation_error', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return parsed.data;
}

/** A path id that is not a UUID names nothing: 404 with `message`, like another tenant's id. */
export const uuidOr404 = (message: string): ParseUUIDPipe => new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'not_found', message) });
