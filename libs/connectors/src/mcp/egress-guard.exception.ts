/** Why the egress guard refused a URL. Callers map these to API errors; never renamed in place. */
export enum EgressDeniedCode {
  /** The host is, or resolves to, a non-public address that is not allow-listed. */
  Denied = 'egress_denied',
  InvalidUrl = 'egress_invalid_url',
  SchemeNotAllowed = 'egress_scheme_not_allowed',
  CredentialsInUrl = 'egress_credentials_in_url',
  /** DNS gave no address, so there is nothing that could be vetted. */
  Unresolvable = 'egress_unresolvable',
  TooManyRedirects = 'egress_too_many_redirects',
}

export class EgressDeniedError extends Error {
  /** The refused URL without credentials, query or fragment (those may carry secrets). */
  readonly url?: string;
  /** The address that was refused, when the refusal was about an address. */
  readonly address?: string;
  /** Why that address is not public (`loopback`, `cloud-metadata`, ...). */
  readonly reason?: string;

  constructor(
    readonly code: EgressDeniedCode,
    message: string,
    options?: { cause?: unknown; url?: string; address?: string; reason?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'EgressDeniedError';
    this.url = options?.url;
    this.address = options?.address;
    this.reason = options?.reason;
  }
}

/** The operator's allow-list has entries that are not a host name, `*.domain`, IP address or CIDR. */
export class InvalidEgressAllowListError extends Error {
  constructor(
    readonly setting: string,
    readonly badEntries: readonly { entry: string; problem: string }[],
  ) {
    const list = badEntries.map((b) => `"${b.entry}" (${b.problem})`).join(', ');
    super(`${setting} has ${badEntries.length} bad ${badEntries.length === 1 ? 'entry' : 'entries'}: ${list}`);
    this.name = 'InvalidEgressAllowListError';
  }
}
