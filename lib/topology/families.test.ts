import { describe, expect, it } from 'vitest';
import { endpointAddresses, familyTag, labIpv6Prefixes, pairFamilies, primaryFamilies, slaacAddress, urlHost } from './families.ts';
import { parseTopology } from './load.ts';

const dualStack = parseTopology(`name: ds
networks:
  - { name: front, bridge: dsfront0, subnet: 10.62.1.0/24, ipv6: "fd00:62:1::/64" }
  - { name: back, bridge: dsback0, subnet: 10.62.2.0/24 }
nodes:
  - { name: a, kind: container, ip: 10.62.1.10 }
  - { name: b, kind: container, nics: [{ network: back, ip: 10.62.2.20 }] }
  - { name: c, kind: container, nics: [{ network: back, ip: 10.62.2.30 }, { network: front, ip: 10.62.1.30, ipv6: "fd00:62:1::77" }] }
  - { name: v, kind: vm, nics: [{ network: front, ipv6: slaac, mac: "52:54:00:12:34:56" }] }
  - { name: w, kind: vm, nics: [{ network: front, ip: 10.62.1.60, ipv6: slaac }] }
`, 'ds.yaml');
const v4only = parseTopology('name: old\nbridge: { name: oldbr0, subnet: 10.63.0.0/24 }\nnodes:\n  - { name: a, kind: container, ip: 10.63.0.10 }\n', 'old.yaml');

describe('address families', () => {
  it('tags results [v4] and [v6] and brackets IPv6 literals in URLs', () => {
    expect([familyTag('ipv4'), familyTag('ipv6')]).toEqual(['[v4]', '[v6]']);
    expect([urlHost('10.0.1.5'), urlHost('fd00::5'), urlHost('web.hybrid.local')]).toEqual(['10.0.1.5', '[fd00::5]', 'web.hybrid.local']);
  });

  it('forms the modified EUI-64 SLAAC address from the prefix and MAC (RFC 4291 appendix A)', () => {
    // 52:54:00:12:34:56 -> 5054:00ff:fe12:3456 (universal/local bit flipped)
    expect(slaacAddress('fd00:62:1::/64', '52:54:00:12:34:56')).toBe('fd00:62:1:0:5054:ff:fe12:3456');
    expect(() => slaacAddress('fd00:62:1::/80', '52:54:00:12:34:56')).toThrow(/SLAAC/);
  });

  it("lists each endpoint's addresses per network: gateways for the host, DNS addresses for dns, NICs for nodes", () => {
    expect(endpointAddresses(dualStack, 'host')).toEqual([
      { network: 'front', ipv4: '10.62.1.1', ipv6: 'fd00:62:1::1' },
      { network: 'back', ipv4: '10.62.2.1', ipv6: undefined },
    ]);
    expect(endpointAddresses(dualStack, 'dns')[0]).toEqual({ network: 'front', ipv4: '10.62.1.2', ipv6: 'fd00:62:1::2' });
    expect(endpointAddresses(dualStack, 'c')).toEqual([{ network: 'back', ipv4: '10.62.2.30' }, { network: 'front', ipv4: '10.62.1.30', ipv6: 'fd00:62:1::77' }]);
    expect(endpointAddresses(dualStack, 'v')[0].ipv6).toBe('fd00:62:1:0:5054:ff:fe12:3456');
    expect(endpointAddresses(dualStack, 'w')[0].ipv6, 'SLAAC without a known MAC: address unknown before boot').toBeUndefined();
    expect(endpointAddresses(v4only, 'host')).toEqual([{ network: 'main', ipv4: '10.63.0.1', ipv6: undefined }]);
  });

  it('gives a pair IPv6 only when both ends have it on a shared network, IPv4 always', () => {
    const families = (from: string, to: string) => pairFamilies(dualStack, from, { name: to, ip: dualStack.nodes.find((n) => n.name === to)?.ip ?? '10.62.1.1' }).map((t) => `${t.family} ${t.address} ${t.network}`);
    expect(families('a', 'c')).toEqual(['ipv4 10.62.2.30 back', 'ipv6 fd00:62:1::77 front']);
    expect(families('host', 'a')).toEqual(['ipv4 10.62.1.10 front', 'ipv6 fd00:62:1::10 front']);
    expect(families('a', 'b'), 'b has no IPv6').toEqual(['ipv4 10.62.2.20 back']);
    expect(families('b', 'a'), 'b has no IPv6').toEqual(['ipv4 10.62.1.10 front']);
    expect(families('a', 'w'), "w's SLAAC address is not known").toEqual(['ipv4 10.62.1.60 front']);
    expect(pairFamilies(v4only, 'host', { name: 'a', ip: '10.63.0.10' }).map((t) => t.family)).toEqual(['ipv4']);
  });

  it("knows the lab's IPv6 prefixes and the primary network's families", () => {
    expect(labIpv6Prefixes(dualStack)).toEqual(['fd00:62:1::/64']);
    expect(primaryFamilies(dualStack)).toEqual(['ipv4', 'ipv6']);
    expect(primaryFamilies(v4only)).toEqual(['ipv4']);
  });
});
