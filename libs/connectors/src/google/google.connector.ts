import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, searchTerms, stemSet, truncate } from '@mosaic/llm';
import { z } from 'zod/v4';
import { ConnectorDefinition, DigestWindow, directRoute, StrategyResult, ToolCaller } from '../connector';
import { DigestBounds, digestBounds, dayIn, formatLocal, formatLocalTime, instantOf, isWithin } from '../digest-window';
import { timeWindow } from '../parameter-injection';
import { builtServerEntry } from '../paths';

const MAX_ITEMS = 8;
const EVENTS_SCANNED = 50;
const MESSAGES_SCANNED = 20;
const FILES_SCANNED = 10;
/** Gmail and Drive searches use at most this many of the question's words. */
const MAX_SEARCH_TERMS = 6;
const DOCUMENT_CHARS_READ = 20_000;
const SHEET_ROWS_READ = 200;
const EXCERPT_CHARS = 1_200;
const DAY = 24 * 60 * 60 * 1000;

/**
 * Words that say which Google tool, or frame the question, never what an event, message or file
 * is about: they are left out of searches and of relevance scores.
 */
const META_WORDS = [
  'google', 'workspace', 'calendar', 'calendars', 'meeting', 'meetings', 'event', 'events', 'agenda', 'schedule', 'scheduled',
  'appointment', 'appointments', 'booked', 'upcoming', 'today', 'tonight', 'tomorrow', 'yesterday', 'week', 'weeks', 'month',
  'day', 'days', 'morning', 'afternoon', 'evening', 'next', 'last', 'past', 'recent', 'recently', 'latest', 'new', 'email',
  'emails', 'e-mail', 'e-mails', 'mail', 'mails', 'gmail', 'inbox', 'unread', 'important', 'urgent', 'priority', 'starred',
  'message', 'messages', 'received', 'receive', 'got', 'sent', 'anyone', 'someone', 'drive', 'doc', 'docs', 'document',
  'documents', 'file', 'files', 'folder', 'spreadsheet', 'spreadsheets', 'sheet', 'sheets', 'slides', 'presentation',
  'deck', 'pdf', 'search', 'look', 'read', 'wrote', 'written', 'write', 'content', 'contain', 'contains', 'mention',
  'mentions', 'mentioned', 'shared', 'link', 'time', 'attend', 'attending', 'invited', 'call', 'calls',
  // Conversational verbs: as Gmail or Drive search words they would only filter the answer away.
  'came', 'come', 'coming', 'arrived', 'arrive', 'send', 'sending', 'wrote', 'ask', 'asked', 'asking', 'anything',
  'happen', 'happened', 'happening', 'going', 'check', 'open', 'see', 'seen', 'waiting',
];
const META_WORD_SET = new Set(META_WORDS);
const META_STEMS = new Set(keywords(META_WORDS.join(' ')));

/** Google Workspace through our own read-only MCP server (`google/google-mcp.main.ts`). */
export const googleConnector: ConnectorDefinition = {
  metadata: {
    id: 'google',
    name: 'Google Workspace',
    description: 'Calendar meetings, Gmail messages, and Drive files including Google Docs and Sheets, in Google Workspace',
    icon: 'google',
  },
  // The planner matches stems, so both "meeting" (stem "meet") and "meetings" (stem "meeting") are listed.
  keywords: [
    'google', 'workspace', 'calendar', 'meeting', 'meetings', 'event', 'schedule', 'agenda', 'appointment', 'email',
    'emails', 'mail', 'gmail', 'inbox', 'unread', 'drive', 'doc', 'docs', 'document', 'spreadsheet', 'sheet', 'slides',
    'presentation',
  ],
  // The question's time window, filled in when the call left the bounds out (a model's call; the
  // local strategy sets its own, since "today's meetings" means the whole day, not until now).
  injections: [
    { tool: 'get_events', param: 'time_min', from: { kind: 'window_start' } },
    { tool: 'get_events', param: 'time_max', from: { kind: 'window_end' } },
    { tool: 'list_messages', param: 'after', from: { kind: 'window_start' } },
    { tool: 'list_messages', param: 'before', from: { kind: 'window_end' } },
  ],
  probe: { tool: 'get_events', args: { max_items: 1 } },
  credentialFields: [
    { name: 'access_token', label: 'OAuth 2.0 access token (read-only scopes)', type: 'password', required: true, envVar: 'GOOGLE_ACCESS_TOKEN' },
    { name: 'api_url', label: 'API base URL (a proxy; default Google)', type: 'url', required: false, envVar: 'GOOGLE_API_URL' },
    { name: 'calendar_id', label: 'Calendar id (default primary)', type: 'text', required: false, envVar: 'GOOGLE_CALENDAR_ID' },
  ],
  // First match wins: "an email about the budget spreadsheet" is about mail, "the doc from the
  // design meeting" is about a file. Anything else is a Drive search.
  directRouting: [
    { keywords: ['email', 'emails', 'e-mail', 'e-mails', 'mail', 'inbox', 'gmail', 'unread'], tool: 'list_messages' },
    { keywords: ['spreadsheet', 'spreadsheets', 'sheet', 'sheets'], tool: 'search_drive_files', args: { type: 'spreadsheet' } },
    { keywords: ['doc', 'docs', 'document', 'documents'], tool: 'search_drive_files', args: { type: 'document' } },
    { keywords: ['drive', 'file', 'files', 'folder', 'slides', 'presentation', 'deck', 'pdf'], tool: 'search_drive_files' },
    {
      keywords: ['calendar', 'meeting', 'meetings', 'event', 'events', 'agenda', 'schedule', 'scheduled', 'appointment', 'appointments', '1:1', 'call', 'calls'],
      tool: 'get_events',
    },
  ],
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('google/google-mcp.main.js')],
    env: {
      GOOGLE_ACCESS_TOKEN: credentials['access_token'] ?? '',
      ...(credentials['api_url'] ? { GOOGLE_API_URL: credentials['api_url'] } : {}),
      ...(credentials['calendar_id'] ? { GOOGLE_CALENDAR_ID: credentials['calendar_id'] } : {}),
    },
  }),
  localStrategy: (query, call) => answerFromGoogle(query, call),
  digestStrategy: (window, call) => googleDigest(window, call),
};

/**
 * Routes the question to Calendar, Gmail or Drive, makes one listing call (plus one read of the
 * best Google Doc or Sheet for Drive questions) and turns the results into citeable items.
 */
export async function answerFromGoogle(query: string, call: ToolCaller, now: Date = new Date()): Promise<StrategyResult> {
  const route = directRoute(googleConnector, query);
  if (route?.tool === 'list_messages') return answerFromGmail(query, call, now);
  if (route?.tool === 'get_events') return answerFromCalendar(query, call, now);
  return answerFromDrive(query, call, route?.args?.['type'] as string | undefined);
}

// ---- Calendar ----------------------------------------------------------------------------

/**
 * The span of calendar a question asks about, in UTC (the worker knows no user time zone):
 * whole days for today, tomorrow and yesterday, Monday-to-Monday weeks, the past for "last N
 * days", and the next seven days when it names no time.
 */
export function calendarWindow(query: string, now: Date): { start: Date; end: Date; label: string } {
  const q = query.toLowerCase();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = today - ((now.getUTCDay() + 6) % 7) * DAY;
  const span = (start: number, end: number, label: string) => ({ start: new Date(start), end: new Date(end), label });
  if (/\btomorrow\b/.test(q)) return span(today + DAY, today + 2 * DAY, 'tomorrow');
  if (/\byesterday\b/.test(q)) return span(today - DAY, today, 'yesterday');
  if (/\b(today|tonight|this (morning|afternoon|evening))\b/.test(q)) return span(today, today + DAY, 'today');
  if (/\bnext week\b/.test(q)) return span(monday + 7 * DAY, monday + 14 * DAY, 'next week');
  if (/\bthis week\b/.test(q)) return span(monday, monday + 7 * DAY, 'this week');
  const ahead = /\bnext\s+(\d{1,2})\s+days?\b/.exec(q);
  if (ahead) return span(now.getTime(), now.getTime() + Number(ahead[1]) * DAY, `in the next ${Number(ahead[1])} days`);
  const past = timeWindow(query, now);
  if (past) return span(past.start.getTime(), past.end.getTime(), 'in the period asked about');
  return span(now.getTime(), now.getTime() + 7 * DAY, 'in the next 7 days');
}

async function answerFromCalendar(query: string, call: ToolCaller, now: Date): Promise<StrategyResult> {
  const window = calendarWindow(query, now);
  const { events, truncated } = EventsResultSchema.parse(
    await callJson(call, 'get_events', { time_min: window.start.toISOString(), time_max: window.end.toISOString(), max_items: EVENTS_SCANNED }),
  );
  const topic = topicKeywords(query);
  const items = best(events.map((event) => eventItem(event, topic)));
  const summary = events.length
    ? `${events.length}${truncated ? '+' : ''} calendar event(s) ${window.label}; ${items.length} shown.`
    : `No calendar events ${window.label}.`;
  return { items: items.map(({ item }) => item), summary };
}

function eventItem(event: EventView, topic: readonly string[]): Ranked {
  const title = event.summary ?? '(busy)';
  const when = formatWhen(event.start, event.end, event.all_day);
  const attendees = event.attendees.map((a) => `${a.name ?? a.email ?? 'someone'}${a.response ? ` (${humanResponse(a.response)})` : ''}`);
  const content = [
    `${title}, ${when}`,
    event.location ? `at ${event.location}` : undefined,
    event.organizer ? `organised by ${event.organizer}` : undefined,
    attendees.length ? `attendees: ${attendees.join(', ')}${event.attendee_count > attendees.length ? ` and ${event.attendee_count - attendees.length} more` : ''}` : undefined,
    event.meet_link ? `Meet ${event.meet_link}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const full = event.description ? `${content}. ${event.description}` : `${content}.`;
  return ranked({ id: `event:${event.id}`, title: `${title} (${when})`, url: event.html_link ?? undefined, tool: 'get_events', content: full }, topic, 0.3);
}

/** `2025-03-12 10:00–11:00 UTC`, `2025-03-13 to 2025-03-14 (all day)`, in the calendar's own offset. */
export function formatWhen(start: string | null, end: string | null, allDay: boolean): string {
  if (!start) return 'time unknown';
  if (allDay) {
    // All-day ends are exclusive: a one-day event ends the next day.
    const last = end ? new Date(Date.parse(`${end}T00:00:00Z`) - DAY).toISOString().slice(0, 10) : start;
    return last > start ? `${start} to ${last} (all day)` : `${start} (all day)`;
  }
  const zone = (value: string) => {
    const offset = /(Z|[+-]\d{2}:\d{2})$/i.exec(value)?.[1] ?? '';
    return offset.toUpperCase() === 'Z' || offset === '+00:00' ? 'UTC' : offset ? `UTC${offset}` : '';
  };
  const day = start.slice(0, 10);
  const from = start.slice(11, 16);
  if (!end) return `${day} ${from} ${zone(start)}`.trim();
  const until = end.slice(0, 10) === day ? end.slice(11, 16) : `${end.slice(0, 10)} ${end.slice(11, 16)}`;
  return `${day} ${from}–${until} ${zone(start)}`.trim();
}

function humanResponse(response: string): string {
  return response === 'needsAction' ? 'not answered' : response;
}

// ---- Gmail -------------------------------------------------------------------------------

/** A Gmail search for the question: its flags (unread, important, starred, a sender address) and its own words. */
export function gmailSearchFor(query: string): string {
  const q = query.toLowerCase();
  const parts: string[] = [];
  if (/\b(unread|new (e-?mails?|mails?|messages?))\b|\bhaven'?t read\b/.test(q)) parts.push('is:unread');
  if (/\b(important|urgent|priority)\b/.test(q)) parts.push('is:important');
  if (/\bstarred\b/.test(q)) parts.push('is:starred');
  const address = /\bfrom\s+([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/i.exec(query)?.[1]?.toLowerCase();
  if (address) parts.push(`from:${address}`);
  const addressWords = new Set(address ? searchTerms(address) : []);
  const terms = searchTerms(query)
    .filter((t) => !META_WORD_SET.has(t) && !addressWords.has(t))
    .slice(0, MAX_SEARCH_TERMS);
  // Braces are Gmail's OR: any of the question's words; ranking then prefers messages with more.
  if (terms.length === 1) parts.push(terms[0]!);
  if (terms.length > 1) parts.push(`{${terms.join(' ')}}`);
  if (/\binbox\b/.test(q) || parts.length === 0) parts.unshift('in:inbox');
  return parts.join(' ');
}

async function answerFromGmail(query: string, call: ToolCaller, now: Date): Promise<StrategyResult> {
  const search = gmailSearchFor(query);
  const window = timeWindow(query, now);
  const args = {
    query: search,
    ...(window ? { after: window.start.toISOString(), before: window.end.toISOString() } : {}),
    max_items: MESSAGES_SCANNED,
  };
  const { messages, truncated } = MessagesResultSchema.parse(await callJson(call, 'list_messages', args));
  const topic = topicKeywords(query);
  const items = best(messages.map((message) => messageItem(message, topic)));
  const summary = messages.length
    ? `Gmail search "${search}" found ${messages.length}${truncated ? '+' : ''} message(s); ${items.length} shown.`
    : `Gmail search "${search}" found no messages.`;
  return { items: items.map(({ item }) => item), summary };
}

function messageItem(message: MessageView, topic: readonly string[]): Ranked {
  const subject = message.subject || '(no subject)';
  const sender = message.from ? message.from.replace(/\s*<[^>]*>$/, '').replace(/^"|"$/g, '') || message.from : 'unknown sender';
  const flags = [message.unread ? 'unread' : undefined, message.important ? 'important' : undefined].filter(Boolean);
  const when = message.date ? `${message.date.slice(0, 10)} ${message.date.slice(11, 16)} UTC` : 'unknown date';
  const content =
    `Email from ${message.from ?? 'unknown sender'}${message.to ? ` to ${message.to}` : ''} on ${when}` +
    `${flags.length ? ` (${flags.join(', ')})` : ''}: "${subject}". ${message.snippet}`.trimEnd();
  return ranked({ id: `message:${message.id}`, title: `${subject} — ${sender}`, url: message.url, tool: 'list_messages', content }, topic, 0.3, subject);
}

// ---- Drive, Docs, Sheets -----------------------------------------------------------------

async function answerFromDrive(query: string, call: ToolCaller, type: string | undefined): Promise<StrategyResult> {
  const terms = searchTerms(query)
    .filter((t) => !META_WORD_SET.has(t))
    .slice(0, MAX_SEARCH_TERMS);
  const args = { ...(terms.length ? { keywords: terms, match: 'any' } : {}), ...(type ? { type } : {}), max_items: FILES_SCANNED };
  const { files, truncated } = FilesResultSchema.parse(await callJson(call, 'search_drive_files', args));
  const topic = topicKeywords(query);
  const listed = files.map((file) => fileItem(file, topic));
  const what = terms.length ? `for ${terms.join(', ')}` : 'of recent files';
  if (files.length === 0) return { items: [], summary: `Drive search ${what} found no files.` };

  // Read the most relevant Doc or Sheet: that is where the answer is, not in the file's name.
  const readable = topic.length ? rankedOrder(listed).find((r) => r.overlap > 0 && isReadable(files[r.index]!)) : undefined;
  let note = '';
  if (readable) {
    const file = files[readable.index]!;
    try {
      listed[readable.index] = file.type === 'document' ? await readDocument(call, file, topic) : await readSpreadsheet(call, file, topic);
      note = ` Read "${file.name}".`;
    } catch (error) {
      note = ` Could not read "${file.name}": ${(error as Error).message}`;
    }
  }
  const items = best(listed);
  return {
    items: items.map(({ item }) => item),
    summary: `Drive search ${what} found ${files.length}${truncated ? '+' : ''} file(s); ${items.length} shown.${note}`,
  };
}

function isReadable(file: FileView): boolean {
  return file.type === 'document' || file.type === 'spreadsheet';
}

const KIND_LABEL: Record<string, string> = {
  document: 'Google Doc',
  spreadsheet: 'Google Sheet',
  presentation: 'Google Slides',
  folder: 'Folder',
  pdf: 'PDF',
  other: 'File',
};

function fileItem(file: FileView, topic: readonly string[]): Ranked {
  const content =
    `${KIND_LABEL[file.type] ?? 'File'} "${file.name}" in Google Drive` +
    `${file.owners.length ? `, owned by ${file.owners.join(', ')}` : ''}${file.modified_time ? `, modified ${file.modified_time.slice(0, 10)}` : ''}.` +
    `${file.description ? ` ${file.description}` : ''}`;
  return ranked({ id: `file:${file.id}`, title: file.name, url: file.web_view_link ?? undefined, tool: 'search_drive_files', content }, topic, 0.2, file.name);
}

async function readDocument(call: ToolCaller, file: FileView, topic: readonly string[]): Promise<Ranked> {
  const doc = DocumentResultSchema.parse(await callJson(call, 'get_document', { document_id: file.id, max_chars: DOCUMENT_CHARS_READ }));
  const excerpt = relevantExcerpt(doc.text.split('\n'), topic, doc.title);
  const content = `${excerpt}${doc.truncated ? '\n(Only the start of the document was read.)' : ''}`;
  return ranked(
    { id: `file:${file.id}`, title: doc.title || file.name, url: file.web_view_link ?? doc.url, tool: 'get_document', content },
    topic,
    0.3,
    doc.title,
  );
}

async function readSpreadsheet(call: ToolCaller, file: FileView, topic: readonly string[]): Promise<Ranked> {
  const sheet = SpreadsheetResultSchema.parse(await callJson(call, 'get_spreadsheet', { spreadsheet_id: file.id, max_rows: SHEET_ROWS_READ }));
  const [header = [], ...rows] = sheet.rows;
  const lines = rows.map((row) => row.map((cell, i) => (header[i] ? `${header[i]}: ${cell}` : cell)).filter(Boolean).join(' · '));
  const sheetName = /^'?(.*?)'?!/.exec(sheet.range)?.[1]?.replace(/''/g, "'") ?? sheet.sheets[0]?.title ?? 'Sheet1';
  const excerpt = relevantExcerpt(lines, topic, sheet.title, 10);
  const content = `Sheet "${sheetName}" of ${sheet.title} (${header.join(', ')}):\n${excerpt}${sheet.truncated ? '\n(Only the first rows were read.)' : ''}`;
  return ranked(
    { id: `file:${file.id}`, title: sheet.title || file.name, url: file.web_view_link ?? sheet.url, tool: 'get_spreadsheet', content },
    topic,
    0.3,
    sheet.title,
  );
}

/**
 * The lines of a document or sheet that carry the question's words, in their order. Words the
 * title already has (every line of "Q2 budget" is about the Q2 budget) do not pick lines when
 * others are left; a short heading-like line brings the lines under it, so "Timeline" brings its table.
 */
export function relevantExcerpt(lines: readonly string[], topic: readonly string[], title: string, maxLines = 6): string {
  const kept = lines.map((line) => line.trim()).filter(Boolean);
  const titleStems = stemSet(title);
  const distinctive = topic.filter((k) => !titleStems.has(k));
  const scoring = distinctive.length ? distinctive : topic;
  const scored = kept.map((line, index) => ({ index, score: overlapScore(scoring, line) }));
  const hits = scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxLines);
  const chosen = new Set<number>();
  for (const hit of hits.length ? hits : scored.slice(0, maxLines)) {
    chosen.add(hit.index);
    const line = kept[hit.index]!;
    if (hits.length && line.length <= 60 && !/[.!?:]$/.test(line)) {
      for (let next = hit.index + 1; next <= hit.index + 3 && next < kept.length; next++) chosen.add(next);
    }
  }
  return truncate(
    [...chosen]
      .sort((a, b) => a - b)
      .slice(0, maxLines + 3)
      .map((i) => kept[i])
      .join('\n'),
    EXCERPT_CHARS,
  );
}

// ---- "What you missed" -------------------------------------------------------------------

const DIGEST_EVENTS_SCANNED = 50;
const DIGEST_MESSAGES_SCANNED = 30;
/** Gmail's own flags for mail that wants the user: unread, and marked important by Gmail or by them. */
const DIGEST_MAIL_SEARCH = 'is:unread is:important';

/**
 * Today's calendar (the day `until` falls on in the window's time zone), in start order, then
 * unread important mail received within the window, newest first.
 */
export async function googleDigest(window: DigestWindow, call: ToolCaller): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const today = dayIn(bounds.timeZone, bounds.until);
  const { events } = EventsResultSchema.parse(
    await callJson(call, 'get_events', {
      time_min: new Date(today.start).toISOString(),
      time_max: new Date(today.end).toISOString(),
      max_items: DIGEST_EVENTS_SCANNED,
    }),
  );
  const todays = events.filter((event) => event.status !== 'cancelled' && isOnDay(event, today));

  const { messages } = MessagesResultSchema.parse(
    await callJson(call, 'list_messages', {
      query: DIGEST_MAIL_SEARCH,
      after: new Date(bounds.since).toISOString(),
      before: new Date(bounds.until).toISOString(),
      max_items: DIGEST_MESSAGES_SCANNED,
    }),
  );
  // Gmail's after:/before: take whole seconds and its search can lag; the labels and times are checked here too.
  const mail = messages
    .filter((m) => m.unread && m.important && isWithin(bounds, m.date))
    .sort((a, b) => instantOf(b.date!) - instantOf(a.date!));

  return {
    items: [...todays.map((event) => todayEventItem(event, bounds)), ...mail.map((message) => importantMailItem(message, bounds))],
    summary:
      `Today (${today.date}, ${bounds.timeZone}): ${todays.length} calendar event(s). ` +
      `Since ${window.since}: ${mail.length} unread important email(s).`,
  };
}

/** Whether an event takes place on the day: timed ones overlap it, all-day ones (end exclusive) include its date. */
function isOnDay(event: EventView, day: { date: string; start: number; end: number }): boolean {
  if (!event.start) return false;
  if (event.all_day) return event.start <= day.date && (event.end ?? event.start) > day.date;
  const start = instantOf(event.start);
  const end = event.end ? instantOf(event.end) : start;
  return start < day.end && end > day.start;
}

function todayEventItem(event: EventView, bounds: DigestBounds): SourceItem {
  const title = event.summary ?? '(busy)';
  const when = event.all_day || !event.start
    ? 'all day'
    : `${formatLocalTime(bounds.timeZone, instantOf(event.start))}${event.end ? `–${formatLocalTime(bounds.timeZone, instantOf(event.end))}` : ''}`;
  const attendees = event.attendees.map((a) => `${a.name ?? a.email ?? 'someone'}${a.response ? ` (${humanResponse(a.response)})` : ''}`);
  const details = [
    event.location ? `at ${event.location}` : undefined,
    event.organizer ? `organised by ${event.organizer}` : undefined,
    attendees.length ? `attendees: ${attendees.join(', ')}` : undefined,
    event.meet_link ? `Meet ${event.meet_link}` : undefined,
  ].filter(Boolean);
  return {
    id: `event:${event.id}`,
    title: `Today ${when}: ${title}`,
    url: event.html_link ?? undefined,
    tool: 'get_events',
    content:
      `Calendar event today, ${when} (${bounds.timeZone}): ${title}${details.length ? `; ${details.join('; ')}` : ''}.` +
      `${event.description ? ` ${event.description}` : ''}`,
    score: 1,
  };
}

function importantMailItem(message: MessageView, bounds: DigestBounds): SourceItem {
  const subject = message.subject || '(no subject)';
  const sender = message.from ? message.from.replace(/\s*<[^>]*>$/, '').replace(/^"|"$/g, '') || message.from : 'unknown sender';
  const received = `${formatLocal(bounds.timeZone, instantOf(message.date!))} ${bounds.timeZone}`;
  return {
    id: `message:${message.id}`,
    title: `Unread important email from ${sender}: ${subject}`,
    url: message.url,
    tool: 'list_messages',
    content: `Unread important email from ${message.from ?? 'unknown sender'}, received ${received}: "${subject}". ${message.snippet}`.trimEnd(),
    score: 1,
  };
}

// ---- Ranking -----------------------------------------------------------------------------

interface Ranked {
  item: SourceItem;
  /** Share of the question's topic words found (0 when the question has none). */
  overlap: number;
  index: number;
}

/** The question's content words: what an item is about, not which tool or time it names. */
function topicKeywords(query: string): string[] {
  return keywords(query).filter((k) => !META_STEMS.has(k));
}

/** An item's score: listed items start at `floor` (they answer a listing question), topic overlap ranks. */
function ranked(item: Omit<SourceItem, 'score'>, topic: readonly string[], floor: number, title = item.title): Ranked {
  const overlap = topic.length ? overlapScore(topic, item.content, title) : 0;
  return { item: { ...item, score: Number((floor + (1 - floor) * overlap).toFixed(3)) }, overlap, index: 0 };
}

function rankedOrder(items: readonly Ranked[]): Ranked[] {
  return items
    .map((r, index) => ({ ...r, index }))
    .sort((a, b) => b.item.score - a.item.score || a.index - b.index);
}

/**
 * The most relevant items, keeping the tool's order (start time, newest mail, Drive relevance)
 * among equals. When some items share words with the question, only those are kept; when none
 * do, the question asked for a listing ("today's meetings"): keep the first few.
 */
function best(items: readonly Ranked[]): Ranked[] {
  const order = rankedOrder(items);
  const relevant = order.filter((r) => r.overlap > 0);
  return (relevant.length ? relevant : order).slice(0, MAX_ITEMS);
}

async function callJson(call: ToolCaller, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await call(tool, args);
  if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
  if (result.structured) return result.structured;
  try {
    return JSON.parse(result.text);
  } catch (error) {
    throw new Error(`${tool} returned text that is not JSON`, { cause: error });
  }
}

// ---- Tool results (google-mcp.server.ts), parsed before use ---------------------------------

const EventViewSchema = z.object({
  id: z.string(),
  summary: z.string().nullish(),
  status: z.string().nullish(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  all_day: z.boolean().default(false),
  location: z.string().nullish(),
  description: z.string().nullish(),
  organizer: z.string().nullish(),
  attendees: z.array(z.object({ email: z.string().nullish(), name: z.string().nullish(), response: z.string().nullish() })).default([]),
  attendee_count: z.number().default(0),
  meet_link: z.string().nullish(),
  html_link: z.string().nullish(),
});
type EventView = z.infer<typeof EventViewSchema>;
const EventsResultSchema = z.object({ events: z.array(EventViewSchema), truncated: z.boolean().default(false) });

const MessageViewSchema = z.object({
  id: z.string(),
  from: z.string().nullish(),
  to: z.string().nullish(),
  subject: z.string().nullish(),
  date: z.string().nullish(),
  snippet: z.string().default(''),
  unread: z.boolean().default(false),
  important: z.boolean().default(false),
  url: z.string(),
});
type MessageView = z.infer<typeof MessageViewSchema>;
const MessagesResultSchema = z.object({ messages: z.array(MessageViewSchema), truncated: z.boolean().default(false) });

const FileViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  modified_time: z.string().nullish(),
  owners: z.array(z.string()).default([]),
  description: z.string().nullish(),
  web_view_link: z.string().nullish(),
});
type FileView = z.infer<typeof FileViewSchema>;
const FilesResultSchema = z.object({ files: z.array(FileViewSchema), truncated: z.boolean().default(false) });

const DocumentResultSchema = z.object({ title: z.string(), url: z.string(), text: z.string(), truncated: z.boolean() });
const SpreadsheetResultSchema = z.object({
  title: z.string(),
  url: z.string(),
  sheets: z.array(z.object({ title: z.string() })),
  range: z.string(),
  rows: z.array(z.array(z.string())),
  truncated: z.boolean(),
});
