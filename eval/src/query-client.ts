import { MultiSourceResponse, MultiSourceResponseSchema } from '@mosaic/contracts';

/** The question could not be answered: HTTP error, timeout, or a body that is not a MultiSourceResponse. */
export class QueryFailedError extends Error {}

export interface Answered {
  answer: MultiSourceResponse;
  /** Round trip as the client saw it. */
  ms: number;
}

/** `POST /api/agent/query` like any client; the body is checked against the contract before use. */
export async function askMosaic(url: string, auth: Record<string, string>, query: string, timeoutMs: number): Promise<Answered> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${url}/api/agent/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new QueryFailedError(`no answer within ${timeoutMs} ms or connection failed: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) {
    let reason = text.slice(0, 300);
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body.error) reason = `${body.error.code}: ${body.error.message}`;
    } catch {
      // keep the raw text
    }
    throw new QueryFailedError(`HTTP ${response.status} ${reason}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new QueryFailedError(`the answer is not JSON: ${text.slice(0, 200)}`, { cause: error });
  }
  const parsed = MultiSourceResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new QueryFailedError(`the answer is not a MultiSourceResponse: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { answer: parsed.data, ms };
}
