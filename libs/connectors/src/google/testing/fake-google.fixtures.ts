/**
 * A fictional company's Google Workspace (Northwind), as seen by ada@northwind.example in the
 * week of Monday 10 March 2025. Kept as compact descriptions; fake-google.server.ts turns them
 * into the APIs' real JSON shapes.
 */

export const FIXTURE_USER = 'ada@northwind.example';
export const TEAM_CALENDAR_ID = 'ops-team@group.calendar.google.com';
/** "Now" for specs that ask about today or this week: Wednesday 12 March 2025, 09:00 UTC. */
export const FIXTURE_NOW = new Date('2025-03-12T09:00:00Z');

export interface EventFixture {
  calendarId: string;
  id: string;
  summary?: string;
  description?: string;
  location?: string;
  /** RFC 3339 for timed events, YYYY-MM-DD for all-day ones (end exclusive). */
  start: string;
  end: string;
  organizer?: string;
  attendees?: Array<{ email: string; name?: string; response: 'accepted' | 'declined' | 'tentative' | 'needsAction' }>;
  meet?: string;
}

const ada = { email: FIXTURE_USER, name: 'Ada Lovelace' };
const ben = { email: 'ben@northwind.example', name: 'Ben Okafor' };
const chloe = { email: 'chloe@northwind.example', name: 'Chloe Martin' };

export const FIXTURE_EVENTS: EventFixture[] = [
  {
    calendarId: FIXTURE_USER,
    id: '3p1sd0b3kq8v2m9c4t7u1a5e6f',
    summary: 'Weekly product sync',
    start: '2025-03-10T09:30:00Z',
    end: '2025-03-10T10:00:00Z',
    organizer: FIXTURE_USER,
    attendees: [{ ...ada, response: 'accepted' }, { ...ben, response: 'accepted' }, { ...chloe, response: 'accepted' }],
  },
  {
    calendarId: FIXTURE_USER,
    id: '7hq2r4m1n8v0c3x5z9b6k2l4p1',
    summary: 'Incident retro: payments outage',
    description: 'Walk through the timeline of the 11 March payments outage and agree on follow-ups.',
    start: '2025-03-11T15:00:00Z',
    end: '2025-03-11T16:00:00Z',
    organizer: ben.email,
    attendees: [{ ...ada, response: 'accepted' }, { ...ben, response: 'accepted' }],
  },
  {
    calendarId: FIXTURE_USER,
    id: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
    summary: 'Design review: checkout redesign',
    description: 'Review the new checkout flow mocks. Brief: "Checkout redesign brief" in Drive.',
    location: 'Room Fuji',
    start: '2025-03-12T10:00:00Z',
    end: '2025-03-12T11:00:00Z',
    organizer: chloe.email,
    attendees: [{ ...chloe, response: 'accepted' }, { ...ada, response: 'accepted' }, { ...ben, response: 'tentative' }],
    meet: 'https://meet.google.com/abc-defg-hij',
  },
  {
    calendarId: FIXTURE_USER,
    id: '5n6o7p8q9r0s1t2u3v4w5x6y7z',
    summary: '1:1 Ada / Ben',
    start: '2025-03-12T14:00:00Z',
    end: '2025-03-12T14:30:00Z',
    organizer: FIXTURE_USER,
    attendees: [{ ...ada, response: 'accepted' }, { ...ben, response: 'accepted' }],
  },
  {
    calendarId: FIXTURE_USER,
    id: '9z8y7x6w5v4u3t2s1r0q9p8o7n',
    summary: 'Acme Corp renewal call',
    description: 'Renewal of the Acme Corp contract: pricing, the 12% discount request and the new SLA.',
    start: '2025-03-12T16:00:00Z',
    end: '2025-03-12T16:45:00Z',
    organizer: FIXTURE_USER,
    attendees: [{ ...ada, response: 'accepted' }, { email: 'jordan.lee@acme.example', name: 'Jordan Lee', response: 'needsAction' }],
    meet: 'https://meet.google.com/xyz-abcd-efg',
  },
  {
    calendarId: FIXTURE_USER,
    id: '2c4e6g8i0k2m4o6q8s0u2w4y6a',
    summary: 'Company offsite',
    location: 'Lisbon',
    start: '2025-03-13',
    end: '2025-03-15',
    organizer: 'ceo@northwind.example',
  },
  {
    calendarId: FIXTURE_USER,
    id: '4f6h8j0l2n4p6r8t0v2x4z6b8d',
    summary: 'Q2 planning',
    start: '2025-03-14T13:00:00Z',
    end: '2025-03-14T15:00:00Z',
    organizer: 'ceo@northwind.example',
    attendees: [{ ...ada, response: 'accepted' }],
  },
  {
    calendarId: FIXTURE_USER,
    id: '8b0d2f4h6j8l0n2p4r6t8v0x2z',
    summary: 'Board meeting',
    start: '2025-03-18T09:00:00Z',
    end: '2025-03-18T11:00:00Z',
    organizer: 'ceo@northwind.example',
  },
  {
    calendarId: TEAM_CALENDAR_ID,
    id: '6d8f0h2j4l6n8p0r2t4v6x8z0b',
    summary: 'On-call handover',
    start: '2025-03-12T08:00:00Z',
    end: '2025-03-12T08:15:00Z',
    organizer: TEAM_CALENDAR_ID,
  },
];

export interface MessageFixture {
  id: string;
  threadId: string;
  from: string;
  to: string;
  subject: string;
  /** RFC 3339; becomes internalDate and the Date header. */
  date: string;
  labels: string[];
  /** As Gmail sends it: HTML-escaped. */
  snippet: string;
  body: string;
}

export const FIXTURE_MESSAGES: MessageFixture[] = [
  {
    id: '195830a1b2c3d4e5',
    threadId: '195830a1b2c3d4e5',
    from: 'Jordan Lee <jordan.lee@acme.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Re: Acme renewal - pricing question',
    date: '2025-03-12T08:15:00Z',
    labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Hi Ada, before we sign the renewal could you confirm the 12% discount we discussed? Thanks, Jordan',
    body: 'Hi Ada,\n\nBefore we sign the renewal could you confirm the 12% discount we discussed?\n\nThanks,\nJordan',
  },
  {
    id: '1958209f8e7d6c5b',
    threadId: '1958209f8e7d6c5b',
    from: 'Ben Okafor <ben@northwind.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Payments outage postmortem draft',
    date: '2025-03-11T17:40:00Z',
    labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Here&#39;s the draft postmortem for Tuesday&#39;s outage &amp; the action items. Root cause: an expired TLS certificate',
    body: "Here's the draft postmortem for Tuesday's outage & the action items.\nRoot cause: an expired TLS certificate on the payments gateway.",
  },
  {
    id: '1958201122334455',
    threadId: '1958201122334455',
    from: 'Product Weekly <digest@newsletter.example>',
    to: FIXTURE_USER,
    subject: 'Your weekly digest',
    date: '2025-03-12T06:00:00Z',
    labels: ['UNREAD', 'CATEGORY_PROMOTIONS', 'INBOX'],
    snippet: 'Ten product launches you missed this week',
    body: 'Ten product launches you missed this week.',
  },
  {
    id: '195811aabbccddee',
    threadId: '195811aabbccddee',
    from: 'Chloe Martin <chloe@northwind.example>',
    to: 'all@northwind.example',
    subject: 'Offsite logistics',
    date: '2025-03-10T12:00:00Z',
    labels: ['IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Flights to Lisbon are booked; the hotel is a short walk from the venue',
    body: 'Flights to Lisbon are booked; the hotel is a short walk from the venue.',
  },
  {
    id: '1957f0ffeeddccbb',
    threadId: '1957f0ffeeddccbb',
    from: 'Sam Rivera <ceo@northwind.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Q2 planning inputs',
    date: '2025-03-09T18:30:00Z',
    labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Please send your team&#39;s Q2 budget and hiring plan by Thursday',
    body: "Please send your team's Q2 budget and hiring plan by Thursday.",
  },
  {
    id: '195830ffff000111',
    threadId: '195830ffff000111',
    from: 'Lena <lena@friends.example>',
    to: FIXTURE_USER,
    subject: 'Lunch?',
    date: '2025-03-12T08:50:00Z',
    labels: ['UNREAD', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Free for lunch on Friday?',
    body: 'Free for lunch on Friday?',
  },
  {
    id: '1952a0a0b0b0c0c0',
    threadId: '1952a0a0b0b0c0c0',
    from: 'Jordan Lee <jordan.lee@acme.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Contract signed',
    date: '2025-02-20T10:00:00Z',
    labels: ['IMPORTANT', 'CATEGORY_PERSONAL'],
    snippet: 'The countersigned MSA is attached',
    body: 'The countersigned MSA is attached.',
  },
  {
    id: '195830dead00beef',
    threadId: '195830dead00beef',
    from: 'Prize Desk <win@spam.example>',
    to: FIXTURE_USER,
    subject: 'You won a discount!',
    date: '2025-03-12T07:00:00Z',
    labels: ['SPAM', 'UNREAD'],
    snippet: 'Claim your 12% discount now',
    body: 'Claim your 12% discount now.',
  },
];

/** The "what you missed" window the digest specs use: Ada's previous login, and FIXTURE_NOW. */
export const DIGEST_SINCE = '2025-03-11T12:00:00Z';

/**
 * The mailbox plus unread important mail just before the digest window and just after it
 * (FIXTURE_NOW), which the digest must leave out.
 */
export const DIGEST_MESSAGES: MessageFixture[] = [
  ...FIXTURE_MESSAGES,
  {
    id: '19581fffa0a0b0b0',
    threadId: '19581fffa0a0b0b0',
    from: 'Ben Okafor <ben@northwind.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Payments gateway is down',
    date: '2025-03-11T11:59:00Z',
    labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'Card payments are failing, I am on it',
    body: 'Card payments are failing, I am on it.',
  },
  {
    id: '19583100aa00bb11',
    threadId: '195830a1b2c3d4e5',
    from: 'Jordan Lee <jordan.lee@acme.example>',
    to: `Ada Lovelace <${FIXTURE_USER}>`,
    subject: 'Re: Acme renewal - signed',
    date: '2025-03-12T09:30:00Z',
    labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
    snippet: 'All signed, thanks Ada',
    body: 'All signed, thanks Ada.',
  },
];

export type DocBlock =
  | { kind: 'title' | 'heading' | 'paragraph'; text: string }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'table'; rows: string[][] };

export interface DocumentFixture {
  id: string;
  title: string;
  blocks: DocBlock[];
}

export interface SheetFixture {
  sheetId: number;
  title: string;
  rows: string[][];
  rowCount?: number;
  columnCount?: number;
}

export interface SpreadsheetFixture {
  id: string;
  title: string;
  sheets: SheetFixture[];
}

export interface FileFixture {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime: string;
  owner: { name: string; email: string };
  description?: string;
  trashed?: boolean;
  /** Searchable text of a file that is neither a fixture document nor a spreadsheet (a PDF, slides). */
  text?: string;
}

export const DOC_MIME = 'application/vnd.google-apps.document';
export const SHEET_MIME = 'application/vnd.google-apps.spreadsheet';

export const CHECKOUT_BRIEF_ID = '1Xk9cHeCk0uTReDeSiGnBrIeF_aBcDeFgHiJkLmNoPq';
export const POSTMORTEM_ID = '1PmOrTeM_pAyMeNtS0uTaGe2025_aBcDeFgHiJkLm';
export const HANDBOOK_ID = '1HaNdBoOk_eMpLoYeE_aBcDeFgHiJkLmNoPqRsTuV';
export const QUOTED_DOC_ID = '1QuOtEd_oBrIeN_nOtEs_aBcDeFgHiJkLmNoPqRs';
export const BUDGET_SHEET_ID = '1BuDgEt_q2_2025_aBcDeFgHiJkLmNoPqRsTuVwXy';
export const ROTA_SHEET_ID = '1RoTa_sUpPoRt_2025_aBcDeFgHiJkLmNoPqRsTuV';

export const FIXTURE_DOCUMENTS: DocumentFixture[] = [
  {
    id: CHECKOUT_BRIEF_ID,
    title: 'Checkout redesign brief',
    blocks: [
      { kind: 'title', text: 'Checkout redesign brief' },
      { kind: 'heading', text: 'Goal' },
      { kind: 'paragraph', text: 'Cut checkout abandonment on mobile from 68% to 55% by the end of Q2.' },
      { kind: 'heading', text: 'Scope' },
      { kind: 'bullets', items: ['One-page checkout with Apple Pay and Google Pay', 'Address autocomplete', 'Guest checkout by default'] },
      { kind: 'heading', text: 'Timeline' },
      {
        kind: 'table',
        rows: [
          ['Milestone', 'Owner', 'Date'],
          ['Mocks approved', 'Chloe', '12 March'],
          ['Beta to 10% of traffic', 'Ben', '15 April'],
        ],
      },
      { kind: 'paragraph', text: 'Risks: the payment provider migration may slip; Apple Pay needs a new merchant certificate.' },
    ],
  },
  {
    id: POSTMORTEM_ID,
    title: 'Payments outage postmortem (2025-03-11)',
    blocks: [
      { kind: 'title', text: 'Payments outage postmortem' },
      { kind: 'paragraph', text: 'On 11 March card payments failed for 47 minutes.' },
      { kind: 'paragraph', text: 'Root cause: the TLS certificate of the payments gateway expired; renewal alerts went to a retired mailbox.' },
      { kind: 'bullets', items: ['Move certificate alerts to the on-call rota', 'Automate renewal with ACME'] },
      { kind: 'paragraph', text: 'Owner: @[Ben Okafor](ben@northwind.example)' },
    ],
  },
  {
    id: HANDBOOK_ID,
    title: 'Employee handbook',
    blocks: [
      { kind: 'title', text: 'Employee handbook' },
      ...Array.from({ length: 400 }, (_, i) => ({
        kind: 'paragraph' as const,
        text: `Section ${i + 1}. Every team member reads this section before their first week ends, and asks their lead when unsure.`,
      })),
      { kind: 'paragraph', text: 'Final section: the parental leave policy is sixteen weeks at full pay.' },
    ],
  },
  {
    id: QUOTED_DOC_ID,
    title: "O'Brien's notes",
    blocks: [{ kind: 'paragraph', text: "Notes from O'Brien about the C:\\exports\\q1 folder." }],
  },
];

const rotaRows: string[][] = [
  ['Week', 'Primary', 'Secondary'],
  ...Array.from({ length: 150 }, (_, i) => [`W${i + 1}`, i % 2 ? 'Ben' : 'Ada', i % 3 ? 'Chloe' : 'Sam']),
];

export const FIXTURE_SPREADSHEETS: SpreadsheetFixture[] = [
  {
    id: BUDGET_SHEET_ID,
    title: 'Q2 budget 2025',
    sheets: [
      {
        sheetId: 0,
        title: 'Summary',
        rows: [
          ['Team', 'Q2 budget', 'Spent', 'Owner'],
          ['Engineering', '$420,000', '$130,500', 'Ben Okafor'],
          ['Design', '$95,000', '$41,200', 'Chloe Martin'],
          ['Marketing', '$180,000', '$77,900', 'Sam Rivera'],
          ['Support', '$60,000', '$15,000', 'Ada Lovelace', 'over on tooling'],
        ],
      },
      {
        sheetId: 1851260415,
        title: "Hiring plan '25",
        rows: [
          ['Role', 'Team', 'Start'],
          ['Senior backend engineer', 'Engineering', 'May'],
        ],
      },
    ],
  },
  {
    id: ROTA_SHEET_ID,
    title: 'Support rota 2025',
    sheets: [{ sheetId: 0, title: 'Rota', rows: rotaRows }],
  },
];

const chloeOwner = { name: chloe.name, email: chloe.email };
const benOwner = { name: ben.name, email: ben.email };
const adaOwner = { name: ada.name, email: ada.email };

export const FIXTURE_FILES: FileFixture[] = [
  { id: CHECKOUT_BRIEF_ID, name: 'Checkout redesign brief', mimeType: DOC_MIME, modifiedTime: '2025-03-09T16:20:00.000Z', owner: chloeOwner },
  { id: POSTMORTEM_ID, name: 'Payments outage postmortem (2025-03-11)', mimeType: DOC_MIME, modifiedTime: '2025-03-11T18:05:00.000Z', owner: benOwner },
  { id: HANDBOOK_ID, name: 'Employee handbook', mimeType: DOC_MIME, modifiedTime: '2025-01-15T09:00:00.000Z', owner: adaOwner },
  { id: QUOTED_DOC_ID, name: "O'Brien's notes", mimeType: DOC_MIME, modifiedTime: '2025-02-01T09:00:00.000Z', owner: adaOwner },
  { id: BUDGET_SHEET_ID, name: 'Q2 budget 2025', mimeType: SHEET_MIME, modifiedTime: '2025-03-10T11:00:00.000Z', owner: { name: 'Sam Rivera', email: 'ceo@northwind.example' } },
  { id: ROTA_SHEET_ID, name: 'Support rota 2025', mimeType: SHEET_MIME, modifiedTime: '2025-02-28T09:00:00.000Z', owner: adaOwner },
  {
    id: '1BoArDdEcK_mArCh_aBcDeFgHiJkLmNoPqRsTuVw',
    name: 'Board deck March',
    mimeType: 'application/vnd.google-apps.presentation',
    modifiedTime: '2025-03-07T10:00:00.000Z',
    owner: { name: 'Sam Rivera', email: 'ceo@northwind.example' },
    text: 'Board update: revenue, Q2 budget, checkout redesign progress.',
  },
  {
    id: '1AcMeMsA_sIgNeD_pDf_aBcDeFgHiJkLmNoPqRsT',
    name: 'Acme MSA signed.pdf',
    mimeType: 'application/pdf',
    modifiedTime: '2025-02-20T10:05:00.000Z',
    owner: adaOwner,
    description: 'Countersigned master services agreement with Acme Corp',
    text: 'Master services agreement between Northwind and Acme Corp. Discount: 10%.',
  },
  {
    id: '1OlDcHeCkOuT_nOtEs_tRaShEd_aBcDeFgHiJkLm',
    name: 'Old checkout notes',
    mimeType: DOC_MIME,
    modifiedTime: '2024-11-02T10:00:00.000Z',
    owner: adaOwner,
    trashed: true,
    text: 'Checkout ideas from last year.',
  },
  { id: '1DeSiGn_fOlDeR_aBcDeFgHiJkLmNoPqRsTuVwXy', name: 'Design', mimeType: 'application/vnd.google-apps.folder', modifiedTime: '2025-03-01T10:00:00.000Z', owner: chloeOwner },
];
