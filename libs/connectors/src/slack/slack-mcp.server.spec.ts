import { redactTokens } from './slack-api.exception';
import { SlackUser } from './slack-api.schema';
import { matchedTerms, permalink, renderText, searchDateModifiers, searchWords, toSlackTs } from './slack-mcp.server';

describe(renderText.name, () => {
  const users = new Map<string, SlackUser>([['U0ANA00001', { id: 'U0ANA00001', name: 'ana' }]]);

  it('should turn mentions, channel links, broadcasts, links and entities into readable text when a message has Slack markup', () => {
    const sut = renderText(
      '<!here> <@U0ANA00001> see <#C0INCIDENTS|incidents> and <https://wiki.example/runbook|the runbook> or <https://status.example> &lt;ok&gt; &amp; done',
      users,
    );

    expect(sut).toBe('@here @ana see #incidents and the runbook (https://wiki.example/runbook) or https://status.example <ok> & done');
  });

  it('should keep the user id when the user is unknown', () => {
    expect(renderText('ping <@U0NOBODY1>', users)).toBe('ping @U0NOBODY1');
  });
});

describe(permalink.name, () => {
  it('should build a Slack archive link without the dot in the timestamp', () => {
    expect(permalink('https://initech.slack.com/', 'C0INCIDENTS', '1768210920.000100')).toBe(
      'https://initech.slack.com/archives/C0INCIDENTS/p1768210920000100',
    );
  });

  it('should point into the thread when the message is a reply', () => {
    expect(permalink('https://initech.slack.com', 'C0INCIDENTS', '1768212300.000100', '1768210920.000100')).toBe(
      'https://initech.slack.com/archives/C0INCIDENTS/p1768212300000100?thread_ts=1768210920.000100&cid=C0INCIDENTS',
    );
  });
});

describe(toSlackTs.name, () => {
  it('should keep a Slack timestamp and convert an ISO time to seconds', () => {
    expect(toSlackTs('1768210920.000100', 'oldest')).toBe('1768210920.000100');
    expect(toSlackTs('2026-01-12T09:42:00Z', 'oldest')).toBe('1768210920.000000');
  });

  it('should refuse text that is not a time', () => {
    expect(() => toSlackTs('yesterday', 'latest')).toThrow('latest must be a Slack timestamp or an ISO 8601 date/time');
  });
});

describe(searchWords.name, () => {
  it('should lower-case, strip punctuation and drop Slack modifiers when the query has them', () => {
    expect(searchWords('Acme, checkout! in:#incidents from:@ana acme')).toEqual(['acme', 'checkout']);
  });
});

describe(matchedTerms.name, () => {
  it('should match terms at the start of words only', () => {
    expect(matchedTerms('Refunds for Globex; prefund pending', ['refund', 'globex', 'fund'])).toEqual(['refund', 'globex']);
  });
});

describe(redactTokens.name, () => {
  it('should remove the given tokens and anything shaped like a Slack token', () => {
    expect(redactTokens('a=secret-1 b=xoxb-123-abc c=xoxp-9', ['secret-1'])).toBe('a=[redacted] b=[redacted] c=[redacted]');
  });
});

describe(searchDateModifiers.name, () => {
  it('should widen each bound by two whole days when a window is given, since Slack counts days in the user time zone', () => {
    expect(searchDateModifiers('1768210980.000000', '1768213860.000000')).toEqual(['after:2026-01-10', 'before:2026-01-14']);
  });

  it('should add nothing for a bound that is not given', () => {
    expect(searchDateModifiers(undefined, '1768213860.000000')).toEqual(['before:2026-01-14']);
    expect(searchDateModifiers()).toEqual([]);
  });
});
