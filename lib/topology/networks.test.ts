import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { formatIpv6, parseIpv6, reverseName6 } from './ipv6.ts';
import { parseTopology } from './load.ts';
import { impairmentRequests } from './impairment-links.ts';

const networks = `
name: nw
networks:
  - name: front
    bridge: nwfront0
    mode: routed
    subnet: 10.61.1.0/24
    ipv6: fd00:61:1::/64
  - name: back
    bridge: nwback0
    mode: isolated
    subnet: 10.61.2.0/24
    dhcp:
      range: 10.61.2.100-10.61.2.199
      leaseTime: 10m
      reservations:
        - { mac: "52:54:00:aa:00:01", ip: 10.61.2.10 }
        - { mac: "52:54:00:AA:00:02", ip: 10.61.2.11, name: spare }
  - name: out
    mode: nat
    subnet: 10.61.3.0/24
nodes:
`;

const parse = (nodes: string) => parseTopology(networks + nodes, 'nets.yaml');
const errorOf = (nodes: string, head = networks) => topologyErrorOf(() => parseTopology(head + nodes, 'nets.yaml'));

describe('networks and NICs', () => {
  it('resolves several networks, the first being the primary one', () => {
    const topology = parse('  - { name: a, kind: container }\n');
    expect(topology.networks?.map((n) => [n.name, n.bridge, n.mode, n.gateway, n.dns])).toEqual([
      ['front', 'nwfront0', 'routed', '10.61.1.1', '10.61.1.2'],
      ['back', 'nwback0', 'isolated', '10.61.2.1', '10.61.2.2'],
      ['out', 'nw-out', 'nat', '10.61.3.1', '10.61.3.2'],
    ]);
    expect(topology.bridge).toEqual({ name: 'nwfront0', subnet: '10.61.1.0/24', prefix: 24, gateway: '10.61.1.1' });
    expect(topology.dns.address).toBe('10.61.1.2');
    expect(topology.networks?.[0].ipv6).toEqual({ subnet: 'fd00:61:1::/64', prefix: 64, gateway: 'fd00:61:1::1', dns: 'fd00:61:1::2' });
    expect(topology.networks?.[1].dhcp).toEqual({
      start: '10.61.2.100', end: '10.61.2.199', leaseTime: '10m',
      reservations: [{ mac: '52:54:00:aa:00:01', ip: '10.61.2.10' }, { mac: '52:54:00:aa:00:02', ip: '10.61.2.11', name: 'spare' }],
    });
  });

  it('gives NICs static, allocated, reserved and dynamic addresses, with matching IPv6 host numbers', () => {
    const topology = parse(`  - name: c
    kind: container
    nics: [{ network: front, ip: 10.61.1.50 }, { network: back }]
  - name: v
    kind: vm
    nics: [{ network: back, ip: dhcp, mac: "52:54:00:aa:00:01" }, { network: front }]
  - name: d
    kind: vm
    nics: [{ network: back, ip: dhcp }]
  - name: s
    kind: vm
    nics: [{ network: front, ipv6: slaac }]
`);
    const nics = Object.fromEntries(topology.nodes.map((node) => [node.name, node.nics]));
    expect(nics.c).toEqual([
      { network: 'front', ip: '10.61.1.50', dhcp: false, ipv6: 'fd00:61:1::50', slaac: false },
      // .3 onwards: the pool skips gateway and DNS, then the reservations and the DHCP range are never handed out.
      { network: 'back', ip: '10.61.2.3', dhcp: false, slaac: false },
    ]);
    expect(nics.v).toEqual([
      { network: 'back', ip: '10.61.2.10', dhcp: true, slaac: false, mac: '52:54:00:aa:00:01' },
      { network: 'front', ip: '10.61.1.3', dhcp: false, ipv6: 'fd00:61:1::3', slaac: false },
    ]);
    expect(nics.d).toEqual([{ network: 'back', dhcp: true, slaac: false }]);
    expect(topology.nodes.find((node) => node.name === 'd')?.ip).toBe('');
    expect(topology.nodes.find((node) => node.name === 'v')?.ip).toBe('10.61.2.10');
    expect(nics.s[0]).toMatchObject({ network: 'front', slaac: true, ip: '10.61.1.4' });
  });

  it('keeps a topology without networks: as one network named main on its bridge', () => {
    const topology = parseTopology('name: old\nbridge: { name: oldbr0, subnet: 10.62.0.0/24 }\nnodes:\n  - { name: a, kind: container, ip: 10.62.0.9 }\n', 'old.yaml');
    expect(topology.networks).toEqual([{ name: 'main', bridge: 'oldbr0', mode: 'bridged', subnet: '10.62.0.0/24', prefix: 24, gateway: '10.62.0.1', dns: '10.62.0.2' }]);
    expect(topology.nodes[0].nics).toEqual([{ network: 'main', ip: '10.62.0.9', dhcp: false, slaac: false }]);
  });

  it.each([
    ['overlapping networks', networks.replace('subnet: 10.61.3.0/24', 'subnet: 10.61.0.0/16'), '', 'networks[2].subnet', /overlaps network front/],
    ['a NIC on an unknown network', networks, '  - { name: a, kind: container, nics: [{ network: nowhere }] }\n', 'nodes[0].nics[0].network', /no such network.*front, back, out/s],
    ['a reservation outside the subnet', networks.replace('ip: 10.61.2.10 }', 'ip: 10.61.9.10 }'), '', 'networks[1].dhcp.reservations[0].ip', /outside the subnet 10.61.2.0\/24/],
    ['a non-ULA IPv6 prefix', networks.replace('fd00:61:1::/64', '2001:db8::/64'), '', 'networks[0].ipv6', /not a unique local \(ULA\) prefix/],
    ['IPv6 host bits', networks.replace('fd00:61:1::/64', 'fd00:61:1::5/64'), '', 'networks[0].ipv6', /host bits/],
    ['a public IPv4 subnet', networks.replace('10.61.3.0/24', '8.8.8.0/24'), '', 'networks[2].subnet', /not private address space/],
    ['a container asking for DHCP', networks, '  - { name: a, kind: container, nics: [{ network: back, ip: dhcp }] }\n', 'nodes[0].nics[0].ip', /container cannot take its address by DHCP/],
    ['DHCP on a network without it', networks, '  - { name: a, kind: vm, nics: [{ network: front, ip: dhcp }] }\n', 'nodes[0].nics[0].ip', /no DHCP service/],
    ['a static address in the DHCP range', networks, '  - { name: a, kind: container, nics: [{ network: back, ip: 10.61.2.150 }] }\n', 'nodes[0].nics[0].ip', /inside network back's DHCP range/],
    ['a static address reserved by DHCP', networks, '  - { name: a, kind: container, nics: [{ network: back, ip: 10.61.2.11 }] }\n', 'nodes[0].nics[0].ip', /reserved by DHCP/],
    ['a reserved MAC on a static NIC', networks, '  - { name: a, kind: vm, nics: [{ network: back, ip: 10.61.2.20, mac: "52:54:00:aa:00:01" }] }\n', 'nodes[0].nics[0].ip', /has a DHCP reservation/],
    ['two NICs on one network', networks, '  - { name: a, kind: container, nics: [{ network: back }, { network: back }] }\n', 'nodes[0].nics[1].network', /two NICs on network back/],
    ['ipv6 on an IPv4-only network', networks, '  - { name: a, kind: container, nics: [{ network: back, ipv6: "fd00::5" }] }\n', 'nodes[0].nics[0].ipv6', /has no IPv6 prefix/],
    ['an IPv6 address outside the prefix', networks, '  - { name: a, kind: container, nics: [{ network: front, ipv6: "fd00:99::5" }] }\n', 'nodes[0].nics[0].ipv6', /outside the prefix/],
    ['SLAAC for a container', networks, '  - { name: a, kind: container, nics: [{ network: front, ipv6: slaac }] }\n', 'nodes[0].nics[0].ipv6', /SLAAC/],
    ['a duplicate MAC', networks, '  - { name: a, kind: vm, nics: [{ network: front, mac: "52:54:00:00:00:09" }] }\n  - { name: b, kind: vm, nics: [{ network: out, mac: "52:54:00:00:00:09" }] }\n', 'nodes[1].nics[0].mac', /duplicate MAC/],
    ['a multicast MAC', networks, '  - { name: a, kind: vm, nics: [{ network: front, mac: "01:00:5e:00:00:01" }] }\n', 'nodes[0].nics[0].mac', /multicast/],
    ['ip beside nics', networks, '  - { name: a, kind: container, ip: 10.61.1.9, nics: [{ network: front }] }\n', 'nodes[0].ip', /cannot be combined with nics/],
    ['bridge beside networks', `bridge: { name: x0 }\n${networks}`, '', 'bridge', /cannot be combined with networks/],
    ['a duplicate bridge', networks.replace('bridge: nwback0', 'bridge: nwfront0'), '', 'networks[1].bridge', /already used by network front/],
    ['a default bridge name too long', networks.replace('name: out', 'name: outside-world'), '', 'networks[2].bridge', /longer than Linux allows/],
    ['a short lease', networks.replace('leaseTime: 10m', 'leaseTime: 30s'), '', 'networks[1].dhcp.leaseTime', /two minutes/],
    ['a DHCP range over the gateway', networks.replace('10.61.2.100-10.61.2.199', '10.61.2.1-10.61.2.99'), '', 'networks[1].dhcp.range', /gateway/],
  ])('refuses %s with one error naming the field', (_label, head, nodes, field, problem) => {
    const error = errorOf(nodes || '  - { name: n, kind: container }\n', head);
    expect(error.fieldPath).toBe(field);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/Fix: /);
  });
});

describe('link impairments on NICs', () => {
  it('puts a NIC\'s impair on its own link and the node\'s on its first', () => {
    const topology = parse(`  - name: c
    kind: container
    impair: { rateBitsPerSec: 1000000 }
    nics: [{ network: front }, { network: back, impair: { lossPercent: 1 } }]
`);
    expect(impairmentRequests(topology).map((request) => [request.linkName, request.nicIndex, request.fieldPath, request.impairment])).toEqual([
      ['c', 0, 'nodes[0].impair', { rateBitsPerSec: 1000000 }],
      ['c.back', 1, 'nodes[0].nics[1].impair', { lossPercent: 1 }],
    ]);
  });

  it('refuses an impairment on both the node and its first NIC, and on a VM\'s second NIC', () => {
    expect(errorOf('  - { name: c, kind: container, impair: { lossPercent: 1 }, nics: [{ network: front, impair: { lossPercent: 2 } }] }\n').fieldPath).toBe('nodes[0].impair');
    expect(errorOf('  - { name: v, kind: vm, nics: [{ network: front }, { network: out, impair: { lossPercent: 2 } }] }\n').fieldPath).toBe('nodes[0].nics[1].impair');
  });
});

describe('IPv6 arithmetic', () => {
  it.each([
    ['fd00:61:1::50', 'fd00:61:1::50'],
    ['FD00:0061:0001:0000:0000:0000:0000:0050', 'fd00:61:1::50'],
    ['fd00::1:0:0:1', 'fd00::1:0:0:1'],
    ['fd00:0:0:1::', 'fd00:0:0:1::'],
    ['::1', '::1'],
    ['fd00:1:0:0:1:0:0:1', 'fd00:1::1:0:0:1'],
  ])('reads %s and writes it as %s', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text)!)).toBe(canonical);
  });

  it.each(['fd00::1::2', 'fd00:1', '12345::', 'fd00:1:2:3:4:5:6:7:8', 'g::1', '10.0.0.1'])('refuses %s', (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });

  it('names the ip6.arpa PTR owner nibble by nibble', () => {
    expect(reverseName6('fd00:61:1::50')).toBe('0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.1.6.0.0.0.0.d.f.ip6.arpa');
  });
});
