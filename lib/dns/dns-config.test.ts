import { describe, expect, it } from 'vitest';
import { parseTopology } from '../topology/load.ts';
import { renderDnsmasqConfig, renderServersFile } from './dnsmasq-config.ts';
import { hostsLine, labRecords } from './records.ts';

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
});
