import type { LookupAddress } from 'node:dns';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createGuardedFetch, EgressDeniedCode, EgressDeniedError, EgressLookup, GuardedFetch, parseEgressAllowList } from './egress-guard';

interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  hits: Hit[];
  origin(host?: string): string;
  close(): Promise<void>;
}

/**
 * A server that records every request. `/redirect?status=&to=` answers with a redirect,
 * `/chain/<n>` redirects n more times to itself, anything else echoes the request as JSON.
 */
async function startServer(host: string, port = 0): Promise<TestServer> {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://server');
      const hit = { method: req.method!, path: url.pathname, headers: req.headers, body: Buffer.concat(chunks).toString() };
      hits.push(hit);
      const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
      if (url.pathname === '/redirect') {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
      } else if (chain && Number(chain[1]) > 0) {
        res.writeHead(302, { location: `/chain/${Number(chain[1]) - 1}` }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hit));
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  const literal = host.includes(':') ? `[${host}]` : host;
  return {
    port: bound,
    hits,
    origin: (name = literal) => `http://${name}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A resolver like a host whose hosts file maps localhost to both loopback addresses. */
function hostsFile(table: Record<string, string[]>): EgressLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname.toLowerCase().replace(/\.$/, '')];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

async function refusal(promise: Promise<unknown>): Promise<EgressDeniedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EgressDeniedError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe(createGuardedFetch.name, () => {
  /** The MCP server we mean to reach: 127.0.0.1 is the only allow-listed address. */
  let main: TestServer;
  /** Allow-listed too, but another origin. */
  let other: TestServer;
  /** Same port as `main` on addresses that are not allow-listed: a request here is an escape. */
  let forbiddenV4: TestServer;
  let forbiddenV6: TestServer;
  const policy = parseEgressAllowList('127.0.0.1');
  const opened: GuardedFetch[] = [];

  function guarded(lookup: EgressLookup = hostsFile({ localhost: ['127.0.0.1', '::1'] })): GuardedFetch {
    const sut = createGuardedFetch(policy, { lookup, credentialHeaders: ['X-Api-Token'] });
    opened.push(sut);
    return sut;
  }

  const redirectTo = (to: string, status = 302) => `${main.origin()}/redirect?status=${status}&to=${encodeURIComponent(to)}`;
  const escapes = () => forbiddenV4.hits.length + forbiddenV6.hits.length;

  beforeAll(async () => {
    main = await startServer('127.0.0.1');
    other = await startServer('127.0.0.1');
    forbiddenV4 = await startServer('127.0.0.2', main.port);
    forbiddenV6 = await startServer('::1', main.port);
  });

  afterAll(async () => {
    await Promise.all([main, other, forbiddenV4, forbiddenV6].map((s) => s?.close()));
  });

  beforeEach(() => {
    for (const server of [main, other, forbiddenV4, forbiddenV6]) server.hits.length = 0;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((f) => f.close()));
  });

  it('should be usable as the MCP SDK transport fetch when passed as its fetch option', () => {
    const fetchLike: FetchLike = guarded();
    expect(typeof fetchLike).toBe('function');
  });

  it('should return the response when a GET goes to an allow-listed address', async () => {
    const response = await guarded()(`${main.origin()}/hello`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'GET', path: '/hello' });
  });

  it('should send the method, headers and body when a POST goes to an allow-listed address', async () => {
    const response = await guarded()(new URL(`${main.origin()}/mcp`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
      body: '{"jsonrpc":"2.0"}',
    });

    expect(await response.json()).toMatchObject({
      method: 'POST',
      body: '{"jsonrpc":"2.0"}',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
    });
  });

  it('should refuse before connecting when the first URL is not allow-listed', async () => {
    const sut = await refusal(guarded()(`${forbiddenV4.origin()}/mcp`));

    expect(sut.message).toContain('127.0.0.2 is a loopback address');
    expect(escapes()).toBe(0);
  });

  it.each([
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'cloud-metadata'],
    ['another loopback IPv4 address', () => `${forbiddenV4.origin()}/echo`, 'loopback'],
    ['the IPv6 loopback address', () => `${forbiddenV6.origin()}/echo`, 'loopback'],
    ['an IPv4-mapped loopback address', () => `http://[::ffff:127.0.0.2]:${main.port}/echo`, 'loopback'],
    ['a hex IPv4 loopback address', () => `http://0x7f.0.0.2:${main.port}/echo`, 'loopback'],
    ['localhost with a trailing dot', () => `http://localhost.:${main.port}/echo`, 'loopback'],
    ['LOCALHOST in capitals', () => `http://LOCALHOST:${main.port}/echo`, 'loopback'],
  ])('should refuse without connecting when a redirect goes to %s', async (_name, to, reason) => {
    const sut = await refusal(guarded()(redirectTo(to())));

    expect(sut.code).toBe(EgressDeniedCode.Denied);
    expect(sut.reason).toBe(reason);
    expect(main.hits).toHaveLength(1);
    expect(escapes()).toBe(0);
  });

  it('should follow up to 5 redirects when each hop is allow-listed', async () => {
    const response = await guarded()(`${main.origin()}/chain/5`);

    expect(response.status).toBe(200);
    expect(main.hits.map((h) => h.path)).toEqual(['/chain/5', '/chain/4', '/chain/3', '/chain/2', '/chain/1', '/chain/0']);
  });

  it('should refuse the sixth redirect without requesting it when a chain is longer than 5', async () => {
    const sut = await refusal(guarded()(`${main.origin()}/chain/6`));

    expect(sut.code).toBe(EgressDeniedCode.TooManyRedirects);
    expect(main.hits).toHaveLength(6);
  });

  it('should drop Authorization, Cookie and configured credential headers when a redirect leaves the origin', async () => {
    await guarded()(redirectTo(`${other.origin()}/echo`, 307), {
      headers: { authorization: 'Bearer t0ken', cookie: 'session=1', 'x-api-token': 'abc', 'x-trace': 'kept' },
    });

    expect(main.hits[0]!.headers).toMatchObject({ authorization: 'Bearer t0ken', 'x-api-token': 'abc' });
    const headers = other.hits[0]!.headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-api-token']).toBeUndefined();
    expect(headers['x-trace']).toBe('kept');
  });

  it('should keep Authorization when a redirect stays within the origin', async () => {
    await guarded()(redirectTo(`${main.origin()}/echo`), { headers: { authorization: 'Bearer t0ken' } });

    expect(main.hits[1]!.headers.authorization).toBe('Bearer t0ken');
  });

  it.each([
    [303, 'GET', ''],
    [302, 'GET', ''],
    [307, 'POST', '{"a":1}'],
    [308, 'POST', '{"a":1}'],
  ])('should follow a %s after a POST with the method and body fetch prescribes', async (status, method, body) => {
    await guarded()(redirectTo(`${main.origin()}/echo`, status), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });

    const hop = main.hits[1]!;
    expect(hop.method).toBe(method);
    expect(hop.body).toBe(body);
    expect(hop.headers['content-type']).toBe(method === 'GET' ? undefined : 'application/json');
  });

  it('should return the redirect unfollowed when the caller asks for manual redirects', async () => {
    const response = await guarded()(redirectTo(`${other.origin()}/echo`), { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${other.origin()}/echo`);
    expect(other.hits).toHaveLength(0);
  });

  it('should connect to the vetted address with the host name kept when a later lookup answers differently', async () => {
    let answer = '127.0.0.1';
    const asked: string[] = [];
    const rebinding: EgressLookup = async (hostname) => {
      asked.push(hostname);
      const address = answer;
      answer = '127.0.0.2';
      return [{ address, family: 4 }];
    };
    const sut = guarded(rebinding);

    const response = await sut(`http://rebind.test:${main.port}/echo`);

    expect(response.status).toBe(200);
    expect(main.hits[0]!.headers.host).toBe(`rebind.test:${main.port}`);
    expect(asked).toEqual(['rebind.test']);
    expect(escapes()).toBe(0);
    // The next request is checked again, and the new answer is refused.
    expect((await refusal(sut(`http://rebind.test:${main.port}/echo`))).address).toBe('127.0.0.2');
    expect(escapes()).toBe(0);
  });

  it('should name the host in the TLS ClientHello (SNI) when it connects to the pinned address over https', async () => {
    // No certificate is needed: the server name travels in clear in the first bytes the client sends.
    let hello: Buffer = Buffer.alloc(0);
    const tls = createTcpServer((socket) => socket.once('data', (chunk: Buffer) => ((hello = chunk), socket.destroy())));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const port = (tls.address() as AddressInfo).port;
    try {
      await expect(guarded(hostsFile({ 'mcp.sni.test': ['127.0.0.1'] }))(`https://mcp.sni.test:${port}/mcp`)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }

    expect(hello.includes('mcp.sni.test')).toBe(true);
  });
});
