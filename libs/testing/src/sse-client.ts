import { AgentEventV1 } from '@mosaic/contracts';

export interface ReceivedEvent {
  id?: number;
  event: AgentEventV1;
}

/** Parses a text/event-stream body into events as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        if (field === 'data') data.push(value);
      }
      if (data.length) yield { id, data: data.join('\n') };
    }
  }
}

/**
 * Runs a query through `POST /api/agent/query/stream` and returns every event, calling
 * `onEvent` as each arrives (a test can act mid-stream, e.g. kill a worker).
 */
export async function streamQuery(
  baseUrl: string,
  body: unknown,
  onEvent?: (event: ReceivedEvent) => void | Promise<void>,
  headers: Record<string, string> = {},
): Promise<{ status: number; events: ReceivedEvent[]; queryId?: string }> {
  const response = await fetch(`${baseUrl}/api/agent/query/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const events: ReceivedEvent[] = [];
  if (!response.ok || !response.body) return { status: response.status, events };
  for await (const message of readSse(response.body)) {
    const received: ReceivedEvent = { id: message.id ? Number(message.id) : undefined, event: JSON.parse(message.data) };
    events.push(received);
    await onEvent?.(received);
  }
  return { status: response.status, events, queryId: response.headers.get('x-query-id') ?? undefined };
}
