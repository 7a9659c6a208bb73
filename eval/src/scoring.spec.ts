import { Citation, SourceResult } from '@mosaic/contracts';
import {
  citationMarkers,
  factMatches,
  isQuotedFrom,
  missedThresholds,
  overallScores,
  QuestionScores,
  scoreCitations,
  scoreFacts,
  scoreRouting,
} from './scoring';

const POLICY = `Orders charged twice (for example after a payment outage or a checkout retry) are refunded in
full immediately, with no approval and no time limit.`;
const ROW = 'order_number: NW-2026-0011; status: refunded; refund_reason: Duplicate charge after a checkout retry';

function result(source: string, items: { id: string; content: string }[], success = true): SourceResult {
  return {
    source,
    success,
    summary: '',
    items: items.map((i) => ({ ...i, title: i.id, tool: 'read', score: 1 })),
    tool_calls: [],
    duration_ms: 1,
  };
}

function citation(index: number, source: string, item: string, excerpt: string): Citation {
  return { index, source, tool: 'read', item, excerpt };
}

const sourceResults = [result('files', [{ id: 'policies/refund-policy.md#duplicate-charges', content: POLICY }]), result('postgres', [{ id: 'orders:11', content: ROW }])];

describe(scoreRouting.name, () => {
  it('should score 1 and 1 when the plan is exactly the expected sources', () => {
    expect(scoreRouting(['postgres', 'files'], ['files', 'postgres'])).toEqual({ precision: 1, recall: 1, extra: [], missed: [] });
  });

  it('should halve precision when the planner adds a source that was not expected', () => {
    const sut = scoreRouting(['files', 'postgres'], ['files']);

    expect(sut.precision).toBe(0.5);
    expect(sut.recall).toBe(1);
    expect(sut.extra).toEqual(['postgres']);
  });

  it('should halve recall when the planner misses one of two expected sources', () => {
    const sut = scoreRouting(['postgres'], ['files', 'postgres']);

    expect(sut.precision).toBe(1);
    expect(sut.recall).toBe(0.5);
    expect(sut.missed).toEqual(['files']);
  });

  it('should score 0 and 0 when the planner picks only the wrong source', () => {
    expect(scoreRouting(['postgres'], ['files'])).toMatchObject({ precision: 0, recall: 0 });
  });

  it('should score 0 precision and full recall when sources are planned for a question no source answers', () => {
    expect(scoreRouting(['files', 'postgres'], [])).toMatchObject({ precision: 0, recall: 1, extra: ['files', 'postgres'] });
  });

  it('should score 1 and 1 when nothing is planned and nothing was expected', () => {
    expect(scoreRouting([], [])).toMatchObject({ precision: 1, recall: 1 });
  });

  it('should score 0 and 0 when nothing is planned but a source was expected', () => {
    expect(scoreRouting([], ['files'])).toMatchObject({ precision: 0, recall: 0, missed: ['files'] });
  });

  it('should count a source once when the plan repeats it', () => {
    expect(scoreRouting(['files', 'files', 'postgres'], ['files'])).toMatchObject({ precision: 0.5, recall: 1 });
  });
});

describe(factMatches.name, () => {
  it('should match a string fact case-insensitively and across line breaks', () => {
    expect(factMatches('no approval and NO TIME limit', POLICY)).toBe(true);
    expect(factMatches('refunded in full immediately', POLICY)).toBe(true);
  });

  it('should not match a string fact when only some of its words occur', () => {
    expect(factMatches('no approval and a time limit', POLICY)).toBe(false);
  });

  it('should match a regex fact case-insensitively', () => {
    expect(factMatches({ regex: 'nw-2026-00(11|37)' }, ROW)).toBe(true);
  });

  it('should match a regex fact with single spaces across a line break', () => {
    expect(factMatches({ regex: 'refunded in full immediately, with (no|some) approval' }, POLICY)).toBe(true);
  });

  it('should treat a regex fact as a pattern, not as literal text', () => {
    expect(factMatches({ regex: 'NW-2026-00(37|52)' }, ROW)).toBe(false);
    expect(factMatches('NW-2026-00(11|37)', ROW)).toBe(false);
  });
});

describe(scoreFacts.name, () => {
  it('should report the share of facts found and name the missing ones', () => {
    const sut = scoreFacts(`Refunded: NW-2026-0011 [1]. ${POLICY}`, ['NW-2026-0011', { regex: 'NW-2026-0037' }, 'no approval']);

    expect(sut.recall).toBeCloseTo(2 / 3);
    expect(sut.found).toEqual(['NW-2026-0011', 'no approval']);
    expect(sut.missing).toEqual(['/NW-2026-0037/']);
  });

  it('should report no recall when the question expects no facts', () => {
    expect(scoreFacts('anything', []).recall).toBeNull();
  });
});

describe(isQuotedFrom.name, () => {
  it('should accept a quote that joins soft-wrapped lines', () => {
    expect(isQuotedFrom('are refunded in full immediately, with no approval', POLICY)).toBe(true);
  });

  it('should accept a truncated quote when the part before the ellipsis is verbatim', () => {
    expect(isQuotedFrom('Orders charged twice (for example after a payment…', POLICY)).toBe(true);
  });

  it('should reject a quote whose case or wording differs from the item', () => {
    expect(isQuotedFrom('orders charged twice', POLICY)).toBe(false);
    expect(isQuotedFrom('Orders charged twice are refunded after approval', POLICY)).toBe(false);
  });
});

describe(citationMarkers.name, () => {
  it('should return every marker occurrence, lists included', () => {
    expect(citationMarkers('a [1] b [2][1] c [3, 4]')).toEqual([1, 2, 1, 3, 4]);
  });

  it('should ignore brackets that hold no number', () => {
    expect(citationMarkers('see [the policy] and [x1]')).toEqual([]);
  });
});

describe(scoreCitations.name, () => {
  it('should count every citation correct when each excerpt is quoted from its item', () => {
    const sut = scoreCitations({
      response: 'Duplicates are refunded at once [1]; order NW-2026-0011 was one [2].',
      citations: [
        citation(1, 'files', 'policies/refund-policy.md#duplicate-charges', 'refunded in full immediately, with no approval and no time limit.'),
        citation(2, 'postgres', 'orders:11', ROW),
      ],
      source_results: sourceResults,
    });

    expect(sut).toMatchObject({ total: 2, correct: 2, share: 1, danglingMarkers: 0, unreferenced: [] });
  });

  it('should flag a forged excerpt when the item does not contain it', () => {
    const sut = scoreCitations({
      response: 'Refunds need CFO approval [1].',
      citations: [citation(1, 'files', 'policies/refund-policy.md#duplicate-charges', 'Every refund needs approval by the CFO.')],
      source_results: sourceResults,
    });

    expect(sut.share).toBe(0);
    expect(sut.verdicts[0]).toMatchObject({ correct: false, fault: 'excerpt_not_in_item' });
  });

  it('should flag a real excerpt when it is attributed to another item', () => {
    const sut = scoreCitations({
      response: 'x [1]',
      citations: [citation(1, 'postgres', 'orders:11', 'no approval and no time limit')],
      source_results: sourceResults,
    });

    expect(sut.verdicts[0]).toMatchObject({ correct: false, fault: 'excerpt_not_in_item' });
  });

  it('should flag a citation when its item is not among the returned items of that source', () => {
    const sut = scoreCitations({
      response: 'x [1] y [2]',
      citations: [citation(1, 'files', 'orders:11', ROW), citation(2, 'postgres', 'orders:37', ROW)],
      source_results: sourceResults,
    });

    expect(sut.correct).toBe(0);
    expect(sut.verdicts.map((v) => v.fault)).toEqual(['unknown_item', 'unknown_item']);
  });

  it('should flag an empty excerpt even though every item contains the empty string', () => {
    const sut = scoreCitations({ response: 'x [1]', citations: [citation(1, 'postgres', 'orders:11', ' … ')], source_results: sourceResults });

    expect(sut.verdicts[0]).toMatchObject({ correct: false, fault: 'empty_excerpt' });
  });

  it('should count a dangling marker when the response refers to a citation that does not exist', () => {
    const sut = scoreCitations({
      response: 'Refunded [1]. Also [3], and again [3].',
      citations: [citation(1, 'postgres', 'orders:11', ROW)],
      source_results: sourceResults,
    });

    expect(sut.danglingMarkers).toBe(2);
    expect(sut.danglingIndices).toEqual([3]);
    expect(sut.share).toBe(1);
  });

  it('should list citations the response never refers to', () => {
    const sut = scoreCitations({
      response: 'Refunded [2].',
      citations: [citation(1, 'files', 'policies/refund-policy.md#duplicate-charges', 'no approval'), citation(2, 'postgres', 'orders:11', ROW)],
      source_results: sourceResults,
    });

    expect(sut.unreferenced).toEqual([1]);
  });

  it('should report no share when the answer cites nothing', () => {
    expect(scoreCitations({ response: 'Nothing relevant.', citations: [], source_results: [] })).toMatchObject({ total: 0, share: null, danglingMarkers: 0 });
  });
});

describe(overallScores.name, () => {
  const scores = (precision: number, recall: number, found: number, missing: number, correct: number, total: number, dangling = 0): QuestionScores => ({
    routing: { precision, recall, extra: [], missed: [] },
    facts: { found: Array(found).fill('f'), missing: Array(missing).fill('m'), recall: found + missing ? found / (found + missing) : null },
    citations: { total, correct, share: total ? correct / total : null, verdicts: [], danglingMarkers: dangling, danglingIndices: [], unreferenced: [] },
    failedSources: [],
  });

  it('should average routing and fact recall per question but pool citations', () => {
    const sut = overallScores([scores(1, 1, 1, 0, 1, 1), scores(0.5, 0, 1, 3, 5, 10, 2)]);

    expect(sut.routingPrecision).toBe(0.75);
    expect(sut.routingRecall).toBe(0.5);
    expect(sut.factRecall).toBe(0.625);
    expect(sut.factsFound).toBe(2);
    expect(sut.factsExpected).toBe(5);
    expect(sut.citationCorrectness).toBeCloseTo(6 / 11);
    expect(sut.danglingMarkers).toBe(2);
  });

  it('should leave questions without expected facts out of the fact recall mean', () => {
    expect(overallScores([scores(1, 1, 1, 1, 0, 0), scores(0, 1, 0, 0, 0, 0)]).factRecall).toBe(0.5);
  });
});

describe(missedThresholds.name, () => {
  const overall = overallScores([
    {
      routing: { precision: 0.5, recall: 1, extra: [], missed: [] },
      facts: { found: ['a'], missing: ['b', 'c'], recall: 1 / 3 },
      citations: { total: 2, correct: 2, share: 1, verdicts: [], danglingMarkers: 1, danglingIndices: [4], unreferenced: [] },
      failedSources: [],
    },
  ]);

  it('should pass when no threshold is given, however low the scores', () => {
    expect(missedThresholds(overall, {})).toEqual([]);
  });

  it('should name each metric below its minimum or above its maximum', () => {
    const sut = missedThresholds(overall, { minFactRecall: 0.5, minRoutingRecall: 1, minCitationCorrectness: 1, maxDanglingMarkers: 0 });

    expect(sut).toEqual(['fact recall 0.333 < 0.5', 'dangling markers 1 > 0']);
  });
});
