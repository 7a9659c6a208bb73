import { parseS3McpConfig } from './s3-mcp.config';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe(parseS3McpConfig.name, () => {
  it('should list every missing variable when the environment is empty', () => {
    const result = parseS3McpConfig({});

    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('S3_ACCESS_KEY_ID: is required');
    expect(!result.ok && result.message).toContain('S3_SECRET_ACCESS_KEY: is required');
  });

  it('should default the region and leave endpoint and bucket unset when only the keys are given', () => {
    const result = parseS3McpConfig({ S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', S3_SECRET_ACCESS_KEY: SECRET, S3_ENDPOINT: '', S3_BUCKET: '' });

    expect(result).toEqual({
      ok: true,
      config: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, region: 'us-east-1', timeoutMs: 10_000, logLevel: 'info' },
    });
  });

  it('should read the endpoint, region, default bucket and timeout when they are set', () => {
    const result = parseS3McpConfig({
      S3_ACCESS_KEY_ID: 'minio',
      S3_SECRET_ACCESS_KEY: SECRET,
      S3_REGION: 'eu-central-1',
      S3_ENDPOINT: 'http://127.0.0.1:9000/',
      S3_BUCKET: 'acme-reports',
      S3_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'debug',
    });

    expect(result.ok && result.config).toMatchObject({
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:9000',
      defaultBucket: 'acme-reports',
      timeoutMs: 2_500,
      logLevel: 'debug',
    });
  });

  it('should list each bad variable without echoing the secret when several are invalid', () => {
    const result = parseS3McpConfig({
      S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      S3_SECRET_ACCESS_KEY: SECRET,
      S3_ENDPOINT: `https://user:${SECRET}@minio.example.com`,
      S3_REGION: 'EU West',
      S3_BUCKET: 'no/slashes',
      S3_TIMEOUT_MS: 'soon',
    });

    expect(result.ok).toBe(false);
    const message = !result.ok ? result.message : '';
    expect(message).toContain('S3_ENDPOINT: must be an http(s) URL without credentials');
    expect(message).toContain('S3_REGION: must be a region name');
    expect(message).toContain('S3_BUCKET: must be a bucket name');
    expect(message).toContain('S3_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(message).not.toContain(SECRET);
  });
});
