/**
 * A small fictional Slack workspace (Acme's vendor, the same company as the sample
 * workspace): the checkout outage in #incidents, a refund question in #support, an
 * announcement in #general, a channel the bot is not in, an archived and a private
 * channel, people, a bot, a deactivated account and two direct messages.
 */

export interface FixtureChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_archived: boolean;
  /** Whether the bot is a member (it can only read and post where it is). */
  bot_is_member: boolean;
  topic: string;
  purpose: string;
  num_members: number;
}

export interface FixtureUser {
  id: string;
  name: string;
  real_name: string;
  email?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

export interface FixtureMessage {
  ts: string;
  user: string;
  text: string;
  thread_ts?: string;
  reply_count?: number;
}

export interface FixtureDm {
  id: string;
  user: string;
}

export interface FakeSlackWorkspace {
  team: string;
  teamId: string;
  url: string;
  botUserId: string;
  botId: string;
  channels: FixtureChannel[];
  users: FixtureUser[];
  dms: FixtureDm[];
  /** Messages by conversation id, in any order (the fake serves them newest first). */
  messages: Record<string, FixtureMessage[]>;
}

/** A Slack timestamp for a UTC time, with a per-second sequence like Slack's. */
export function slackTs(iso: string, sequence = 100): string {
  return `${Math.floor(Date.parse(iso) / 1000)}.${String(sequence).padStart(6, '0')}`;
}

export const OUTAGE_TS = slackTs('2026-01-12T09:42:00Z');
export const REFUND_TS = slackTs('2026-01-13T14:05:00Z');

export function acmeWorkspace(): FakeSlackWorkspace {
  return {
    team: 'Initech',
    teamId: 'T0INITECH',
    url: 'https://initech.slack.com/',
    botUserId: 'U0MOSAICBOT',
    botId: 'B0MOSAIC',
    channels: [
      {
        id: 'C0INCIDENTS',
        name: 'incidents',
        is_private: false,
        is_archived: false,
        bot_is_member: true,
        topic: 'Production incidents: one thread per incident',
        purpose: 'Declare, coordinate and resolve incidents',
        num_members: 42,
      },
      {
        id: 'C0SUPPORT01',
        name: 'support',
        is_private: false,
        is_archived: false,
        bot_is_member: true,
        topic: 'Customer questions and escalations',
        purpose: 'Support team coordination',
        num_members: 18,
      },
      {
        id: 'C0GENERAL01',
        name: 'general',
        is_private: false,
        is_archived: false,
        bot_is_member: true,
        topic: 'Company-wide announcements',
        purpose: 'Announcements and work-related matters for everyone',
        num_members: 120,
      },
      {
        id: 'C0RANDOM001',
        name: 'random',
        is_private: false,
        is_archived: false,
        bot_is_member: false,
        topic: 'Off-topic',
        purpose: 'Non-work banter',
        num_members: 97,
      },
      {
        id: 'G0LEADERS01',
        name: 'leadership',
        is_private: true,
        is_archived: false,
        bot_is_member: true,
        topic: 'Leadership team',
        purpose: 'Private leadership discussions',
        num_members: 6,
      },
      {
        id: 'C0OLDPROJ01',
        name: 'project-phoenix',
        is_private: false,
        is_archived: true,
        bot_is_member: false,
        topic: 'Finished migration project',
        purpose: '',
        num_members: 9,
      },
    ],
    users: [
      { id: 'U0ANA00001', name: 'ana', real_name: 'Ana Lima', email: 'ana@initech.example' },
      { id: 'U0BEN00001', name: 'ben', real_name: 'Ben Okafor', email: 'ben@initech.example' },
      { id: 'U0CARA0001', name: 'cara', real_name: 'Cara Diaz', email: 'cara@initech.example' },
      { id: 'U0DAN00001', name: 'dan', real_name: 'Dan Former', email: 'dan@initech.example', deleted: true },
      { id: 'U0MOSAICBOT', name: 'mosaic', real_name: 'Mosaic', is_bot: true },
    ],
    dms: [
      { id: 'D0ANA00001', user: 'U0ANA00001' },
      { id: 'D0BEN00001', user: 'U0BEN00001' },
    ],
    messages: {
      C0INCIDENTS: [
        {
          ts: OUTAGE_TS,
          user: 'U0ANA00001',
          text: 'Declaring SEV1: Acme Corp checkout outage. Payment gateway timeouts since 09:40 UTC, failing over to the backup gateway. <!here>',
          reply_count: 1,
          thread_ts: OUTAGE_TS,
        },
        {
          ts: slackTs('2026-01-12T10:05:00Z'),
          user: 'U0BEN00001',
          text: 'Failover done, Acme checkout is recovering. Postmortem owner: <@U0ANA00001>',
          thread_ts: OUTAGE_TS,
        },
        {
          ts: slackTs('2026-01-12T10:30:00Z'),
          user: 'U0CARA0001',
          text: 'Resolved: checkout error rate is back to normal for Acme and everyone else. Runbook: <https://wiki.initech.example/payment-outage|payment outage runbook>',
        },
        {
          ts: slackTs('2026-01-05T16:00:00Z'),
          user: 'U0BEN00001',
          text: 'Deploy 2026.01 rolled back after elevated 500s on the API &amp; workers.',
        },
      ],
      C0SUPPORT01: [
        {
          ts: REFUND_TS,
          user: 'U0CARA0001',
          text: 'Globex is asking for a refund on order 1042, bought 20 days ago. Is that within our 30 day refund policy?',
        },
        {
          ts: slackTs('2026-01-13T14:20:00Z'),
          user: 'U0ANA00001',
          text: 'Yes: refund approved under the refund policy, finance processes it today.',
        },
        {
          ts: slackTs('2026-01-12T09:45:00Z'),
          user: 'U0BEN00001',
          text: 'Acme Corp reports checkout errors again, see <#C0INCIDENTS|incidents>.',
        },
      ],
      C0GENERAL01: [
        {
          ts: slackTs('2026-01-09T08:00:00Z'),
          user: 'U0ANA00001',
          text: 'Announcement: all-hands on Friday at 16:00, agenda in the doc.',
        },
        { ts: slackTs('2026-01-09T08:10:00Z'), user: 'U0BEN00001', text: 'Welcome Cara to the support team!' },
      ],
      C0RANDOM001: [{ ts: slackTs('2026-01-12T11:00:00Z'), user: 'U0BEN00001', text: 'Acme checkout outage memes, anyone?' }],
      G0LEADERS01: [{ ts: slackTs('2026-01-14T09:00:00Z'), user: 'U0CARA0001', text: 'Q1 hiring plan is approved.' }],
      C0OLDPROJ01: [{ ts: slackTs('2025-06-01T09:00:00Z'), user: 'U0DAN00001', text: 'Phoenix migration complete.' }],
      D0ANA00001: [
        { ts: slackTs('2026-01-12T09:50:00Z'), user: 'U0ANA00001', text: 'Can you pull the Acme orders that failed during the outage?' },
      ],
      D0BEN00001: [{ ts: slackTs('2026-01-13T15:00:00Z'), user: 'U0BEN00001', text: 'Globex refund is done.' }],
    },
  };
}

/** The "what you missed" window the digest specs use: Ana's previous login, and now. */
export const DIGEST_SINCE = '2026-01-12T10:00:00Z';
export const DIGEST_UNTIL = '2026-01-14T12:00:00Z';

/**
 * The workspace plus what the digest must tell apart: mentions of Ana and direct messages to her
 * before, within and after the window, and her own messages (never news to her).
 */
export function digestWorkspace(): FakeSlackWorkspace {
  const workspace = acmeWorkspace();
  const add = (conversation: string, ...messages: FixtureMessage[]) => {
    workspace.messages[conversation] = [...(workspace.messages[conversation] ?? []), ...messages];
  };
  workspace.dms.push({ id: 'D0CARA0001', user: 'U0CARA0001' });
  // Within the window (the thread reply "Postmortem owner: <@U0ANA00001>" in #incidents already is).
  add('C0SUPPORT01', { ts: slackTs('2026-01-13T16:00:00Z'), user: 'U0CARA0001', text: '<@U0ANA00001> Globex confirmed the refund landed, thanks!' });
  add('D0CARA0001', { ts: slackTs('2026-01-14T08:30:00Z'), user: 'U0CARA0001', text: 'Can you cover the support rota on Friday?' });
  // Before the window: the day before, and the same day a minute early (search's after: only knows days).
  add('C0GENERAL01', { ts: slackTs('2026-01-09T09:00:00Z'), user: 'U0BEN00001', text: '<@U0ANA00001> can you share the all-hands agenda?' });
  add('C0SUPPORT01', { ts: slackTs('2026-01-12T09:59:00Z'), user: 'U0CARA0001', text: '<@U0ANA00001> Acme asks whether refunds are paused.' });
  add('D0BEN00001', { ts: slackTs('2026-01-10T08:00:00Z'), user: 'U0BEN00001', text: 'Are you around on Monday?' });
  // After the window.
  add('G0LEADERS01', { ts: slackTs('2026-01-14T12:30:00Z'), user: 'U0CARA0001', text: '<@U0ANA00001> is the board deck ready?' });
  add('D0CARA0001', { ts: slackTs('2026-01-14T12:45:00Z'), user: 'U0CARA0001', text: 'Never mind, found it.' });
  // Ana's own, within the window.
  add('D0BEN00001', { ts: slackTs('2026-01-13T15:05:00Z'), user: 'U0ANA00001', text: 'Thanks Ben!' });
  add('C0INCIDENTS', { ts: slackTs('2026-01-13T09:00:00Z'), user: 'U0ANA00001', text: 'Postmortem draft is up, cc <@U0ANA00001> for the record.' });
  return workspace;
}
