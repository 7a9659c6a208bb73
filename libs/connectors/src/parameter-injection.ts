/**
 * Parameter injection (seed §3.2, §6.1): context the model or the local strategy should not
 * have to guess is filled into tool arguments where the connector declares it — the asking
 * user's email, a default project or channel from their credentials, the time window the
 * question names. An argument the caller already set is never overwritten.
 */

/** Where an injected value comes from. */
export type InjectionSource =
  | { kind: 'user_email' }
  /** A credential field, e.g. `default_project`. */
  | { kind: 'credential'; field: string }
  /** The start of the time window named in the question ("since yesterday", "last week"), ISO 8601. */
  | { kind: 'window_start' }
  /** The end of that window, ISO 8601. */
  | { kind: 'window_end' };

export interface ParameterInjection {
  /** Tool name, or `*` for every tool that declares the parameter. */
  tool: string;
  param: string;
  from: InjectionSource;
}

export interface InjectionContext {
  query: string;
  credentials: Readonly<Record<string, string>>;
  userEmail?: string;
  now?: Date;
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

const DAY = 24 * 60 * 60 * 1000;

/** The time window a question names, if any ("today", "yesterday", "last 3 days", "this week", "last month"). */
export function timeWindow(query: string, now: Date = new Date()): TimeWindow | undefined {
  const q = query.toLowerCase();
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const lastN = /\b(?:last|past)\s+(\d{1,3})\s+(day|week|month|hour)s?\b/.exec(q);
  if (lastN) {
    const n = Number(lastN[1]);
    const unit = { hour: DAY / 24, day: DAY, week: 7 * DAY, month: 30 * DAY }[lastN[2] as 'hour' | 'day' | 'week' | 'month'];
    return { start: new Date(now.getTime() - n * unit), end: now };
  }
  if (/\btoday\b/.test(q)) return { start: startOfDay, end: now };
  if (/\byesterday\b/.test(q)) return /\bsince yesterday\b/.test(q) ? { start: new Date(startOfDay.getTime() - DAY), end: now } : { start: new Date(startOfDay.getTime() - DAY), end: startOfDay };
  if (/\b(?:this|past|last)\s+week\b/.test(q)) return { start: new Date(now.getTime() - 7 * DAY), end: now };
  if (/\b(?:this|past|last)\s+month\b/.test(q)) return { start: new Date(now.getTime() - 30 * DAY), end: now };
  return undefined;
}

/** Returns `args` with the connector's declared injections filled in (a new object). */
export function injectParameters(
  injections: readonly ParameterInjection[],
  tool: string,
  args: Readonly<Record<string, unknown>>,
  context: InjectionContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  const window = timeWindow(context.query, context.now);
  for (const injection of injections) {
    if (injection.tool !== '*' && injection.tool !== tool) continue;
    if (out[injection.param] !== undefined) continue;
    const value = valueOf(injection.from, context, window);
    if (value !== undefined && value !== '') out[injection.param] = value;
  }
  return out;
}

function valueOf(from: InjectionSource, context: InjectionContext, window: TimeWindow | undefined): string | undefined {
  switch (from.kind) {
    case 'user_email':
      return context.userEmail;
    case 'credential':
      return context.credentials[from.field];
    case 'window_start':
      return window?.start.toISOString();
    case 'window_end':
      return window?.end.toISOString();
  }
}
