import { z } from 'zod/v4';
import { invalidEnvironment, isHttpUrl, logLevelEnv, timeoutMsEnv, unsetIfEmpty } from './server-config';

describe('server-config', () => {
  const schema = z.object({ TEST_TIMEOUT_MS: timeoutMsEnv(10_000), LOG_LEVEL: logLevelEnv() });

  it('should apply the defaults when the variables are unset or empty', () => {
    expect(schema.parse({})).toEqual({ TEST_TIMEOUT_MS: 10_000, LOG_LEVEL: 'info' });
    expect(schema.parse({ TEST_TIMEOUT_MS: '', LOG_LEVEL: '' })).toEqual({ TEST_TIMEOUT_MS: 10_000, LOG_LEVEL: 'info' });
  });

  it('should read a timeout and a level when they are valid', () => {
    expect(schema.parse({ TEST_TIMEOUT_MS: '2500', LOG_LEVEL: 'debug' })).toEqual({ TEST_TIMEOUT_MS: 2_500, LOG_LEVEL: 'debug' });
  });

  it('should list every bad variable, never echoing a value, when several are wrong', () => {
    const parsed = schema.safeParse({ TEST_TIMEOUT_MS: '99', LOG_LEVEL: 'loud' });
    expect(parsed.success).toBe(false);
    const result = invalidEnvironment('Test MCP server', parsed.error!.issues);
    expect(result).toEqual({
      ok: false,
      message:
        'Invalid environment for the Test MCP server:\n' +
        '  - TEST_TIMEOUT_MS: must be at least 100\n' +
        '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    });
  });

  it('should refuse a timeout that is not whole or longer than two minutes', () => {
    expect(schema.safeParse({ TEST_TIMEOUT_MS: '1.5' }).error?.issues[0]?.message).toBe('must be a whole number of milliseconds');
    expect(schema.safeParse({ TEST_TIMEOUT_MS: 'soon' }).error?.issues[0]?.message).toBe('must be a whole number of milliseconds');
    expect(schema.safeParse({ TEST_TIMEOUT_MS: '120001' }).error?.issues[0]?.message).toBe('must be at most 120000 (2 minutes)');
  });

  it('should treat only the empty string as unset', () => {
    expect(unsetIfEmpty('')).toBeUndefined();
    expect(unsetIfEmpty(' ')).toBe(' ');
  });

  describe(isHttpUrl.name, () => {
    it('should accept http and https URLs and refuse other schemes and non-URLs', () => {
      expect(isHttpUrl('https://api.example.com')).toBe(true);
      expect(isHttpUrl('http://127.0.0.1:9000')).toBe(true);
      expect(isHttpUrl('ftp://example.com')).toBe(false);
      expect(isHttpUrl('not a url')).toBe(false);
    });

    it('should refuse credentials in the URL only when asked to', () => {
      expect(isHttpUrl('https://user:pw@example.com')).toBe(true);
      expect(isHttpUrl('https://user:pw@example.com', { withoutCredentials: true })).toBe(false);
      expect(isHttpUrl('https://example.com', { withoutCredentials: true })).toBe(true);
    });
  });
});
