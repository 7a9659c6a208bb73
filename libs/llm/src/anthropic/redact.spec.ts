import { redactSecrets } from './redact';

describe(redactSecrets.name, () => {
  // Assembled at run time so this file does not itself look like it holds credentials.
  const fake = (...parts: string[]) => parts.join('');
  const secrets: Array<[string, string, string]> = [
    ['an Anthropic key', fake('sk-ant-', 'api03-', 'a'.repeat(40)), 'anthropic-key'],
    ['a classic GitHub token', fake('ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'), 'github-token'],
    ['a GitHub OAuth token', fake('gho_', '16C7e42F292c6912E7710c838347Ae178B4a'), 'github-token'],
    ['a fine-grained GitHub token', fake('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'), 'github-token'],
    ['a Slack bot token', fake('xoxb-', '1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'), 'slack-token'],
    ['a Slack user token', fake('xoxp-', '1234567890-1234567890-123456789012-abcdef0123456789'), 'slack-token'],
    ['a Shopify access token', fake('shpat_', '0123456789abcdef0123456789abcdef'), 'shopify-token'],
    ['an AWS access key id', fake('AKIA', 'IOSFODNN7EXAMPLE'), 'aws-access-key-id'],
    ['a JWT', fake('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'), 'jwt'],
  ];

  it.each(secrets)('should redact %s when it appears in prose', (_label, secret, kind) => {
    const sut = redactSecrets(`deploy with ${secret} then restart`);

    expect(sut).toBe(`deploy with [redacted:${kind}] then restart`);
  });

  it('should redact a bearer token when it is in an Authorization header', () => {
    const sut = redactSecrets('curl -H "Authorization: Bearer abc123def456ghi789" https://api.example.com');

    expect(sut).toBe('curl -H "Authorization: Bearer [redacted:token]" https://api.example.com');
  });

  it('should leave the word Bearer alone when no credential follows', () => {
    expect(redactSecrets('Bearer tokens expire after an hour.')).toBe('Bearer tokens expire after an hour.');
  });

  it('should redact the secret but keep the key name when an AWS secret access key is configured', () => {
    const secret = fake('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
    const sut = redactSecrets(`[default]\naws_access_key_id = ${fake('AKIA', 'IOSFODNN7EXAMPLE')}\naws_secret_access_key = ${secret}\n`);

    expect(sut).toBe('[default]\naws_access_key_id = [redacted:aws-access-key-id]\naws_secret_access_key = [redacted:aws-secret-access-key]\n');
  });

  it('should redact password and token values when they are query parameters or key-value pairs', () => {
    const sut = redactSecrets('GET /login?user=ann&password=hunter2&next=/ and token: s3cr3t-value, "api_key": "k-123"');

    expect(sut).toBe('GET /login?user=ann&password=[redacted:credential]&next=/ and token: [redacted:credential], "api_key": "[redacted:credential]"');
  });

  it('should redact the password of a connection string when a URL carries credentials', () => {
    expect(redactSecrets('postgres://app:pa55word@db.internal:5432/app')).toBe('postgres://app:[redacted:password]@db.internal:5432/app');
  });

  it('should redact a whole PEM private key when one is pasted into a document', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', '-----END RSA PRIVATE KEY-----'].join('\n');

    const sut = redactSecrets(`key:\n${pem}\nend`);

    expect(sut).toBe('key:\n[redacted:private-key]\nend');
  });

  it('should redact the rest of a private key when its END line was cut off', () => {
    expect(redactSecrets('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe('[redacted:private-key]');
  });

  it('should keep the kind of a prefixed token when it is also a token= value', () => {
    const sut = redactSecrets(`token=${fake('ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8')}`);

    expect(sut).toBe('token=[redacted:github-token]');
  });

  it('should leave ordinary text unchanged when it holds no secret', () => {
    const text = 'SEV1 incidents page the on-call engineer within 5 minutes; max_tokens: 1024 is fine.';

    expect(redactSecrets(text)).toBe(text);
  });
});
