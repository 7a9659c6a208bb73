// zod/v4 for z.iso.datetime (zod 3.25 ships it under this path).
import { z } from 'zod/v4';
import type { DigestWindow } from './connector';

const DAY_MS = 24 * 60 * 60 * 1000;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A digest window as the caller sends it; `since` must come before `until`. */
export const DigestWindowSchema = z
  .object({
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }),
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Lisbon').optional(),
    userEmail: z.email().optional(),
  })
  .refine((w) => Date.parse(w.since) < Date.parse(w.until), { message: 'must be before until', path: ['since'] });

/** A checked digest window: instants in epoch milliseconds, the time zone resolved (UTC by default). */
export interface DigestBounds {
  since: number;
  until: number;
  timeZone: string;
  userEmail?: string;
}

/** Checks a digest window once; every digest strategy starts here. */
export function digestBounds(window: DigestWindow): DigestBounds {
  const parsed = DigestWindowSchema.safeParse(window);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`invalid digest window: ${issue?.path.join('.') || 'window'} ${issue?.message ?? 'is invalid'}`, { cause: parsed.error });
  }
  return {
    since: Date.parse(parsed.data.since),
    until: Date.parse(parsed.data.until),
    timeZone: parsed.data.timeZone ?? 'UTC',
    ...(parsed.data.userEmail ? { userEmail: parsed.data.userEmail } : {}),
  };
}

/**
 * Epoch milliseconds of a time as SaaS APIs write it: ISO 8601, also with Jira's `+0000`
 * offset; NaN when it is not a time.
 */
export function instantOf(value: string): number {
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** Whether a time lies inside the window (`since < time <= until`); APIs round their own filters, so strategies check again. */
export function isWithin(bounds: DigestBounds, time: string | number | null | undefined): boolean {
  if (time === null || time === undefined) return false;
  const at = typeof time === 'number' ? time : instantOf(time);
  return Number.isFinite(at) && at > bounds.since && at <= bounds.until;
}

/** The calendar day an instant falls on in a time zone, with its start and (exclusive) end as instants. */
export function dayIn(timeZone: string, instant: number): { date: string; start: number; end: number } {
  const local = wallClock(timeZone, instant);
  const midnight = Date.UTC(local.year, local.month - 1, local.day);
  return {
    date: new Date(midnight).toISOString().slice(0, 10),
    start: localMidnight(timeZone, midnight),
    end: localMidnight(timeZone, midnight + DAY_MS),
  };
}

/** `2025-03-12 10:00` in the time zone: how a digest item says when. */
export function formatLocal(timeZone: string, instant: number): string {
  const t = wallClock(timeZone, instant);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}`;
}

/** `HH:MM` in the time zone. */
export function formatLocalTime(timeZone: string, instant: number): string {
  return formatLocal(timeZone, instant).slice(11);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(timeZone: string, instant: number): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The zone's UTC offset at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(timeZone: string, instant: number): number {
  const t = wallClock(timeZone, instant);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant local midnight happens, given that midnight written as if it were UTC. */
function localMidnight(timeZone: string, midnightAsUtc: number): number {
  const guess = midnightAsUtc - offsetAt(timeZone, midnightAsUtc);
  // A second pass settles the offset when a DST change lies between the guess and the answer.
  return midnightAsUtc - offsetAt(timeZone, guess);
}
