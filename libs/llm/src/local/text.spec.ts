import { keywords, overlapScore, sentences, stem, truncate } from './text';

describe(stem.name, () => {
  it.each([
    ['tickets', 'ticket'],
    ['policies', 'policy'],
    ['refunded', 'refund'],
    ['failing', 'fail'],
    ['processes', 'process'],
    ['boxes', 'box'],
    ['Customers', 'customer'],
  ])('should reduce %s to %s when it carries a common suffix', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it.each(['process', 'class', 'bus', 'runbook', 'sla'])('should keep %s unchanged when it has no suffix to strip', (word) => {
    expect(stem(word)).toBe(word);
  });

  it('should give singular and plural the same stem when both forms are used', () => {
    expect(stem('ticket')).toBe(stem('tickets'));
    expect(stem('refund')).toBe(stem('refunded'));
    expect(stem('policy')).toBe(stem('policies'));
  });
});

describe(keywords.name, () => {
  it('should keep the stemmed content words in order of appearance when given a demo question', () => {
    const sut = keywords('Which customers have open urgent support tickets, and what does our escalation runbook say to do?');

    expect(sut).toEqual(['customer', 'open', 'urgent', 'support', 'ticket', 'escalation', 'runbook']);
  });

  it('should list each stem once when a word repeats in different forms', () => {
    expect(keywords('Refund the refunded refunds')).toEqual(['refund']);
  });

  it("should drop a possessive 's when a word carries one", () => {
    expect(keywords("Acme's invoices")).toEqual(['acme', 'invoice']);
  });

  it('should return nothing when the text has only stopwords and short words', () => {
    expect(keywords('What is it, and why do we do so?')).toEqual([]);
  });

  it('should keep hyphenated words and numbers whole when they appear', () => {
    expect(keywords('on-call rota for 2026')).toEqual(['on-call', 'rota', '2026']);
  });
});

describe(sentences.name, () => {
  it('should join soft-wrapped lines into one sentence when a paragraph wraps', () => {
    const sut = sentences('When payments fail, page the on-call\nengineer immediately. Then open\nan incident.');

    expect(sut).toEqual(['When payments fail, page the on-call engineer immediately.', 'Then open an incident.']);
  });

  it('should keep list items separate and strip their markers when the text has bullets and numbers', () => {
    const sut = sentences(['- Check the provider', '  status page.', '* Switch the flag.', '1. Page the lead.', '2) Post an update.'].join('\n'));

    expect(sut).toEqual(['Check the provider status page.', 'Switch the flag.', 'Page the lead.', 'Post an update.']);
  });

  it('should drop headings and table rules when the text is markdown', () => {
    const sut = sentences(['# Refund Policy', '', '## Approvals', '', '| Amount | Approver |', '|--------|----------|', '', 'Ask first.'].join('\n'));

    expect(sut).not.toContainEqual(expect.stringContaining('Refund Policy'));
    expect(sut).not.toContainEqual(expect.stringContaining('Approvals'));
    expect(sut).not.toContainEqual(expect.stringMatching(/^\|?[\s:|-]+\|?$/));
    expect(sut).toContain('Ask first.');
  });

  it('should quote a table row as written without its outer pipes when the text has a table', () => {
    const sut = sentences(['| Amount | Approver |', '|--------|----------|', '| Up to $1,000 | Any support agent |'].join('\n'));

    expect(sut).toEqual(['Amount | Approver', 'Up to $1,000 | Any support agent']);
  });

  it('should not merge a paragraph into the following list when no blank line separates them', () => {
    const sut = sentences('Steps to follow:\n- First step.\n- Second step.');

    expect(sut).toEqual(['Steps to follow:', 'First step.', 'Second step.']);
  });

  it('should not split inside a sentence when a period is followed by a lowercase word', () => {
    expect(sentences('Use e.g. the backup gateway. Then stop.')).toEqual(['Use e.g. the backup gateway.', 'Then stop.']);
  });

  it('should return nothing when the text is blank', () => {
    expect(sentences('\n  \n')).toEqual([]);
  });
});

describe(overlapScore.name, () => {
  it('should score 0 when the query has no keywords', () => {
    expect(overlapScore([], 'anything at all')).toBe(0);
  });

  it('should score the share of query keywords found when the body matches some of them', () => {
    expect(overlapScore(['refund', 'policy', 'order', 'ticket'], 'Orders are refunded within 14 days.')).toBe(0.5);
  });

  it('should score 1 when every keyword appears, in any inflection', () => {
    expect(overlapScore(keywords('refund policies'), 'The policy covers refunded orders.')).toBe(1);
  });

  it('should weigh a title match above a body match when only one of them mentions the keyword', () => {
    const inTitle = overlapScore(['refund', 'escalation'], 'nothing here', 'Refund policy');
    const inBody = overlapScore(['refund', 'escalation'], 'a refund is due', '');

    expect(inTitle).toBeGreaterThan(inBody);
    expect(inBody).toBe(0.5);
  });

  it('should never exceed 1 when every keyword is in the title', () => {
    expect(overlapScore(['refund', 'policy'], 'refund policy', 'Refund policy')).toBe(1);
  });

  it('should score 0 when nothing matches', () => {
    expect(overlapScore(['outage'], 'The weather is fine.', 'Holiday plans')).toBe(0);
  });
});

describe(truncate.name, () => {
  it('should keep text unchanged when it fits', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('should cut to the limit and end with an ellipsis when the text is longer', () => {
    const sut = truncate('a'.repeat(50), 10);

    expect(sut).toHaveLength(10);
    expect(sut.endsWith('…')).toBe(true);
  });
});
