import { ConfigError, parseConfig } from '@mosaic/runtime';
import { workerEnvSchema } from './config';

describe('workerEnvSchema', () => {
  const base = { NATS_URL: 'nats://127.0.0.1:4222', CONNECTOR: 'echo' };

  it('should default the breaker settings and the breaker timeout to TOOL_CALL_TIMEOUT_MS when unset', () => {
    const sut = parseConfig(workerEnvSchema, { ...base, TOOL_CALL_TIMEOUT_MS: '7000' });

    expect(sut).toMatchObject({
      BREAKER_TIMEOUT_MS: 7000,
      BREAKER_ERROR_THRESHOLD_PERCENT: 50,
      BREAKER_VOLUME_THRESHOLD: 5,
      BREAKER_RESET_TIMEOUT_MS: 30_000,
      BREAKER_ROLLING_WINDOW_MS: 10_000,
      CONNECTOR_CACHE: 'on',
    });
    expect(sut.REDIS_URL).toBeUndefined();
  });

  it('should take an explicit breaker timeout over the tool call timeout', () => {
    expect(parseConfig(workerEnvSchema, { ...base, BREAKER_TIMEOUT_MS: '250' }).BREAKER_TIMEOUT_MS).toBe(250);
  });

  it('should list every bad breaker variable when several are invalid', () => {
    const env = {
      ...base,
      BREAKER_TIMEOUT_MS: '0',
      BREAKER_ERROR_THRESHOLD_PERCENT: '150',
      BREAKER_VOLUME_THRESHOLD: '0',
      BREAKER_RESET_TIMEOUT_MS: 'soon',
      BREAKER_ROLLING_WINDOW_MS: '5',
      CONNECTOR_CACHE: 'maybe',
    };

    const error = (() => {
      try {
        parseConfig(workerEnvSchema, env);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();

    const named = error.issues.map((i) => i.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'BREAKER_TIMEOUT_MS',
        'BREAKER_ERROR_THRESHOLD_PERCENT',
        'BREAKER_VOLUME_THRESHOLD',
        'BREAKER_RESET_TIMEOUT_MS',
        'BREAKER_ROLLING_WINDOW_MS',
        'CONNECTOR_CACHE',
      ]),
    );
  });
});
