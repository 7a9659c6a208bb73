import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { EgressDeniedCode, EgressDeniedError, InvalidEgressAllowListError } from './egress-guard.exception';

export * from './egress-guard.exception';

/*
 * SSRF egress guard for URLs that tenants and users supply (remote MCP servers, connector base
 * URLs). A URL is refused when its host is, or resolves to, any address that is not public,
 * unless the operator allow-listed it; the guarded fetch then connects only to the addresses it
 * vetted and re-checks every redirect hop before connecting to it.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** The setting operators allow-list addresses with; named in every refusal. */
export const EGRESS_ALLOW_SETTING = 'MCP_EGRESS_ALLOW';

/** Redirects a guarded fetch follows before giving up (the same limit as the MCP SDK's own). */
export const MAX_EGRESS_REDIRECTS = 5;

/** Why an address is not public, as refusals word it. */
export const NON_PUBLIC_REASONS = {
  'cloud-metadata': 'a cloud metadata address',
  loopback: 'a loopback address',
  unspecified: 'an unspecified address',
  private: 'a private address',
  'carrier-grade-nat': 'a carrier-grade NAT address',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local IPv6 address',
  'site-local': 'a site-local IPv6 address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  benchmarking: 'a benchmarking address',
  documentation: 'a documentation address',
  reserved: 'a reserved address',
} as const;

export type NonPublicReason = keyof typeof NON_PUBLIC_REASONS;

export interface AddressClassification {
  reason: NonPublicReason;
  /** The IPv4 address that was judged, when the address is an IPv6 form carrying one. */
  embeddedIPv4?: string;
  /** How that IPv4 address is carried: `IPv4-mapped`, `NAT64`, `6to4`, ... */
  embedding?: string;
}

const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);
const cidrs = (...texts: string[]): Cidr[] => texts.map(cidr);

/** First match wins, so the exact metadata addresses come before the ranges that contain them. */
const IPV4_RANGES: ReadonlyArray<[NonPublicReason, Cidr[]]> = [
  // AWS/GCP/Azure/OCI instance metadata, ECS task metadata, EKS Pod Identity, Alibaba Cloud, and
  // Azure's WireServer (a public-looking address that hands out VM configuration).
  ['cloud-metadata', cidrs('169.254.169.254/32', '169.254.170.2/32', '169.254.170.23/32', '100.100.100.200/32', '168.63.129.16/32')],
  ['unspecified', cidrs('0.0.0.0/8')],
  ['loopback', cidrs('127.0.0.0/8')],
  ['private', cidrs('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16')],
  ['carrier-grade-nat', cidrs('100.64.0.0/10')],
  ['link-local', cidrs('169.254.0.0/16')],
  ['multicast', cidrs('224.0.0.0/4')],
  ['broadcast', cidrs('255.255.255.255/32')],
  ['benchmarking', cidrs('198.18.0.0/15')],
  ['documentation', cidrs('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24')],
  // IETF protocol assignments, the retired 6to4 relay anycast, and 240/4 ("future use").
  ['reserved', cidrs('192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4')],
];

/** Judged before looking for an embedded IPv4 address: `::` and `::1` also lie in `::/96`. */
const IPV6_EXACT: ReadonlyArray<[NonPublicReason, Cidr[]]> = [
  ['cloud-metadata', cidrs('fd00:ec2::254/128', 'fd00:ec2::23/128')],
  ['unspecified', cidrs('::/128')],
  ['loopback', cidrs('::1/128')],
];

const IPV6_RANGES: ReadonlyArray<[NonPublicReason, Cidr[]]> = [
  ['link-local', cidrs('fe80::/10')],
  ['site-local', cidrs('fec0::/10')],
  ['unique-local', cidrs('fc00::/7')],
  ['multicast', cidrs('ff00::/8')],
  ['benchmarking', cidrs('2001:2::/48')],
  ['documentation', cidrs('2001:db8::/32', '3fff::/20')],
  // IETF protocol assignments, Teredo included: nothing we would call lives there.
  ['reserved', cidrs('2001::/23')],
];

/** Everything outside 2000::/3 that is not named above (discard, local-use NAT64, SRv6...) is reserved. */
const IPV6_GLOBAL_UNICAST = cidr('2000::/3');

/** The two octets of a 16-bit IPv6 group. */
const octets = (group: number) => [group >> 8, group & 0xff];

/** IPv6 forms whose destination is really an IPv4 address: they are judged as that address. */
const IPV4_EMBEDDINGS: ReadonlyArray<{ name: string; range: Cidr; ipv4: (parts: number[]) => ipaddr.IPv4 }> = [
  { name: 'IPv4-mapped', range: cidr('::ffff:0:0/96'), ipv4: (p) => new ipaddr.IPv4([...octets(p[6]!), ...octets(p[7]!)]) },
  { name: 'IPv4-translated', range: cidr('::ffff:0:0:0/96'), ipv4: (p) => new ipaddr.IPv4([...octets(p[6]!), ...octets(p[7]!)]) },
  { name: 'IPv4-compatible', range: cidr('::/96'), ipv4: (p) => new ipaddr.IPv4([...octets(p[6]!), ...octets(p[7]!)]) },
  { name: 'NAT64', range: cidr('64:ff9b::/96'), ipv4: (p) => new ipaddr.IPv4([...octets(p[6]!), ...octets(p[7]!)]) },
  { name: '6to4', range: cidr('2002::/16'), ipv4: (p) => new ipaddr.IPv4([...octets(p[1]!), ...octets(p[2]!)]) },
];

function inRange(address: Address, range: Cidr): boolean {
  return address.kind() === range[0].kind() && address.match(range);
}

function firstMatch(address: Address, table: ReadonlyArray<[NonPublicReason, Cidr[]]>): NonPublicReason | undefined {
  return table.find(([, ranges]) => ranges.some((range) => inRange(address, range)))?.[0];
}

function embeddedIPv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; embedding: string } | undefined {
  const found = IPV4_EMBEDDINGS.find((e) => inRange(address, e.range));
  return found && { ipv4: found.ipv4(address.parts), embedding: found.name };
}

function parseAddress(text: string): Address | undefined {
  const bare = stripBrackets(text);
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

function classify(address: Address): AddressClassification | undefined {
  if (address instanceof ipaddr.IPv4) {
    const reason = firstMatch(address, IPV4_RANGES);
    return reason && { reason };
  }
  const exact = firstMatch(address, IPV6_EXACT);
  if (exact) return { reason: exact };
  const embedded = embeddedIPv4(address);
  if (embedded) {
    const reason = firstMatch(embedded.ipv4, IPV4_RANGES);
    return reason && { reason, embeddedIPv4: embedded.ipv4.toString(), embedding: embedded.embedding };
  }
  const reason = firstMatch(address, IPV6_RANGES);
  if (reason) return { reason };
  return inRange(address, IPV6_GLOBAL_UNICAST) ? undefined : { reason: 'reserved' };
}

/**
 * Why `ip` is not a public address, or undefined when it is. IPv6 forms that carry an IPv4
 * address (`::ffff:127.0.0.1`, `64:ff9b::a00:1`, `2002:c0a8:101::1`) are judged by that address.
 * Throws a TypeError when `ip` is not an IP address.
 */
export function classifyAddress(ip: string): AddressClassification | undefined {
  const address = parseAddress(ip);
  if (!address) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  return classify(address);
}

/** One allow-list entry: an exact host name, `*.domain` (its subdomains), or an address or CIDR. */
export type EgressAllowEntry =
  | { readonly kind: 'host'; readonly host: string }
  | { readonly kind: 'domain'; readonly domain: string }
  | { readonly kind: 'range'; readonly text: string; readonly range: Cidr; readonly exact: boolean };

export interface EgressPolicy {
  readonly allow: readonly EgressAllowEntry[];
  /** Plain `http:` is allowed besides `https:`. */
  readonly allowHttp: boolean;
  /** The setting refusals tell the operator to allow-list with. */
  readonly setting: string;
}

export interface EgressPolicyOptions {
  /** Default true: MCP servers inside a cluster often speak plain HTTP. */
  allowHttp?: boolean;
  /** Default `MCP_EGRESS_ALLOW`. */
  setting?: string;
}

const HOST_LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
/** A last label like these makes URL parsers read the host as an IPv4 address. */
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/;

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function parseAddressEntry(entry: string, ipText: string, prefixText: string | undefined): EgressAllowEntry | string {
  const address = ipaddr.parse(ipText);
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { kind: 'range', text: entry, range: [address, bits], exact: true };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return `prefix length must be 0 to ${bits}`;
  const prefix = Number(prefixText);
  const Kind = address.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6;
  const network = Kind.networkAddressFromCIDR(`${ipText}/${prefix}`);
  if (network.toNormalizedString() !== address.toNormalizedString()) return `host bits are set; did you mean ${network.toString()}/${prefix}?`;
  return { kind: 'range', text: entry, range: [address, prefix], exact: prefix === bits };
}

function parseEntry(entry: string): EgressAllowEntry | string {
  if (entry.includes('://')) return 'a URL; give the host name only';
  const [head, prefixText, ...extra] = entry.split('/');
  const ipText = stripBrackets(head!);
  const strictIp = ipaddr.IPv6.isValid(ipText) || ipaddr.IPv4.isValidFourPartDecimal(ipText);
  if (strictIp && extra.length === 0) return parseAddressEntry(entry, ipText, prefixText);
  if (prefixText !== undefined) return 'not a valid CIDR';
  if (ipaddr.IPv4.isValid(ipText)) return 'write IPv4 addresses as four decimal numbers';
  if (/:\d*$/.test(entry)) return 'ports are not supported; give the host name or address only';

  const wildcard = entry.startsWith('*.');
  const name = wildcard ? entry.slice(2) : entry;
  if (name.includes('*')) return 'a wildcard is only allowed as a leading "*."';
  const ascii = domainToASCII(name.replace(/\.$/, ''));
  if (!HOST_NAME.test(ascii) || NUMERIC_LABEL.test(ascii.split('.').pop()!)) return 'not a host name, IP address or CIDR';
  return wildcard ? { kind: 'domain', domain: ascii } : { kind: 'host', host: ascii };
}

/**
 * The policy from an operator's allow-list, e.g. `MCP_EGRESS_ALLOW="127.0.0.1,10.0.0.0/8,mcp.internal.example"`
 * (commas or white space between entries). Throws an `InvalidEgressAllowListError` naming every
 * bad entry. An empty or missing value allows public addresses only.
 */
export function parseEgressAllowList(value: string | undefined, options: EgressPolicyOptions = {}): EgressPolicy {
  const setting = options.setting ?? EGRESS_ALLOW_SETTING;
  const allow: EgressAllowEntry[] = [];
  const bad: { entry: string; problem: string }[] = [];
  for (const entry of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseEntry(entry);
    if (typeof parsed === 'string') bad.push({ entry, problem: parsed });
    else allow.push(parsed);
  }
  if (bad.length > 0) throw new InvalidEgressAllowListError(setting, bad);
  return { allow, allowHttp: options.allowHttp ?? true, setting };
}

/** How the policy allows a host or address: by an exact entry, or by a range or domain containing it. */
type Allowance = 'exact' | 'contained' | undefined;

function hostAllowance(policy: EgressPolicy, hostname: string): Allowance {
  const host = hostname.replace(/\.$/, '');
  if (policy.allow.some((e) => e.kind === 'host' && e.host === host)) return 'exact';
  return policy.allow.some((e) => e.kind === 'domain' && host.endsWith(`.${e.domain}`)) ? 'contained' : undefined;
}

function addressAllowance(policy: EgressPolicy, candidates: readonly Address[]): Allowance {
  const matching = policy.allow.filter((e) => e.kind === 'range' && candidates.some((a) => inRange(a, e.range)));
  if (matching.some((e) => e.kind === 'range' && e.exact)) return 'exact';
  return matching.length > 0 ? 'contained' : undefined;
}

/** Names the URL in messages without credentials, query or fragment: they may carry secrets. */
function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Resolves every address of a host name, as `dns.promises.lookup(host, { all: true })` does. */
export type EgressLookup = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

export interface VettedUrl {
  readonly url: URL;
  /** The host as connections see it: lower case, IPv6 without brackets. */
  readonly hostname: string;
  /** Every address the host resolved to; all passed the policy. */
  readonly addresses: readonly LookupAddress[];
}

function parseUrl(url: string | URL): URL {
  try {
    return new URL(url);
  } catch (cause) {
    // The text is not echoed: an unparsable URL may still hold a token.
    throw new EgressDeniedError(EgressDeniedCode.InvalidUrl, 'refusing a URL that is not a valid absolute URL', { cause });
  }
}

async function resolve(url: URL, hostname: string, lookup: EgressLookup): Promise<LookupAddress[]> {
  const family = isIP(hostname);
  if (family !== 0) return [{ address: hostname, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(hostname, { all: true });
  } catch (cause) {
    const code = (cause as { code?: unknown })?.code;
    const why = typeof code === 'string' ? ` (${code})` : '';
    throw new EgressDeniedError(EgressDeniedCode.Unresolvable, `refusing ${redact(url)}: cannot resolve ${hostname}${why}`, { cause, url: redact(url) });
  }
  if (addresses.length === 0) {
    throw new EgressDeniedError(EgressDeniedCode.Unresolvable, `refusing ${redact(url)}: ${hostname} resolves to no address`, { url: redact(url) });
  }
  return addresses;
}

function vetAddress(url: URL, hostname: string, resolved: LookupAddress, policy: EgressPolicy): void {
  const refuse = (message: string, reason: string) =>
    new EgressDeniedError(EgressDeniedCode.Denied, `refusing ${redact(url)}: ${message}`, { url: redact(url), address: resolved.address, reason });
  const address = parseAddress(resolved.address);
  if (!address) throw refuse(`${hostname} resolves to ${JSON.stringify(resolved.address)}, which is not an IP address`, 'invalid');
  const classification = classify(address);
  if (!classification) return;

  const embedded = classification.embeddedIPv4 ? [ipaddr.parse(classification.embeddedIPv4)] : [];
  const byHost = hostAllowance(policy, hostname);
  const byAddress = addressAllowance(policy, [address, ...embedded]);
  const { reason } = classification;
  // Metadata endpoints hand out cloud credentials: a broad range or wildcard domain never covers them.
  const allowed = reason === 'cloud-metadata' ? byHost === 'exact' || byAddress === 'exact' : byHost !== undefined || byAddress !== undefined;
  if (allowed) return;

  const carried = classification.embeddedIPv4 ? ` (${classification.embedding} ${classification.embeddedIPv4})` : '';
  const what = isIP(hostname) ? `${resolved.address}${carried} is ${NON_PUBLIC_REASONS[reason]}` : `${hostname} resolves to ${resolved.address}${carried}, ${NON_PUBLIC_REASONS[reason]}`;
  const hint =
    reason === 'cloud-metadata'
      ? `only an exact ${policy.setting} entry for ${resolved.address} allows it, not a range or wildcard`
      : `allow-list it with ${policy.setting}`;
  throw refuse(`${what} (${hint})`, reason);
}

/**
 * Vets `url` before anything connects to it: http(s) only, no credentials in the URL, and every
 * address its host resolves to public or allow-listed. Host-name entries allow their host
 * whatever it resolves to, except cloud metadata addresses, which only exact entries allow.
 * Throws an `EgressDeniedError`; returns the addresses to connect to.
 */
export async function checkUrl(url: string | URL, policy: EgressPolicy, lookup: EgressLookup = dnsLookup): Promise<VettedUrl> {
  const parsed = parseUrl(url);
  const schemes = policy.allowHttp ? ['http:', 'https:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    const only = policy.allowHttp ? 'http and https only' : 'https only';
    throw new EgressDeniedError(EgressDeniedCode.SchemeNotAllowed, `refusing ${redact(parsed)}: scheme ${parsed.protocol} is not allowed (${only})`, {
      url: redact(parsed),
    });
  }
  if (parsed.username || parsed.password) {
    throw new EgressDeniedError(
      EgressDeniedCode.CredentialsInUrl,
      `refusing ${redact(parsed)}: URLs must not carry credentials (user:password@); send them in a header`,
      { url: redact(parsed) },
    );
  }
  const hostname = stripBrackets(parsed.hostname);
  const addresses = await resolve(parsed, hostname, lookup);
  for (const resolved of addresses) vetAddress(parsed, hostname, resolved, policy);
  return { url: parsed, hostname, addresses };
}

/** A `fetch` (as the MCP SDK's `FetchLike`) that only reaches vetted addresses. */
export interface GuardedFetch {
  (url: string | URL, init?: RequestInit): Promise<Response>;
  /** Closes the connections this fetch keeps alive. */
  close(): Promise<void>;
}

export interface GuardedFetchOptions {
  /** Default `dns.promises.lookup`. */
  lookup?: EgressLookup;
  /** Default 5. */
  maxRedirects?: number;
  /** Headers carrying credentials (besides Authorization, Proxy-Authorization and Cookie) to drop when a redirect leaves the origin, e.g. `X-Shopify-Access-Token`. */
  credentialHeaders?: readonly string[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
/** Host names whose vetted addresses are remembered for connecting; older ones are forgotten (and fail closed). */
const MAX_PINNED_HOSTS = 1024;

/**
 * The connect-time lookup of the guarded fetch's Agent: it answers only with addresses that
 * `checkUrl` vetted for that host name and never asks DNS, so an answer that changes between the
 * check and the connection (DNS rebinding) is never used.
 */
class PinnedAddresses {
  private readonly byHost = new Map<string, readonly LookupAddress[]>();

  pin(vetted: VettedUrl): void {
    this.byHost.delete(vetted.hostname);
    this.byHost.set(vetted.hostname, vetted.addresses);
    if (this.byHost.size > MAX_PINNED_HOSTS) this.byHost.delete(this.byHost.keys().next().value!);
  }

  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const addresses = (this.byHost.get(stripBrackets(hostname).toLowerCase()) ?? []).filter((a) => !family || a.family === family);
    if (addresses.length === 0) {
      const error: NodeJS.ErrnoException = new Error(`egress guard: no vetted address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, [...addresses]);
    } else {
      callback(null, addresses[0]!.address, addresses[0]!.family);
    }
  };
}

/** Bodies that can be sent again after a 307/308; a stream is consumed by the first request. */
function isReplayable(body: NonNullable<RequestInit['body']>): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof URLSearchParams ||
    body instanceof FormData
  );
}

/**
 * A `fetch` that checks each URL with `checkUrl`, connects only to the addresses it vetted (one
 * undici Agent whose connect lookup answers from them; the host name stays in the URL, so TLS
 * SNI and Host are right), and follows redirects itself: each hop is checked before it is
 * connected to, at most `maxRedirects` of them, with fetch's method and body rules, and
 * credential headers dropped once the request leaves its origin. `redirect: 'manual'` returns the
 * redirect response (the MCP SDK follows same-origin redirects itself, through this fetch).
 */
export function createGuardedFetch(policy: EgressPolicy, options: GuardedFetchOptions = {}): GuardedFetch {
  const lookup = options.lookup ?? dnsLookup;
  const maxRedirects = options.maxRedirects ?? MAX_EGRESS_REDIRECTS;
  const credentialHeaders = [...CREDENTIAL_HEADERS, ...(options.credentialHeaders ?? []).map((h) => h.toLowerCase())];
  const pins = new PinnedAddresses();
  const agent = new Agent({ connect: { lookup: pins.lookup } });

  const guardedFetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const mode = init.redirect ?? 'follow';
    const headers = new Headers(init.headers);
    let method = init.method ?? 'GET';
    let body = init.body ?? null;
    let target: string | URL = input;

    for (let redirects = 0; ; redirects++) {
      init.signal?.throwIfAborted();
      const vetted = await checkUrl(target, policy, lookup);
      pins.pin(vetted);
      const requestInit: UndiciRequestInit = {
        ...(init as UndiciRequestInit),
        method,
        body: body as UndiciRequestInit['body'],
        headers: [...headers],
        redirect: 'manual',
        dispatcher: agent,
      };
      const response = await undiciFetch(vetted.url, requestInit);
      if (!REDIRECT_STATUSES.has(response.status) || mode === 'manual') return response as unknown as Response;

      await response.body?.cancel();
      if (mode === 'error') throw new TypeError(`fetch failed: ${redact(vetted.url)} redirected and redirect mode is "error"`);
      const location = response.headers.get('location');
      if (location === null) return response as unknown as Response;
      if (redirects === maxRedirects) {
        throw new EgressDeniedError(EgressDeniedCode.TooManyRedirects, `refusing ${redact(vetted.url)}: more than ${maxRedirects} redirects`, {
          url: redact(vetted.url),
        });
      }
      const next = URL.parse(location, vetted.url.href);
      if (!next) {
        throw new EgressDeniedError(EgressDeniedCode.InvalidUrl, `refusing a redirect from ${redact(vetted.url)}: its Location is not a valid URL`, {
          url: redact(vetted.url),
        });
      }

      const { status } = response;
      if (status !== 303 && body !== null && !isReplayable(body)) {
        throw new TypeError(`fetch failed: cannot follow a ${status} redirect from ${redact(vetted.url)} with a streamed body`);
      }
      const upper = method.toUpperCase();
      if (((status === 301 || status === 302) && upper === 'POST') || (status === 303 && upper !== 'GET' && upper !== 'HEAD')) {
        method = 'GET';
        body = null;
        for (const name of REQUEST_BODY_HEADERS) headers.delete(name);
      }
      if (next.origin !== vetted.url.origin) for (const name of credentialHeaders) headers.delete(name);
      target = next;
    }
  };

  return Object.assign(guardedFetch, { close: () => agent.close() });
}
