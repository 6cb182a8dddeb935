import { describe, expect, it } from 'vitest';
import { parseTopology } from '../topology/load.ts';
import { dhcpCapabilities, renderDhcpLines } from './dhcp-config.ts';
import { renderDnsmasqConfig } from './dnsmasq-config.ts';
import { parseLeases } from './leases.ts';

const withDhcp = parseTopology(`
name: dh
networks:
  - name: front
    bridge: dhfront0
    subnet: 10.0.73.0/24
  - name: back
    bridge: dhback0
    subnet: 10.0.74.0/25
    dhcp:
      range: 10.0.74.100-10.0.74.120
      leaseTime: 10m
      reservations:
        - { mac: "52:54:00:74:00:10", ip: 10.0.74.10 }
        - { mac: "52:54:00:74:00:11", ip: 10.0.74.11, name: spare }
        - { mac: "52:54:00:74:00:12", ip: 10.0.74.12 }
nodes:
  - { name: res, kind: vm, nics: [{ network: front }, { network: back, ip: dhcp, mac: "52:54:00:74:00:10" }] }
  - { name: dyn, kind: vm, nics: [{ network: back, ip: dhcp }] }
  - { name: first, kind: vm, nics: [{ network: back, ip: dhcp, mac: "52:54:00:74:00:12" }] }
`, 'dh.yaml');
const without = parseTopology('name: nod\nbridge: { name: nodbr0, subnet: 10.9.0.0/24 }\nnodes: []\n', 'nod.yaml');

describe('DHCP in the lab dnsmasq', () => {
  it('per DHCP network: a tagged range with the mask and lease time, router and DNS options, reservations named by reservation or NIC (NODE-NETWORK beyond its first NIC)', () => {
    expect(renderDhcpLines(withDhcp)).toEqual([
      'dhcp-leasefile=/var/lib/hybrid-lab-dhcp/dnsmasq.leases',
      'dhcp-authoritative',
      'no-ping',
      'dhcp-range=set:net-back,10.0.74.100,10.0.74.120,255.255.255.128,10m',
      'dhcp-option=tag:net-back,option:router,10.0.74.1',
      'dhcp-option=tag:net-back,option:dns-server,10.0.74.2',
      'dhcp-host=52:54:00:74:00:10,10.0.74.10,res-back',
      'dhcp-host=52:54:00:74:00:11,10.0.74.11,spare',
      'dhcp-host=52:54:00:74:00:12,10.0.74.12,first',
    ]);
    expect(renderDhcpLines(parseTopology(`name: dh\nnetworks:\n  - { name: n, bridge: dhn0, subnet: 10.0.73.0/24, dhcp: { range: 10.0.73.100-10.0.73.110, reservations: [{ mac: "52:54:00:73:00:01", ip: 10.0.73.5 }] } }\nnodes: []\n`, 'n.yaml'))).toContain('dhcp-host=52:54:00:73:00:01,10.0.73.5');
  });

  it('listens on the DNS address of every network; no DHCP line and no extra capability without a dhcp: network', () => {
    expect(renderDnsmasqConfig(withDhcp).split('\n')).toContain('listen-address=10.0.73.2,10.0.74.2,127.0.0.1');
    expect(renderDnsmasqConfig(withDhcp)).toContain('\ndhcp-range=');
    expect(dhcpCapabilities(withDhcp)).toEqual(['NET_ADMIN']);
    expect(renderDnsmasqConfig(without)).not.toMatch(/^dhcp-/m);
    expect(dhcpCapabilities(without)).toEqual([]);
  });

  it('reads the lease file: MAC, address, name, expiry (0 = infinite), network by subnet; the DHCPv6 part is left out', () => {
    const text = [
      '1796107686 52:54:00:74:00:10 10.0.74.10 res 01:52:54:00:74:00:10',
      '0 52:54:AA:BB:CC:DD 10.0.74.101 * *',
      'duid 00:01:00:01',
      '1796107686 1234 fd00::5 v6host *',
    ].join('\n');
    expect(parseLeases(text, withDhcp.networks)).toEqual([
      { mac: '52:54:00:74:00:10', ip: '10.0.74.10', name: 'res', expiresAt: new Date(1796107686_000).toISOString(), network: 'back' },
      { mac: '52:54:aa:bb:cc:dd', ip: '10.0.74.101', network: 'back' },
    ]);
  });
});
