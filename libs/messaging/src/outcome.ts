/**
 * What a handler decided about a message. The transport turns it into
 * ack / nak(delay) / term; handlers never touch the message directly.
 */
export type HandlerOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'give_up'; readonly reason: string };

export const Outcome = {
  done: (): HandlerOutcome => ({ kind: 'done' }),
  retry: (delayMs: number, reason: string): HandlerOutcome => ({ kind: 'retry', delayMs, reason }),
  giveUp: (reason: string): HandlerOutcome => ({ kind: 'give_up', reason }),
} as const;

export function isHandlerOutcome(value: unknown): value is HandlerOutcome {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['done', 'retry', 'give_up'].includes((value as { kind?: string }).kind ?? '')
  );
}
