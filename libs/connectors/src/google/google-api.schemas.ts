// zod/v4 on purpose: these schemas meet the MCP SDK's registerTool generics (see postgres-mcp.server.ts).
import { z } from 'zod/v4';

/**
 * Only the fields Mosaic reads from Calendar v3, Gmail v1, Drive v3, Docs v1 and Sheets v4.
 * Unknown fields are stripped, so tool results stay small and never carry what we did not ask for.
 */

// ---- Calendar v3 -------------------------------------------------------------------------

/** `{"dateTime": "2025-03-14T10:00:00Z"}` for timed events, `{"date": "2025-03-14"}` for all-day ones. */
export const EventTimeSchema = z.object({
  dateTime: z.string().optional(),
  date: z.string().optional(),
  timeZone: z.string().optional(),
});

const PersonRefSchema = z.object({ email: z.string().optional(), displayName: z.string().optional(), self: z.boolean().optional() });

export const EventSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  htmlLink: z.string().optional(),
  /** Absent on events the token may see only as busy time. */
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: EventTimeSchema.optional(),
  end: EventTimeSchema.optional(),
  organizer: PersonRefSchema.optional(),
  attendees: z
    .array(PersonRefSchema.extend({ responseStatus: z.string().optional(), organizer: z.boolean().optional(), resource: z.boolean().optional() }))
    .optional(),
  hangoutLink: z.string().optional(),
});
export type CalendarEvent = z.infer<typeof EventSchema>;

export const EventsPageSchema = z.object({
  timeZone: z.string().optional(),
  items: z.array(EventSchema).default([]),
  nextPageToken: z.string().optional(),
});

// ---- Gmail v1 ----------------------------------------------------------------------------

/** messages.list gives ids only, and leaves `messages` out entirely when nothing matched. */
export const MessageRefsPageSchema = z.object({
  messages: z.array(z.object({ id: z.string(), threadId: z.string().optional() })).default([]),
  nextPageToken: z.string().optional(),
  resultSizeEstimate: z.number().optional(),
});

export const MessageSchema = z.object({
  id: z.string(),
  threadId: z.string().optional(),
  labelIds: z.array(z.string()).default([]),
  /** HTML-escaped by Gmail (`&#39;`, `&amp;`). */
  snippet: z.string().default(''),
  /** Epoch milliseconds as a string. */
  internalDate: z.string().optional(),
  payload: z.object({ headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]) }).optional(),
});
export type GmailMessage = z.infer<typeof MessageSchema>;

// ---- Drive v3 ----------------------------------------------------------------------------

export const DriveFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  mimeType: z.string(),
  description: z.string().optional(),
  modifiedTime: z.string().optional(),
  webViewLink: z.string().optional(),
  owners: z.array(z.object({ displayName: z.string().optional(), emailAddress: z.string().optional() })).optional(),
});
export type DriveFile = z.infer<typeof DriveFileSchema>;

export const DriveFilesPageSchema = z.object({
  files: z.array(DriveFileSchema).default([]),
  nextPageToken: z.string().optional(),
  /** True when Drive did not search every corpus it was asked to. */
  incompleteSearch: z.boolean().optional(),
});

// ---- Docs v1 -----------------------------------------------------------------------------

export interface ParagraphElement {
  textRun?: { content?: string };
  person?: { personProperties?: { name?: string; email?: string } };
  richLink?: { richLinkProperties?: { title?: string; uri?: string } };
  footnoteReference?: { footnoteNumber?: string };
}

export interface StructuralElement {
  paragraph?: {
    elements?: ParagraphElement[];
    bullet?: { nestingLevel?: number };
    paragraphStyle?: { namedStyleType?: string };
  };
  table?: { tableRows?: Array<{ tableCells?: Array<{ content?: StructuralElement[] }> }> };
  tableOfContents?: { content?: StructuralElement[] };
  sectionBreak?: object;
}

const ParagraphElementSchema = z.object({
  textRun: z.object({ content: z.string().optional() }).optional(),
  person: z.object({ personProperties: z.object({ name: z.string().optional(), email: z.string().optional() }).optional() }).optional(),
  richLink: z.object({ richLinkProperties: z.object({ title: z.string().optional(), uri: z.string().optional() }).optional() }).optional(),
  footnoteReference: z.object({ footnoteNumber: z.string().optional() }).optional(),
});

/** A Docs body is a tree: tables hold cells that hold structural elements again. */
export const StructuralElementSchema: z.ZodType<StructuralElement> = z.lazy(() =>
  z.object({
    paragraph: z
      .object({
        elements: z.array(ParagraphElementSchema).optional(),
        bullet: z.object({ nestingLevel: z.number().optional() }).optional(),
        paragraphStyle: z.object({ namedStyleType: z.string().optional() }).optional(),
      })
      .optional(),
    table: z
      .object({
        tableRows: z.array(z.object({ tableCells: z.array(z.object({ content: z.array(StructuralElementSchema).optional() })).optional() })).optional(),
      })
      .optional(),
    tableOfContents: z.object({ content: z.array(StructuralElementSchema).optional() }).optional(),
    sectionBreak: z.object({}).optional(),
  }),
);

export const DocumentSchema = z.object({
  documentId: z.string(),
  title: z.string().default(''),
  body: z.object({ content: z.array(StructuralElementSchema).default([]) }).optional(),
});
export type GoogleDocument = z.infer<typeof DocumentSchema>;

// ---- Sheets v4 ---------------------------------------------------------------------------

export const SpreadsheetSchema = z.object({
  spreadsheetId: z.string(),
  properties: z.object({ title: z.string().default('') }).optional(),
  spreadsheetUrl: z.string().optional(),
  sheets: z
    .array(
      z.object({
        properties: z.object({
          sheetId: z.number().int(),
          title: z.string(),
          index: z.number().int().optional(),
          gridProperties: z.object({ rowCount: z.number().int().optional(), columnCount: z.number().int().optional() }).optional(),
        }),
      }),
    )
    .default([]),
});
export type Spreadsheet = z.infer<typeof SpreadsheetSchema>;

/** `values` is left out when the range is empty; trailing empty cells of a row are left out too. */
export const ValueRangeSchema = z.object({
  range: z.string(),
  majorDimension: z.string().optional(),
  values: z.array(z.array(z.union([z.string(), z.number(), z.boolean()]))).default([]),
});
export type ValueRange = z.infer<typeof ValueRangeSchema>;

// ---- Errors ------------------------------------------------------------------------------

/**
 * Google's JSON error envelope. Older APIs (Calendar, Gmail, Drive) list `errors[].reason`
 * (`authError`, `rateLimitExceeded`); newer ones (Docs, Sheets) send `status` and
 * `details[]` of type google.rpc.ErrorInfo with an upper-case `reason`.
 */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional(), domain: z.string().optional() })).optional(),
    details: z.array(z.object({ reason: z.string().optional() })).optional(),
  }),
});
