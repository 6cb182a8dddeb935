import { describe, expect, it } from 'vitest';
import { parseTopology } from '../topology/load.ts';
import { renderDnsmasqConfig, renderServersFile } from './dnsmasq-config.ts';
import { dnsCapabilities } from './dnsmasq-ipv6.ts';
import { hostsLine, labRecords } from './records.ts';
import { reverseName6 } from '../topology/ipv6.ts';

const topology = parseTopology(
  `name: t\nbridge: { name: tbr0, subnet: 10.9.0.0/24 }\ndns: { domain: lab.test }\nnodes:\n  - { name: a, kind: container, ip: 10.9.0.10 }\n  - { name: v, kind: vm }\n`,
  'test.yaml',
);

describe('DNS rendering', () => {
  it('answers the lab domain locally, forwards nothing by default and reads records from hostsdir', () => {
    const config = renderDnsmasqConfig(topology).split('\n');
    expect(config).toContain('listen-address=10.9.0.2,127.0.0.1');
    expect(config).toContain('local=/lab.test/');
    expect(config).toContain('no-resolv');
    expect(config).toContain('hostsdir=/etc/dnsmasq/hosts.d');
    expect(config).toContain('servers-file=/etc/dnsmasq/servers.conf');
    expect(config.some((line) => line.startsWith('server='))).toBe(false);
    expect(renderServersFile([])).not.toMatch(/^server=/m);
  });

  it('lists upstreams only when the topology names them', () => {
    expect(renderServersFile(['10.9.0.250', '10.9.0.251'])).toMatch(/^server=10\.9\.0\.250\nserver=10\.9\.0\.251$/m);
  });

  it('has a record for gateway, host, dns and every node, FQDN first for the PTR answer', () => {
    expect(labRecords(topology)).toEqual([
      { name: 'gateway', ip: '10.9.0.1' },
      { name: 'host', ip: '10.9.0.1' },
      { name: 'dns', ip: '10.9.0.2' },
      { name: 'a', ip: '10.9.0.10' },
      { name: 'v', ip: '10.9.0.3' },
    ]);
    expect(hostsLine({ name: 'a', ip: '10.9.0.10' }, 'lab.test')).toBe('10.9.0.10 a.lab.test a\n');
  });

  const dualStack = parseTopology(
    `name: t6\nnetworks:\n  - { name: main, bridge: t6br0, subnet: 10.9.6.0/24, ipv6: "fd00:96::/64" }\ndns: { domain: lab.test }\nnodes:\n  - { name: a, kind: container, ip: 10.9.6.10 }\n  - { name: v, kind: vm, nics: [{ network: main, ip: 10.9.6.20, ipv6: slaac, mac: "52:54:00:00:00:20" }] }\n`,
    'dual.yaml',
  );

  it('dual stack: AAAA records beside A for every node (SLAAC ones by their EUI-64 address), one hosts line per address', () => {
    expect(labRecords(dualStack)).toEqual([
      { name: 'gateway', ip: '10.9.6.1', ipv6: 'fd00:96::1' },
      { name: 'host', ip: '10.9.6.1', ipv6: 'fd00:96::1' },
      { name: 'dns', ip: '10.9.6.2', ipv6: 'fd00:96::2' },
      { name: 'a', ip: '10.9.6.10', ipv6: 'fd00:96::10' },
      { name: 'v', ip: '10.9.6.20', ipv6: 'fd00:96::5054:ff:fe00:20' },
    ]);
    // dnsmasq answers the PTR for both lines with the first name: the FQDN.
    expect(hostsLine({ name: 'a', ip: '10.9.6.10', ipv6: 'fd00:96::10' }, 'lab.test')).toBe('10.9.6.10 a.lab.test a\nfd00:96::10 a.lab.test a\n');
    expect(reverseName6('fd00:96::10')).toBe('0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.0.d.f.ip6.arpa');
  });

  it('dual stack: listens on the IPv6 DNS address and advertises the prefix (ra-only, not a router) when a NIC uses SLAAC', () => {
    const config = renderDnsmasqConfig(dualStack).split('\n');
    expect(config).toContain('listen-address=10.9.6.2,fd00:96::2,127.0.0.1');
    expect(config).toContain('enable-ra');
    expect(config).toContain('dhcp-range=fd00:96::,ra-only,64');
    expect(config).toContain('ra-param=*,10,0');
    expect(dnsCapabilities(dualStack)).toEqual(['NET_BIND_SERVICE', 'SETUID', 'SETGID', 'NET_RAW', 'NET_ADMIN']);
  });

  it('no router advertisements and no NET_RAW without a SLAAC NIC', () => {
    const noSlaac = parseTopology(`name: t7\nnetworks:\n  - { name: main, bridge: t7br0, subnet: 10.9.7.0/24, ipv6: "fd00:97::/64" }\nnodes:\n  - { name: a, kind: container }\n`, 'nos.yaml');
    expect(renderDnsmasqConfig(noSlaac)).not.toMatch(/enable-ra|dhcp-range/);
    expect(renderDnsmasqConfig(noSlaac)).toMatch(/^listen-address=10\.9\.7\.2,fd00:97::2,127\.0\.0\.1$/m);
    expect(dnsCapabilities(noSlaac)).toEqual(['NET_BIND_SERVICE', 'SETUID', 'SETGID']);
    expect(dnsCapabilities(topology)).toEqual(['NET_BIND_SERVICE', 'SETUID', 'SETGID']);
    expect(labRecords(topology).every((record) => record.ipv6 === undefined)).toBe(true);
  });
});
