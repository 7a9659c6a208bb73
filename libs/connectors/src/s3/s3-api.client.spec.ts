import { decodeUtf8, retryAfterMs, S3ApiClient, totalSize } from './s3-api.client';

describe(S3ApiClient.name, () => {
  it('should redact the secret key, plain and URL-encoded, when it occurs in text', () => {
    const sut = new S3ApiClient({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalr/K7MDENG+bPxRfi' });
    try {
      expect(sut.redact('key wJalr/K7MDENG+bPxRfi and wJalr%2FK7MDENG%2BbPxRfi, id AKIAIOSFODNN7EXAMPLE')).toBe(
        'key [redacted] and [redacted], id AKIAIOSFODNN7EXAMPLE',
      );
    } finally {
      sut.close();
    }
  });

  it('should refuse to start when a key is missing', () => {
    expect(() => new S3ApiClient({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: '' })).toThrow('secret access key are required');
  });
});

describe(retryAfterMs.name, () => {
  it.each([
    ['2', 2_000],
    ['0.25', 250],
    [' ', undefined],
    [undefined, undefined],
    ['-1', undefined],
    ['soon', undefined],
  ])('should read Retry-After %j as %j ms', (value, expected) => {
    expect(retryAfterMs(value)).toBe(expected);
  });

  it('should count down to an HTTP date when Retry-After is a date', () => {
    const now = Date.parse('2024-10-02T10:00:00Z');

    expect(retryAfterMs('Wed, 02 Oct 2024 10:00:03 GMT', now)).toBe(3_000);
  });
});

describe(totalSize.name, () => {
  it('should read the full size when Content-Range is given', () => {
    expect(totalSize('bytes 0-999/61234')).toBe(61_234);
    expect(totalSize('bytes */0')).toBe(0);
    expect(totalSize(undefined)).toBeUndefined();
  });
});

describe(decodeUtf8.name, () => {
  it('should refuse bytes with a NUL or invalid UTF-8 when they are binary', () => {
    expect(decodeUtf8(Buffer.from([0x50, 0x00, 0x51]), true)).toBeUndefined();
    expect(decodeUtf8(Buffer.from([0xff, 0xfe, 0x41]), true)).toBeUndefined();
  });

  it('should drop a trailing partial character only when the bytes were cut', () => {
    const cut = Buffer.from('aé').subarray(0, 2);

    expect(decodeUtf8(cut, false)).toBe('a');
    expect(decodeUtf8(cut, true)).toBeUndefined();
  });
});
