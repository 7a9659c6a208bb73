import { dayIn, digestBounds, formatLocal, instantOf, isWithin } from './digest-window';

describe(digestBounds.name, () => {
  it('should resolve the instants and default the time zone to UTC when the window names none', () => {
    expect(digestBounds({ since: '2025-03-11T12:00:00Z', until: '2025-03-12T09:00:00+01:00' })).toEqual({
      since: Date.parse('2025-03-11T12:00:00Z'),
      until: Date.parse('2025-03-12T08:00:00Z'),
      timeZone: 'UTC',
    });
  });

  it('should name the bad field when the window is not a window', () => {
    expect(() => digestBounds({ since: 'yesterday', until: '2025-03-12T09:00:00Z' })).toThrow(/^invalid digest window: since /);
    expect(() => digestBounds({ since: '2025-03-12T09:00:00Z', until: '2025-03-12T09:00:00Z' })).toThrow(
      'invalid digest window: since must be before until',
    );
    expect(() => digestBounds({ since: '2025-03-11T09:00:00Z', until: '2025-03-12T09:00:00Z', timeZone: 'Mars/Olympus' })).toThrow(
      /timeZone must be an IANA time zone/,
    );
  });
});

describe(isWithin.name, () => {
  const bounds = digestBounds({ since: '2024-05-01T12:00:00Z', until: '2024-05-03T12:00:00Z' });

  it('should exclude since and include until when a time is on an edge', () => {
    expect(isWithin(bounds, '2024-05-01T12:00:00Z')).toBe(false);
    expect(isWithin(bounds, '2024-05-01T12:00:01Z')).toBe(true);
    expect(isWithin(bounds, '2024-05-03T12:00:00Z')).toBe(true);
    expect(isWithin(bounds, '2024-05-03T12:00:01Z')).toBe(false);
  });

  it("should read Jira's +0000 offsets and refuse what is not a time when an API writes times its own way", () => {
    expect(instantOf('2024-05-02T09:30:00.000+0000')).toBe(Date.parse('2024-05-02T09:30:00Z'));
    expect(isWithin(bounds, '2024-05-02T11:30:00.000+0200')).toBe(true);
    expect(isWithin(bounds, 'soon')).toBe(false);
    expect(isWithin(bounds, null)).toBe(false);
  });
});

describe(dayIn.name, () => {
  it('should give the local day and its bounds as instants when the zone is ahead of UTC', () => {
    expect(dayIn('Asia/Tokyo', Date.parse('2025-03-12T18:00:00Z'))).toEqual({
      date: '2025-03-13',
      start: Date.parse('2025-03-12T15:00:00Z'),
      end: Date.parse('2025-03-13T15:00:00Z'),
    });
  });

  it('should make the day 23 hours long when the clocks go forward that day', () => {
    const day = dayIn('Europe/London', Date.parse('2025-03-30T12:00:00Z'));

    expect(day).toEqual({ date: '2025-03-30', start: Date.parse('2025-03-30T00:00:00Z'), end: Date.parse('2025-03-30T23:00:00Z') });
  });
});

describe(formatLocal.name, () => {
  it('should write the wall-clock time of the zone when one is given', () => {
    expect(formatLocal('America/New_York', Date.parse('2025-03-14T16:00:00Z'))).toBe('2025-03-14 12:00');
    expect(formatLocal('UTC', Date.parse('2025-03-14T16:00:00Z'))).toBe('2025-03-14 16:00');
  });
});
