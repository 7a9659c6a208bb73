import { CitationMarkerFilter } from './citation-markers';

/** Feeds `deltas` through a filter for `count` evidence items; returns what came out, delta by delta. */
function run(count: number, deltas: string[]): { outputs: string[]; text: string; used: number[] } {
  const sut = new CitationMarkerFilter(count);
  const outputs = deltas.map((d) => sut.push(d));
  outputs.push(sut.flush());
  return { outputs, text: outputs.join(''), used: sut.used };
}

describe(CitationMarkerFilter.name, () => {
  it('should pass markers through and record them in order of first use when they name evidence', () => {
    const sut = run(3, ['Refunds need approval [2]. ', 'SEV1 pages on-call [1][2].']);

    expect(sut.text).toBe('Refunds need approval [2]. SEV1 pages on-call [1][2].');
    expect(sut.used).toEqual([2, 1]);
  });

  it('should drop a marker when it names no evidence item', () => {
    const sut = run(2, ['Deleted [7] and [0] but kept [2].']);

    expect(sut.text).toBe('Deleted  and  but kept [2].');
    expect(sut.used).toEqual([2]);
  });

  it('should join a marker split across deltas before judging it', () => {
    const sut = run(12, ['as the runbook says [', '1', '2] and [', '13', '].']);

    expect(sut.text).toBe('as the runbook says [12] and .');
    expect(sut.used).toEqual([12]);
    // Nothing that could still become a marker left early.
    expect(sut.outputs[0]).toBe('as the runbook says ');
  });

  it('should rewrite a list of markers as separate markers when the model writes [1, 3]', () => {
    expect(run(3, ['Both agree [1, 3, 9].']).text).toBe('Both agree [1][3].');
  });

  it('should release bracketed text when it turns out not to be a marker', () => {
    const sut = run(2, ['See [', 'appendix] for [1]']);

    expect(sut.text).toBe('See [appendix] for [1]');
    expect(sut.outputs).toEqual(['See ', '[appendix] for [1]', '']);
  });
});
