import { LocalProvider } from '@mosaic/llm';
import { getConnector } from '../catalog';
import { credentialsFromEnv, describeSource, directRoute, missingCredentials, ToolCaller } from '../connector';
import { answerFromSlack, slackConnector } from './slack.connector';

jest.mock('../paths', () => ({ builtServerEntry: (file: string) => `/repo/dist/libs/connectors/src/${file}` }));

const WORKSPACE = 'https://initech.slack.com/';

/** A ToolCaller answering from canned tool results, recording the calls. */
function cannedCaller(results: Record<string, Record<string, unknown> | { error: string }>): ToolCaller & { calls: Array<[string, Record<string, unknown>]> } {
  const calls: Array<[string, Record<string, unknown>]> = [];
  const call = async (tool: string, args: Record<string, unknown>) => {
    calls.push([tool, args]);
    const result = results[tool];
    if (!result) throw new Error(`unexpected tool ${tool}`);
    if ('error' in result) return { ok: false, text: String(result.error) };
    return { ok: true, text: JSON.stringify(result), structured: result };
  };
  return Object.assign(call, { calls });
}

function searchHit(channel: string, ts: string, user: string, text: string) {
  const id = `C0${channel.toUpperCase()}`;
  return {
    ts,
    time: new Date(Number(ts) * 1000).toISOString(),
    user: `U0${user.toUpperCase()}`,
    user_name: user,
    text,
    permalink: `${WORKSPACE}archives/${id}/p${ts.replace('.', '')}`,
    channel: { id, name: channel },
    matched_terms: [],
  };
}

describe('slackConnector', () => {
  it('should need only the bot token when credentials are checked', () => {
    expect(missingCredentials(slackConnector, {})).toEqual(['SLACK_BOT_TOKEN']);
    expect(missingCredentials(slackConnector, { bot_token: 'xoxb-1' })).toEqual([]);
  });

  it('should read each credential from its env var when the deployment holds them', () => {
    const sut = credentialsFromEnv(slackConnector, { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_USER_TOKEN: 'xoxp-2', SLACK_API_URL: 'http://fake/api' });

    expect(sut).toEqual({ bot_token: 'xoxb-1', user_token: 'xoxp-2', api_url: 'http://fake/api' });
  });

  it('should launch the built server with only the Slack variables that are set', () => {
    const sut = slackConnector.launch({ bot_token: 'xoxb-1' });

    expect(sut).toEqual({
      kind: 'stdio',
      command: process.execPath,
      args: ['/repo/dist/libs/connectors/src/slack/slack-mcp.main.js'],
      env: { SLACK_BOT_TOKEN: 'xoxb-1' },
    });
  });

  it('should pass the user token and API URL when they are configured, and never allow writes', () => {
    const sut = slackConnector.launch({ bot_token: 'xoxb-1', user_token: 'xoxp-2', api_url: 'http://127.0.0.1:9999/api' });

    expect(sut.kind === 'stdio' && sut.env).toEqual({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_USER_TOKEN: 'xoxp-2',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
    });
  });

  it.each([
    ['Which Slack channels do we have?', 'list_channels'],
    ['List the users in our workspace', 'list_users'],
    ['Who is on the support team?', 'list_users'],
    ['Show my DMs', 'list_dms'],
    ['Any direct messages from Ben about the user refund?', 'list_dms'],
    ['What did we discuss about the Acme checkout outage?', undefined],
  ])('should route "%s" to %s', (query, tool) => {
    expect(directRoute(slackConnector, query)?.tool).toBe(tool);
  });
});

describe(answerFromSlack.name, () => {
  const OUTAGE = '1768210920.000100';

  it('should search for the question terms with match any and cite messages by #channel/ts with permalinks', async () => {
    const call = cannedCaller({
      search_messages: {
        mode: 'history_scan',
        total: 3,
        messages: [
          searchHit('general', '1767945600.000100', 'ana', 'Announcement: all-hands on Friday'),
          searchHit('support', '1768211100.000100', 'ben', 'Acme Corp reports checkout errors again'),
          searchHit('incidents', OUTAGE, 'ana', 'Declaring SEV1: Acme Corp checkout outage.'),
        ],
      },
    });

    const sut = await answerFromSlack('What happened with the Acme checkout outage?', call);

    expect(call.calls).toEqual([['search_messages', { query: 'happened acme checkout outage', match: 'any', limit: 40 }]]);
    expect(sut.items.map((i) => i.id)).toEqual([`#incidents/${OUTAGE}`, '#support/1768211100.000100']);
    expect(sut.items[0]).toEqual({
      id: `#incidents/${OUTAGE}`,
      title: '#incidents · @ana · 2026-01-12 09:42 UTC',
      url: `${WORKSPACE}archives/C0INCIDENTS/p${OUTAGE.replace('.', '')}`,
      tool: 'search_messages',
      content: '@ana: Declaring SEV1: Acme Corp checkout outage.',
      score: 0.75,
    });
    expect(sut.summary).toBe('Found 3 message(s) mentioning happened, acme, checkout, outage; the 2 best are in #incidents, #support.');
  });

  it('should return no items and say so when no message shares a keyword with the question', async () => {
    const call = cannedCaller({ search_messages: { messages: [searchHit('general', '1767945600.000100', 'ana', 'Lunch is served')] } });

    const sut = await answerFromSlack('Acme refund', call);

    expect(sut.items).toEqual([]);
    expect(sut.summary).toBe('No Slack messages mention acme, refund.');
  });

  it('should call no tool when the question has only stopwords', async () => {
    const call = cannedCaller({});

    const sut = await answerFromSlack('what is it?', call);

    expect(call.calls).toEqual([]);
    expect(sut.items).toEqual([]);
  });

  it('should throw with the tool error when the search fails', async () => {
    const call = cannedCaller({ search_messages: { error: 'credentials rejected for slack (invalid_auth)' } });

    await expect(answerFromSlack('Acme outage', call)).rejects.toThrow('search_messages failed: credentials rejected for slack (invalid_auth)');
  });

  it('should cite each channel with its topic, the matching one first, when the question asks for channels', async () => {
    const call = cannedCaller({
      list_channels: {
        channels: [
          { id: 'C0GENERAL01', name: 'general', topic: 'Company-wide announcements', purpose: '', num_members: 120, url: `${WORKSPACE}archives/C0GENERAL01` },
          { id: 'C0INCIDENTS', name: 'incidents', topic: 'Production incidents', purpose: 'Resolve incidents', num_members: 42, url: `${WORKSPACE}archives/C0INCIDENTS` },
        ],
      },
    });

    const sut = await answerFromSlack('Which channel handles incidents?', call);

    expect(call.calls).toEqual([['list_channels', {}]]);
    expect(sut.items.map((i) => [i.id, i.url])).toEqual([
      ['#incidents', `${WORKSPACE}archives/C0INCIDENTS`],
      ['#general', `${WORKSPACE}archives/C0GENERAL01`],
    ]);
    expect(sut.items[1]!.content).toBe('#general: Company-wide announcements. 120 members.');
    expect(sut.items.every((i) => i.score >= 0.5)).toBe(true);
  });

  it('should cite people by @handle when the question asks who', async () => {
    const call = cannedCaller({ list_users: { users: [{ id: 'U0ANA00001', name: 'ana', real_name: 'Ana Lima', email: 'ana@initech.example' }] } });

    const sut = await answerFromSlack('Who works here?', call);

    expect(sut.items).toEqual([
      { id: '@ana', title: 'Ana Lima', tool: 'list_users', content: 'Ana Lima (@ana), ana@initech.example', score: 0.5 },
    ]);
  });

  it('should cite the latest direct messages by @person/ts when the question is about DMs', async () => {
    const call = cannedCaller({
      list_dms: {
        dms: [
          {
            id: 'D0ANA00001',
            user_name: 'ana',
            messages: [{ ts: '1768211400.000100', time: '2026-01-12T09:50:00.000Z', user_name: 'ana', text: 'Can you pull the Acme orders?', permalink: `${WORKSPACE}archives/D0ANA00001/p1768211400000100` }],
          },
        ],
      },
    });

    const sut = await answerFromSlack('Any DMs about Acme orders?', call);

    expect(call.calls).toEqual([['list_dms', { limit: 20, messages_per_dm: 5 }]]);
    expect(sut.items).toEqual([
      {
        id: '@ana/1768211400.000100',
        title: 'DM with @ana · 2026-01-12 09:50 UTC',
        url: `${WORKSPACE}archives/D0ANA00001/p1768211400000100`,
        tool: 'list_dms',
        content: '@ana: Can you pull the Acme orders?',
        score: 0.833,
      },
    ]);
  });
});

describe('slackConnector in planning', () => {
  const catalog = [...['files', 'postgres'].map((id) => describeSource(getConnector(id)!)), describeSource(slackConnector)];
  let sut: LocalProvider;

  beforeEach(() => {
    sut = new LocalProvider();
  });

  it('should plan slack when the question asks what was discussed in Slack', async () => {
    const plan = await sut.planSources('What was discussed in the Slack incident thread about the Acme checkout outage?', catalog);

    expect(plan.sources[0]!.source).toBe('slack');
  });

  it('should not plan slack when the question is about a policy document', async () => {
    const plan = await sut.planSources('What does the refund policy document say?', catalog);

    expect(plan.sources.map((s) => s.source)).not.toContain('slack');
  });
});
