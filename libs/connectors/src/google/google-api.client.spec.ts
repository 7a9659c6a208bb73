import { errorDetails, GoogleApiClient, retryAfterMs } from './google-api.client';

describe(retryAfterMs.name, () => {
  const now = Date.UTC(2025, 2, 12, 9, 0, 0);

  it('should read delta-seconds when Google sends them', () => {
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('0.25', now)).toBe(250);
  });

  it('should read an HTTP date when the header is not a number', () => {
    expect(retryAfterMs(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
  });

  it('should return undefined when the header is missing or unreadable, so the client backs off on its own', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });
});

describe(errorDetails.name, () => {
  it('should read the reason from errors[] when the API sends the older envelope', () => {
    const body = { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } };

    expect(errorDetails(body)).toEqual({ message: 'Rate Limit Exceeded', reasons: ['rateLimitExceeded'] });
  });

  it('should read status and the ErrorInfo reason when the API sends the newer envelope', () => {
    const body = {
      error: {
        code: 429,
        message: "Quota exceeded for quota metric 'Read requests'",
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' }],
      },
    };

    expect(errorDetails(body)).toEqual({ message: "Quota exceeded for quota metric 'Read requests'", status: 'RESOURCE_EXHAUSTED', reasons: ['RATE_LIMIT_EXCEEDED'] });
  });

  it('should find nothing when the body is not Google JSON', () => {
    expect(errorDetails('<html>502 Bad Gateway</html>')).toEqual({ reasons: [] });
  });
});

describe(GoogleApiClient.name, () => {
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

  it('should replace the token with [redacted] when text contains it', () => {
    const sut = new GoogleApiClient({ accessToken: 'ya29.abc', fetch: jest.fn() });

    expect(sut.redact('Bearer ya29.abc (ya29.abc)')).toBe('Bearer [redacted] ([redacted])');
  });

  it('should call each API on its own documented host when no API URL is configured', async () => {
    const fetchMock = jest.fn<Promise<Response>, Parameters<typeof fetch>>(async (input) => {
      const url = String(input);
      if (url.includes('/calendar/')) return json({ items: [] });
      if (url.includes('/gmail/')) return json({ resultSizeEstimate: 0 });
      if (url.includes('/drive/')) return json({ files: [] });
      if (url.includes('/values/')) return json({ range: 'Sheet1!A1:Z2' });
      if (url.includes('/v4/')) return json({ spreadsheetId: 's1', sheets: [] });
      return json({ documentId: 'd1', title: 'Doc' });
    });
    const sut = new GoogleApiClient({ accessToken: 'ya29.abc', fetch: fetchMock as unknown as typeof fetch });

    await sut.listEvents('primary');
    await sut.listMessages();
    await sut.listFiles();
    await sut.getDocument('d1');
    await sut.getSpreadsheet('s1');
    await sut.getValues('s1', 'Sheet1');

    expect(fetchMock.mock.calls.map(([input]) => new URL(String(input)).origin + new URL(String(input)).pathname)).toEqual([
      'https://www.googleapis.com/calendar/v3/calendars/primary/events',
      'https://gmail.googleapis.com/gmail/v1/users/me/messages',
      'https://www.googleapis.com/drive/v3/files',
      'https://docs.googleapis.com/v1/documents/d1',
      'https://sheets.googleapis.com/v4/spreadsheets/s1',
      'https://sheets.googleapis.com/v4/spreadsheets/s1/values/Sheet1',
    ]);
    const headers = fetchMock.mock.calls[0]![1]!.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer ya29.abc');
  });

  it('should send every API to the one base URL, path prefix kept, when an API URL is configured', async () => {
    const fetchMock = jest.fn<Promise<Response>, Parameters<typeof fetch>>(async () => json({ files: [] }));
    const sut = new GoogleApiClient({ accessToken: 'ya29.abc', apiUrl: 'https://proxy.example/google/', fetch: fetchMock as unknown as typeof fetch });

    await sut.listFiles({ query: "fullText contains 'x'" });

    expect(String(fetchMock.mock.calls[0]![0])).toMatch(/^https:\/\/proxy\.example\/google\/drive\/v3\/files\?/);
  });
});
