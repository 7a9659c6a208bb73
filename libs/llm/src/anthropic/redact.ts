/**
 * Removes credentials from text before it is sent to a model. Tool results and documents
 * carry whatever their authors pasted (tokens in runbooks, keys in config files, passwords in
 * connection strings); none of that may leave for a third-party model. Each secret becomes
 * `[redacted:<kind>]`, so the model still sees that something was there.
 */
interface SecretPattern {
  kind: string;
  pattern: RegExp;
  /** Builds the replacement from the match (defaults to the whole match redacted). */
  replace?: (match: string, ...groups: string[]) => string;
}

const mark = (kind: string) => `[redacted:${kind}]`;

// Order matters: whole blocks first, then formats with a recognizable prefix, then the
// generic key=value forms (which would otherwise eat a prefixed token's kind).
const PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
  },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{8,}/g },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { kind: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g },
  { kind: 'slack-token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss)_[A-Za-z0-9]{16,}/g },
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  {
    kind: 'aws-secret-access-key',
    pattern: /(aws_secret_access_key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
    replace: (_match, prefix) => `${prefix}${mark('aws-secret-access-key')}`,
  },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    kind: 'bearer-token',
    // A digit somewhere tells a credential from prose ("Bearer tokens are ...").
    pattern: /\b(Bearer|Basic|Token)(\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/g,
    replace: (_match, scheme, space) => `${scheme}${space}${mark('token')}`,
  },
  {
    kind: 'url-password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi,
    replace: (_match, prefix) => `${prefix}${mark('password')}@`,
  },
  {
    kind: 'credential',
    // password=..., "token": "...", api_key: ..., ?access_token=... (query strings, env files, JSON, YAML);
    // a full stop ending the sentence is left outside.
    pattern:
      /(\b[\w-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key)["']?\s*[:=]\s*["']?)(?!\[redacted:)([^\s"'&,;<>]*[^\s"'&,;<>.])/gi,
    replace: (_match, prefix) => `${prefix}${mark('credential')}`,
  },
];

export function redactSecrets(text: string): string {
  let result = text;
  for (const { kind, pattern, replace } of PATTERNS) {
    result = result.replace(pattern, (match: string, ...groups: string[]) => (replace ? replace(match, ...groups) : mark(kind)));
  }
  return result;
}
