import { inspect } from 'node:util';
import { LocalProvider } from '../local/local.provider';
import { DEFAULT_FAST_MODEL, DEFAULT_STANDARD_MODEL, parseAnthropicConfig } from './anthropic.config';
import { AnthropicProvider } from './anthropic.provider';
import { createLlmProvider } from './create-llm-provider';
import { LlmError, LlmErrorCode } from './llm.exception';

const KEY = ['sk-ant-', 'api03-', 'configSpecKey0123456789'].join('');

describe(parseAnthropicConfig.name, () => {
  it('should apply the defaults when only the key is set', () => {
    const sut = parseAnthropicConfig({ ANTHROPIC_API_KEY: KEY });

    expect(sut).toMatchObject({
      ok: true,
      config: {
        apiKey: KEY,
        baseURL: 'https://api.anthropic.com',
        fastModel: DEFAULT_FAST_MODEL,
        standardModel: DEFAULT_STANDARD_MODEL,
        thinking: { enabled: false, budgetTokens: 0 },
        maxRetries: 2,
        timeoutMs: 60_000,
      },
    });
  });

  it('should read every variable when all are set', () => {
    const sut = parseAnthropicConfig({
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4010/',
      ANTHROPIC_FAST_MODEL: 'claude-haiku-4-5-20251001',
      ANTHROPIC_STANDARD_MODEL: 'claude-opus-4-7',
      ANTHROPIC_THINKING_BUDGET: '2048',
      ANTHROPIC_MAX_RETRIES: '4',
      ANTHROPIC_TIMEOUT_MS: '15000',
    });

    expect(sut).toMatchObject({
      ok: true,
      config: {
        baseURL: 'http://127.0.0.1:4010',
        fastModel: 'claude-haiku-4-5-20251001',
        standardModel: 'claude-opus-4-7',
        thinking: { enabled: true, budgetTokens: 2048 },
        maxRetries: 4,
        timeoutMs: 15_000,
      },
    });
  });

  it('should turn thinking off when the budget is 0 or empty', () => {
    for (const budget of ['0', '']) {
      const sut = parseAnthropicConfig({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_THINKING_BUDGET: budget });

      expect(sut).toMatchObject({ ok: true, config: { thinking: { enabled: false } } });
    }
  });

  it('should list every bad variable without echoing any value when several are invalid', () => {
    const sut = parseAnthropicConfig({
      ANTHROPIC_API_KEY: `${KEY}\n`,
      ANTHROPIC_BASE_URL: 'ftp://user:hunter2@example.com',
      ANTHROPIC_THINKING_BUDGET: '500',
      ANTHROPIC_MAX_RETRIES: 'many',
      ANTHROPIC_TIMEOUT_MS: '5',
    });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('ANTHROPIC_API_KEY: must not contain whitespace');
    expect(message).toContain('ANTHROPIC_BASE_URL: must be an http:// or https:// URL');
    expect(message).toContain('ANTHROPIC_THINKING_BUDGET: must be 0 (thinking off) or at least 1024 tokens');
    expect(message).toContain('ANTHROPIC_MAX_RETRIES: must be a whole number of retries');
    expect(message).toContain('ANTHROPIC_TIMEOUT_MS: must be at least 1000');
    expect(message).not.toContain(KEY);
    expect(message).not.toContain('hunter2');
  });
});

describe(createLlmProvider.name, () => {
  it('should pick the local provider when no API key is set', () => {
    expect(createLlmProvider({})).toBeInstanceOf(LocalProvider);
    expect(createLlmProvider({ ANTHROPIC_API_KEY: '  ' })).toBeInstanceOf(LocalProvider);
  });

  it('should pick the Anthropic provider with the configured models when a key is set', () => {
    const sut = createLlmProvider({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_FAST_MODEL: 'claude-haiku-5-5' });

    expect(sut).toBeInstanceOf(AnthropicProvider);
    expect((sut as AnthropicProvider).models).toEqual({ fast: 'claude-haiku-5-5', standard: DEFAULT_STANDARD_MODEL });
  });

  it('should fail with invalid_config, not fall back, when a key is set but other variables are invalid', () => {
    const attempt = () => createLlmProvider({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_MAX_RETRIES: '-1' });

    expect(attempt).toThrow(LlmError);
    expect(attempt).toThrow(expect.objectContaining({ code: LlmErrorCode.InvalidConfig }));
  });

  it('should keep the key out of what a log of the provider shows', () => {
    const sut = createLlmProvider({ ANTHROPIC_API_KEY: KEY });

    expect(inspect(sut, { depth: 5 })).not.toContain(KEY);
    expect(JSON.stringify(sut)).not.toContain(KEY);
  });
});
