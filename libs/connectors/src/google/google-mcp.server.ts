import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes the SDK's registerTool
// generics make tsc run out of memory.
import { z } from 'zod/v4';
import { GoogleApiClient } from './google-api.client';
import { GoogleApiErrorCode, GoogleApiException } from './google-api.exception';
import type { CalendarEvent, DriveFile, GmailMessage, GoogleDocument, StructuralElement } from './google-api.schemas';

export interface GoogleMcpServerOptions {
  /** Holds the token; the server never sees it except to redact it from output. */
  client: GoogleApiClient;
  /** The calendar get_events reads when the call names none (GOOGLE_CALENDAR_ID); `primary` by default. */
  defaultCalendarId?: string;
  /** The start of "upcoming" when get_events is given no time bounds; tests pin it. */
  now?: () => Date;
}

const DEFAULT_MAX_EVENTS = 50;
const DEFAULT_MAX_MESSAGES = 20;
const DEFAULT_MAX_FILES = 20;
const DEFAULT_DOCUMENT_CHARS = 20_000;
const MAX_DOCUMENT_CHARS = 100_000;
const DEFAULT_SHEET_ROWS = 100;
const MAX_SHEET_ROWS = 1_000;
/** Event descriptions are cut to this many characters: enough to cite, cheap to send. */
const DESCRIPTION_EXCERPT_CHARS = 500;
const MAX_ATTENDEES_LISTED = 25;
const SOFT_LINE_BREAK = String.fromCharCode(0x0b);
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/** Drive's MIME types for the kinds a question names. */
export const DRIVE_MIME_TYPES = {
  document: 'application/vnd.google-apps.document',
  spreadsheet: 'application/vnd.google-apps.spreadsheet',
  presentation: 'application/vnd.google-apps.presentation',
  folder: 'application/vnd.google-apps.folder',
  pdf: 'application/pdf',
} as const;
type DriveKind = keyof typeof DRIVE_MIME_TYPES;

const maxItemsArg = (fallback: number, ceiling: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(ceiling)
    .optional()
    .describe(`Most items to return across pages (1-${ceiling}, default ${fallback}); "truncated" says when there were more.`);
const pageTokenArg = z
  .string()
  .min(1)
  .max(2_000)
  .optional()
  .describe('next_page_token from a previous call, to continue that listing; pass the same filters with it.');
const rfc3339 = z.iso.datetime({ offset: true });
/** Google ids (calendar ids are e-mail addresses, Drive ids are URL-safe base64ish). */
const googleId = z.string().min(1).max(255).regex(/^[^\s/?#]+$/, 'must be a single id without spaces, "/", "?" or "#"');

/**
 * An MCP server exposing Google Workspace read-only: Calendar events, Gmail messages (metadata and
 * snippet only), Drive file search, a Google Doc's plain text and a Google Sheet's values. Results
 * are JSON (text and structuredContent) with the links Google gives for citing; failures are tool
 * errors (`isError: true`) carrying a code. No output ever contains the access token.
 */
export function createGoogleMcpServer(options: GoogleMcpServerOptions): McpServer {
  const { client } = options;
  const defaultCalendarId = options.defaultCalendarId ?? 'primary';
  const now = options.now ?? (() => new Date());
  const server = new McpServer({ name: 'mosaic-google', version: '0.1.0' });

  server.registerTool(
    'get_events',
    {
      title: 'Get calendar events',
      description:
        'Events of a Google Calendar between time_min and time_max, recurring events expanded, ordered by start time: ' +
        'summary, start, end, all_day, location, organizer, attendees with their responses, Meet link and html_link. ' +
        'Without time_min, events from now on. calendar_id defaults to the configured calendar ("primary").',
      inputSchema: {
        calendar_id: googleId.optional().describe('A calendar id such as "primary" or "team@group.calendar.google.com".'),
        time_min: rfc3339.optional().describe('RFC 3339 with offset, e.g. 2025-03-12T00:00:00Z: events ending after this.'),
        time_max: rfc3339.optional().describe('RFC 3339 with offset: events starting before this.'),
        query: z.string().min(1).max(200).optional().describe('Free text matched against summary, description, location and attendees.'),
        max_items: maxItemsArg(DEFAULT_MAX_EVENTS, 250),
        page_token: pageTokenArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const calendarId = args.calendar_id ?? defaultCalendarId;
        const timeMin = args.time_min ?? (args.time_max ? undefined : now().toISOString());
        const page = await client.listEvents(calendarId, {
          timeMin,
          timeMax: args.time_max,
          query: args.query,
          maxItems: args.max_items ?? DEFAULT_MAX_EVENTS,
          pageToken: args.page_token,
          signal: extra.signal,
        });
        return {
          calendar_id: calendarId,
          time_min: timeMin ?? null,
          time_max: args.time_max ?? null,
          time_zone: page.timeZone ?? null,
          events: page.items.map(eventView),
          count: page.items.length,
          truncated: page.truncated,
          next_page_token: page.nextPageToken,
        };
      }),
  );

  server.registerTool(
    'list_messages',
    {
      title: 'List Gmail messages',
      description:
        'Messages of the mailbox matching a Gmail search, newest first: from, to, subject, date, snippet, labels, unread ' +
        'and important flags, and a link to open the message. query uses Gmail search syntax, e.g. ' +
        '"is:unread is:important", "from:jordan@acme.example budget", "in:inbox". after/before (RFC 3339) are added to the search. ' +
        'Bodies are never returned, only Gmail\'s snippet.',
      inputSchema: {
        query: z.string().min(1).max(500).optional().describe('Gmail search; default "in:inbox".'),
        after: rfc3339.optional().describe('Only messages received after this time.'),
        before: rfc3339.optional().describe('Only messages received before this time.'),
        max_items: maxItemsArg(DEFAULT_MAX_MESSAGES, 100),
        page_token: pageTokenArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const query = gmailQuery(args.query, args.after, args.before);
        const page = await client.listMessages({
          query,
          maxItems: args.max_items ?? DEFAULT_MAX_MESSAGES,
          pageToken: args.page_token,
          signal: extra.signal,
        });
        return {
          query,
          messages: page.items.map(messageView),
          count: page.items.length,
          truncated: page.truncated,
          next_page_token: page.nextPageToken,
          result_size_estimate: page.resultSizeEstimate,
        };
      }),
  );

  server.registerTool(
    'search_drive_files',
    {
      title: 'Search Google Drive',
      description:
        'Files in Google Drive (My Drive, shared with me, shared drives) whose content or name contains the keywords; ' +
        'most relevant first, or most recently modified first when no keywords are given. Trashed files are left out. ' +
        'Returns id, name, type (document, spreadsheet, presentation, pdf, folder, other), modified_time, owners and ' +
        'web_view_link; read a document with get_document and a spreadsheet with get_spreadsheet.',
      inputSchema: {
        keywords: z
          .array(z.string().min(1).max(100))
          .max(10)
          .optional()
          .describe('Words or phrases; each must occur in the file ("all") or any one of them ("any").'),
        match: z.enum(['all', 'any']).optional().describe('Default "all".'),
        type: z.enum(['document', 'spreadsheet', 'presentation', 'folder', 'pdf']).optional().describe('Only files of this kind.'),
        modified_after: rfc3339.optional().describe('Only files modified after this time.'),
        max_items: maxItemsArg(DEFAULT_MAX_FILES, 100),
        page_token: pageTokenArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const query = driveQuery({ keywords: args.keywords, match: args.match, type: args.type, modifiedAfter: args.modified_after });
        const page = await client.listFiles({
          query,
          // Drive refuses orderBy beside fullText terms: those results come by relevance.
          orderBy: query.includes('fullText contains') ? undefined : 'modifiedTime desc',
          maxItems: args.max_items ?? DEFAULT_MAX_FILES,
          pageToken: args.page_token,
          signal: extra.signal,
        });
        return {
          query,
          files: page.items.map(fileView),
          count: page.items.length,
          truncated: page.truncated,
          incomplete_search: page.incompleteSearch,
          next_page_token: page.nextPageToken,
        };
      }),
  );

  server.registerTool(
    'get_document',
    {
      title: 'Read a Google Doc',
      description:
        'The plain text of a Google Doc: paragraphs, list items (prefixed "- ") and table rows (cells joined by " | "), ' +
        `cut at max_chars (default ${DEFAULT_DOCUMENT_CHARS}) with "truncated": true when the document is longer.`,
      inputSchema: {
        document_id: googleId.describe('The id from search_drive_files, or from the document URL /document/d/<id>/.'),
        max_chars: z.number().int().min(100).max(MAX_DOCUMENT_CHARS).optional(),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const document = await client.getDocument(args.document_id, extra.signal);
        const text = documentText(document);
        const cut = capText(text, args.max_chars ?? DEFAULT_DOCUMENT_CHARS);
        return {
          document_id: document.documentId,
          title: document.title,
          url: `https://docs.google.com/document/d/${encodeURIComponent(document.documentId)}/edit`,
          text: cut,
          char_count: text.length,
          truncated: cut.length < text.length,
        };
      }),
  );

  server.registerTool(
    'get_spreadsheet',
    {
      title: 'Read a Google Sheet',
      description:
        'A Google Sheet\'s title and sheets, plus the displayed values of one range as rows (the first row is usually the ' +
        'header). Without range, reads the named sheet, or the first one, from its first row. At most max_rows rows ' +
        `(default ${DEFAULT_SHEET_ROWS}); "truncated" is true when more rows follow.`,
      inputSchema: {
        spreadsheet_id: googleId.describe('The id from search_drive_files, or from the URL /spreadsheets/d/<id>/.'),
        range: z.string().min(1).max(200).optional().describe('A1 notation, e.g. "Summary!A1:D20" or "\'Q2 budget\'!A:F".'),
        sheet: z.string().min(1).max(100).optional().describe('A sheet title, read from its first row when no range is given.'),
        max_rows: z.number().int().min(1).max(MAX_SHEET_ROWS).optional(),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const spreadsheet = await client.getSpreadsheet(args.spreadsheet_id, extra.signal);
        const sheets = spreadsheet.sheets.map((s) => s.properties);
        const maxRows = args.max_rows ?? DEFAULT_SHEET_ROWS;
        let range = args.range;
        if (!range) {
          const sheet = args.sheet ? sheets.find((s) => s.title === args.sheet) : sheets[0];
          if (!sheet) {
            throw new GoogleApiException(
              GoogleApiErrorCode.NotFound,
              args.sheet
                ? `the spreadsheet has no sheet named "${args.sheet}" (sheets: ${sheets.map((s) => s.title).join(', ')})`
                : 'the spreadsheet has no sheets',
            );
          }
          // One row more than wanted, to know whether more follow.
          range = `${quoteSheetTitle(sheet.title)}!1:${maxRows + 1}`;
        }
        const values = await client.getValues(spreadsheet.spreadsheetId, range, extra.signal);
        return {
          spreadsheet_id: spreadsheet.spreadsheetId,
          title: spreadsheet.properties?.title ?? '',
          url: spreadsheet.spreadsheetUrl ?? `https://docs.google.com/spreadsheets/d/${encodeURIComponent(spreadsheet.spreadsheetId)}/edit`,
          sheets: sheets.map((s) => ({
            sheet_id: s.sheetId,
            title: s.title,
            row_count: s.gridProperties?.rowCount ?? null,
            column_count: s.gridProperties?.columnCount ?? null,
          })),
          range: values.range,
          rows: values.values.slice(0, maxRows).map((row) => row.map(String)),
          row_count: Math.min(values.values.length, maxRows),
          truncated: values.values.length > maxRows,
        };
      }),
  );

  return server;
}

/**
 * A Drive query from plain keywords. Values sit inside single quotes, so `\` and `'` are escaped
 * (Drive's own rule); a keyword with spaces becomes an exact phrase in double quotes, and double
 * quotes inside keywords are dropped since Drive has no escape for them within a phrase.
 */
export function driveQuery(input: { keywords?: readonly string[]; match?: 'all' | 'any'; type?: DriveKind; modifiedAfter?: string }): string {
  const terms = (input.keywords ?? [])
    .map((k) => k.replace(/"/g, ' ').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((k) => `fullText contains '${escapeDriveString(k.includes(' ') ? `"${k}"` : k)}'`);
  const parts: string[] = [];
  if (terms.length === 1) parts.push(terms[0]!);
  if (terms.length > 1) parts.push(`(${terms.join(input.match === 'any' ? ' or ' : ' and ')})`);
  if (input.type) parts.push(`mimeType = '${DRIVE_MIME_TYPES[input.type]}'`);
  if (input.modifiedAfter) parts.push(`modifiedTime > '${escapeDriveString(input.modifiedAfter)}'`);
  parts.push('trashed = false');
  return parts.join(' and ');
}

export function escapeDriveString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** The caller's Gmail search plus `after:`/`before:` in epoch seconds (Gmail's own unambiguous form). */
export function gmailQuery(query: string | undefined, after?: string, before?: string): string {
  const parts = [query?.trim() || 'in:inbox'];
  if (after) parts.push(`after:${Math.floor(Date.parse(after) / 1000)}`);
  if (before) parts.push(`before:${Math.ceil(Date.parse(before) / 1000)}`);
  return parts.join(' ');
}

/** `Q2 budget` → `'Q2 budget'`; quotes inside a title are doubled, as A1 notation requires. */
export function quoteSheetTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/**
 * A Google Doc's body as plain text: paragraphs as written, list items prefixed "- " (indented by
 * nesting level), table rows as cells joined by " | ". The table of contents is left out: it
 * only repeats the headings.
 */
export function documentText(document: GoogleDocument): string {
  const lines: string[] = [];
  walk(document.body?.content ?? [], lines);
  return lines
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function walk(elements: readonly StructuralElement[], out: string[]): void {
  for (const element of elements) {
    if (element.paragraph) {
      const text = (element.paragraph.elements ?? [])
        .map((e) =>
          e.textRun?.content ??
          (e.person ? (e.person.personProperties?.name ?? e.person.personProperties?.email ?? '') : undefined) ??
          (e.richLink ? (e.richLink.richLinkProperties?.title ?? e.richLink.richLinkProperties?.uri ?? '') : undefined) ??
          (e.footnoteReference ? `[${e.footnoteReference.footnoteNumber ?? ''}]` : ''),
        )
        // Docs uses U+000B (vertical tab) for a soft line break inside a paragraph.
        .join('')
        .split(SOFT_LINE_BREAK)
        .join('\n');
      const bullet = element.paragraph.bullet;
      const line = bullet ? `${'  '.repeat(bullet.nestingLevel ?? 0)}- ${text.trimStart()}` : text;
      out.push(line.endsWith('\n') ? line : `${line}\n`);
    } else if (element.table) {
      for (const row of element.table.tableRows ?? []) {
        const cells = (row.tableCells ?? []).map((cell) => {
          const inner: string[] = [];
          walk(cell.content ?? [], inner);
          return inner.join('').replace(/\s+/g, ' ').trim();
        });
        out.push(`${cells.join(' | ')}\n`);
      }
      out.push('\n');
    }
  }
}

/** At most `max` characters, cut at a word boundary when one is near. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.search(/\s\S*$/);
  return (space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd();
}

function eventView(event: CalendarEvent) {
  const attendees = event.attendees ?? [];
  return {
    id: event.id,
    summary: event.summary ?? null,
    status: event.status ?? null,
    start: event.start?.dateTime ?? event.start?.date ?? null,
    end: event.end?.dateTime ?? event.end?.date ?? null,
    all_day: event.start?.date !== undefined && event.start.dateTime === undefined,
    location: event.location ?? null,
    description: event.description ? excerpt(event.description, DESCRIPTION_EXCERPT_CHARS) : null,
    organizer: event.organizer ? (event.organizer.displayName ?? event.organizer.email ?? null) : null,
    attendees: attendees
      .filter((a) => !a.resource)
      .slice(0, MAX_ATTENDEES_LISTED)
      .map((a) => ({ email: a.email ?? null, name: a.displayName ?? null, response: a.responseStatus ?? null })),
    attendee_count: attendees.filter((a) => !a.resource).length,
    meet_link: event.hangoutLink ?? null,
    html_link: event.htmlLink ?? null,
  };
}

function messageView(message: GmailMessage) {
  const header = (name: string) => message.payload?.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? null;
  const internal = Number(message.internalDate);
  return {
    id: message.id,
    thread_id: message.threadId ?? null,
    from: header('From'),
    to: header('To'),
    subject: header('Subject'),
    date: Number.isFinite(internal) && message.internalDate ? new Date(internal).toISOString() : header('Date'),
    snippet: decodeEntities(message.snippet),
    labels: message.labelIds,
    unread: message.labelIds.includes('UNREAD'),
    important: message.labelIds.includes('IMPORTANT'),
    url: `https://mail.google.com/mail/u/0/#inbox/${encodeURIComponent(message.id)}`,
  };
}

function fileView(file: DriveFile) {
  const kind = (Object.entries(DRIVE_MIME_TYPES) as Array<[DriveKind, string]>).find(([, mime]) => mime === file.mimeType)?.[0] ?? 'other';
  return {
    id: file.id,
    name: file.name,
    type: kind,
    mime_type: file.mimeType,
    modified_time: file.modifiedTime ?? null,
    owners: (file.owners ?? []).map((o) => o.displayName ?? o.emailAddress).filter((o): o is string => !!o),
    description: file.description ? excerpt(file.description, DESCRIPTION_EXCERPT_CHARS) : null,
    web_view_link: file.webViewLink ?? null,
  };
}

/** Gmail escapes snippets as HTML; a citation should read as the person wrote it. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1]?.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return named[entity.toLowerCase()] ?? whole;
  });
}

function excerpt(text: string, max: number): string {
  const flat = text.trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult; the token is redacted from either. */
async function respond(client: GoogleApiClient, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    // JSON round trip: undefined disappears, so stdio and in-memory transports carry the same object.
    // A document could quote the token; redacting the serialized result covers every field at once.
    const structured = JSON.parse(client.redact(JSON.stringify(await body()))) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure =
      error instanceof GoogleApiException
        ? error
        : new GoogleApiException(GoogleApiErrorCode.UnexpectedResponse, `google tool failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
    const message = client.redact(failure.message);
    return {
      isError: true,
      content: [{ type: 'text', text: message }],
      structuredContent: {
        error: {
          code: failure.code,
          message,
          ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
