import type { LookupAddress } from 'node:dns';
import {
  checkUrl,
  classifyAddress,
  EgressDeniedCode,
  EgressDeniedError,
  EgressLookup,
  InvalidEgressAllowListError,
  NonPublicReason,
  parseEgressAllowList,
} from './egress-guard';

/** A resolver answering from a fixed table (a trailing dot is the same name), recording the names asked for. */
function fakeDns(table: Record<string, string[]>): EgressLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname.replace(/\.$/, '')];
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
  throw new Error('expected the URL to be refused');
}

describe(classifyAddress.name, () => {
  const nonPublic: Array<[string, NonPublicReason]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.255', 'carrier-grade-nat'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['169.254.170.2', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['2001:2::1', 'benchmarking'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'cloud-metadata'],
    ['::127.0.0.1', 'loopback'],
    ['::ffff:0:192.168.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'cloud-metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['[::1]', 'loopback'],
  ];

  it.each(nonPublic)('should classify %s as %s when it is not a public address', (address, reason) => {
    expect(classifyAddress(address)?.reason).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001:80e::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'should find no reason to refuse %s when it is public',
    (address) => {
      expect(classifyAddress(address)).toBeUndefined();
    },
  );

  it('should name the IPv4 address it judged when an IPv6 address carries one', () => {
    expect(classifyAddress('::ffff:7f00:1')).toEqual({ reason: 'loopback', embeddedIPv4: '127.0.0.1', embedding: 'IPv4-mapped' });
    expect(classifyAddress('64:ff9b::a00:1')).toEqual({ reason: 'private', embeddedIPv4: '10.0.0.1', embedding: 'NAT64' });
  });

  it('should throw when the input is not an IP address', () => {
    expect(() => classifyAddress('localhost')).toThrow(TypeError);
  });
});

describe(parseEgressAllowList.name, () => {
  it('should allow public addresses only when the setting is empty or missing', () => {
    expect(parseEgressAllowList(undefined).allow).toEqual([]);
    expect(parseEgressAllowList(' , ').allow).toEqual([]);
  });

  it('should parse host names, wildcard domains, addresses and CIDRs when they are separated by commas or spaces', () => {
    const sut = parseEgressAllowList('127.0.0.1, 10.0.0.0/8 mcp.Internal.Example.,*.corp.example,[::1],fd00::/8,169.254.169.254/32');

    expect(sut.allow.map((e) => (e.kind === 'range' ? `${e.kind}:${e.text}:${e.exact}` : e.kind === 'host' ? `host:${e.host}` : `domain:${e.domain}`))).toEqual([
      'range:127.0.0.1:true',
      'range:10.0.0.0/8:false',
      'host:mcp.internal.example',
      'domain:corp.example',
      'range:[::1]:true',
      'range:fd00::/8:false',
      'range:169.254.169.254/32:true',
    ]);
    expect(sut.allowHttp).toBe(true);
    expect(sut.setting).toBe('MCP_EGRESS_ALLOW');
  });

  it('should convert international host names to their ASCII form when parsing them', () => {
    expect(parseEgressAllowList('bücher.example').allow).toEqual([{ kind: 'host', host: 'xn--bcher-kva.example' }]);
  });

  it('should name every bad entry with its problem when the list has several', () => {
    const parse = () => parseEgressAllowList('ok.example,10.0.0.1/8,https://mcp.example,mcp.example:8443,10.1,a*.example,10.0.0.0/33,foo bar!', { setting: 'EGRESS' });

    expect(parse).toThrow(InvalidEgressAllowListError);
    expect(parse).toThrow(
      'EGRESS has 7 bad entries: "10.0.0.1/8" (host bits are set; did you mean 10.0.0.0/8?), "https://mcp.example" (a URL; give the host name only), ' +
        '"mcp.example:8443" (ports are not supported; give the host name or address only), "10.1" (write IPv4 addresses as four decimal numbers), ' +
        '"a*.example" (a wildcard is only allowed as a leading "*."), "10.0.0.0/33" (prefix length must be 0 to 32), "bar!" (not a host name, IP address or CIDR)',
    );
  });

  it('should report host bits in IPv6 CIDRs when the address is not the network address', () => {
    expect(() => parseEgressAllowList('fd00::1/8')).toThrow('"fd00::1/8" (host bits are set; did you mean fd00::/8?)');
  });

  it('should refuse host names that URL parsers would read as IPv4 addresses when they end in a number', () => {
    expect(() => parseEgressAllowList('foo.123')).toThrow('"foo.123" (not a host name, IP address or CIDR)');
  });
});

describe(checkUrl.name, () => {
  const dns = () =>
    fakeDns({
      'mcp.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
      'rebind.attacker.example': ['10.0.0.5'],
      'half.attacker.example': ['93.184.215.14', '127.0.0.1'],
      'mcp.internal.example': ['10.1.2.3'],
      'metadata.corp.example': ['169.254.169.254'],
      'api.corp.example': ['10.9.9.9'],
      localhost: ['127.0.0.1', '::1'],
    });
  const noAllowList = parseEgressAllowList(undefined);

  it('should return the resolved addresses when a public name resolves to public addresses', async () => {
    const sut = await checkUrl('https://mcp.example.com/mcp', noAllowList, dns());

    expect(sut.hostname).toBe('mcp.example.com');
    expect(sut.addresses.map((a) => a.address)).toEqual(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
  });

  it('should refuse with the reason and the setting to change when the URL names localhost', async () => {
    const sut = await refusal(checkUrl('http://localhost:8080/mcp?token=secret', noAllowList, dns()));

    expect(sut.code).toBe(EgressDeniedCode.Denied);
    expect(sut.message).toBe(
      'refusing http://localhost:8080/mcp: localhost resolves to 127.0.0.1, a loopback address (allow-list it with MCP_EGRESS_ALLOW)',
    );
    expect(sut.address).toBe('127.0.0.1');
    expect(sut.reason).toBe('loopback');
  });

  it('should refuse when a public-looking name resolves to a private address', async () => {
    const sut = await refusal(checkUrl('https://rebind.attacker.example/', noAllowList, dns()));

    expect(sut.message).toContain('rebind.attacker.example resolves to 10.0.0.5, a private address');
  });

  it('should refuse when any one of the addresses a name resolves to is not public', async () => {
    const sut = await refusal(checkUrl('https://half.attacker.example/', noAllowList, dns()));

    expect(sut.address).toBe('127.0.0.1');
  });

  it.each([
    ['http://127.0.0.1:3000/', '127.0.0.1 is a loopback address'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://[::1]/', '::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 (IPv4-mapped 127.0.0.1) is a loopback address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is a cloud metadata address'],
  ])('should refuse %s without asking DNS when the host is an address literal', async (url, message) => {
    const lookup = dns();
    const sut = await refusal(checkUrl(url, noAllowList, lookup));

    expect(sut.message).toContain(message);
    expect(lookup.asked).toEqual([]);
  });

  it('should allow a private address when a CIDR containing it is allow-listed', async () => {
    const sut = await checkUrl('http://10.20.30.40:9000/mcp', parseEgressAllowList('10.0.0.0/8'), dns());

    expect(sut.addresses).toEqual([{ address: '10.20.30.40', family: 4 }]);
  });

  it('should allow an IPv4-mapped address when its IPv4 address is allow-listed', async () => {
    await expect(checkUrl('http://[::ffff:10.0.0.1]/', parseEgressAllowList('10.0.0.1'), dns())).resolves.toBeDefined();
  });

  it('should refuse the metadata address when only a range containing it is allow-listed', async () => {
    const sut = await refusal(checkUrl('http://169.254.169.254/', parseEgressAllowList('169.254.0.0/16'), dns()));

    expect(sut.reason).toBe('cloud-metadata');
    expect(sut.message).toContain('only an exact MCP_EGRESS_ALLOW entry for 169.254.169.254 allows it');
  });

  it('should allow another link-local address when its range is allow-listed', async () => {
    await expect(checkUrl('http://169.254.10.10/', parseEgressAllowList('169.254.0.0/16'), dns())).resolves.toBeDefined();
  });

  it('should allow the metadata address when it is allow-listed exactly', async () => {
    await expect(checkUrl('http://169.254.169.254/', parseEgressAllowList('169.254.169.254'), dns())).resolves.toBeDefined();
  });

  it('should allow a host name whatever it resolves to when the name is allow-listed', async () => {
    const sut = await checkUrl('http://MCP.internal.example./mcp', parseEgressAllowList('mcp.internal.example'), dns());

    expect(sut.addresses).toEqual([{ address: '10.1.2.3', family: 4 }]);
  });

  it('should allow subdomains but not the domain itself when a wildcard is allow-listed', async () => {
    const policy = parseEgressAllowList('*.corp.example');

    await expect(checkUrl('http://api.corp.example/', policy, dns())).resolves.toBeDefined();
    expect((await refusal(checkUrl('http://mcp.internal.example/', policy, dns()))).code).toBe(EgressDeniedCode.Denied);
  });

  it('should refuse a metadata address behind a wildcard domain when only the wildcard is allow-listed', async () => {
    const sut = await refusal(checkUrl('http://metadata.corp.example/', parseEgressAllowList('*.corp.example'), dns()));

    expect(sut.reason).toBe('cloud-metadata');
    await expect(checkUrl('http://metadata.corp.example/', parseEgressAllowList('metadata.corp.example'), dns())).resolves.toBeDefined();
  });

  it.each(['ftp://mcp.example.com/', 'file:///etc/passwd', 'gopher://mcp.example.com/'])('should refuse %s when its scheme is not http or https', async (url) => {
    expect((await refusal(checkUrl(url, noAllowList, dns()))).code).toBe(EgressDeniedCode.SchemeNotAllowed);
  });

  it('should refuse plain http when the policy allows https only', async () => {
    const policy = parseEgressAllowList(undefined, { allowHttp: false });

    expect((await refusal(checkUrl('http://mcp.example.com/', policy, dns()))).code).toBe(EgressDeniedCode.SchemeNotAllowed);
    await expect(checkUrl('https://mcp.example.com/', policy, dns())).resolves.toBeDefined();
  });

  it('should refuse without echoing the credentials when the URL carries them', async () => {
    const sut = await refusal(checkUrl('https://admin:hunter2@mcp.example.com/', noAllowList, dns()));

    expect(sut.code).toBe(EgressDeniedCode.CredentialsInUrl);
    expect(sut.message).not.toContain('hunter2');
  });

  it('should refuse as unresolvable when DNS does not know the name', async () => {
    const sut = await refusal(checkUrl('https://nowhere.example/', noAllowList, dns()));

    expect(sut.code).toBe(EgressDeniedCode.Unresolvable);
    expect(sut.message).toBe('refusing https://nowhere.example/: cannot resolve nowhere.example (ENOTFOUND)');
  });

  it('should refuse as an invalid URL when the text is not an absolute URL', async () => {
    expect((await refusal(checkUrl('/relative/path', noAllowList, dns()))).code).toBe(EgressDeniedCode.InvalidUrl);
  });

  it('should refuse localhost through the system resolver when no lookup is injected', async () => {
    expect((await refusal(checkUrl('http://localhost/', noAllowList))).reason).toBe('loopback');
  });
});
