import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { parseTopology } from '../topology/load.ts';
import { renderDnsmasqConfig } from './dnsmasq-config.ts';
import { srvHostLine, srvRecords } from './srv-records.ts';

const lab = (nodes: string) => `name: t\nbridge: { name: tbr0, subnet: 10.9.0.0/24 }\ndns: { domain: lab.test }\nnodes:\n${nodes}`;

const topology = parseTopology(
  lab(`  - name: prom
    kind: container
    image: hybrid-lab/debian:bookworm
    ports: [{ port: 9090, http: true }, { port: 9100, service: node-exporter }]
  - name: app
    kind: container
    image: hybrid-lab/debian:bookworm
    ports: [{ port: 9100, service: node-exporter }, { port: 5353, protocol: udp, service: stats }]
  - { name: vm1, kind: vm, ports: [{ port: 9100, service: node-exporter }] }
  - { name: plain, kind: vm }
`),
  'test.yaml',
);

describe('SRV records of declared services', () => {
  it('has one record per node and port that names a service, targeting the node\'s full name', () => {
    expect(srvRecords(topology)).toEqual([
      { name: '_node-exporter._tcp.lab.test', target: 'app.lab.test', port: 9100, priority: 0, weight: 0 },
      { name: '_node-exporter._tcp.lab.test', target: 'prom.lab.test', port: 9100, priority: 0, weight: 0 },
      { name: '_node-exporter._tcp.lab.test', target: 'vm1.lab.test', port: 9100, priority: 0, weight: 0 },
      { name: '_stats._udp.lab.test', target: 'app.lab.test', port: 5353, priority: 0, weight: 0 },
    ]);
  });

  it('renders them as dnsmasq srv-host lines in the lab config', () => {
    expect(srvHostLine(srvRecords(topology)[0])).toBe('srv-host=_node-exporter._tcp.lab.test,app.lab.test,9100,0,0');
    const config = renderDnsmasqConfig(topology).split('\n');
    expect(config.filter((line) => line.startsWith('srv-host='))).toEqual([
      'srv-host=_node-exporter._tcp.lab.test,app.lab.test,9100,0,0',
      'srv-host=_node-exporter._tcp.lab.test,prom.lab.test,9100,0,0',
      'srv-host=_node-exporter._tcp.lab.test,vm1.lab.test,9100,0,0',
      'srv-host=_stats._udp.lab.test,app.lab.test,5353,0,0',
    ]);
  });

  it('has none (and the config no srv-host line) when no port names a service', () => {
    const plain = parseTopology(lab('  - { name: a, kind: container }\n  - { name: v, kind: vm }\n'), 'test.yaml');
    expect(srvRecords(plain)).toEqual([]);
    expect(renderDnsmasqConfig(plain)).not.toMatch(/^srv-host=/m);
  });

  it('follows the nodes: a node removed from the topology takes its records along', () => {
    const without = { ...topology, nodes: topology.nodes.filter((node) => node.name !== 'vm1') };
    expect(srvRecords(without).map((record) => record.target)).not.toContain('vm1.lab.test');
    expect(renderDnsmasqConfig(without)).not.toEqual(renderDnsmasqConfig(topology));
  });

  it('refuses a service name that is not an RFC 6335 name, naming the field and the fix', () => {
    for (const bad of ['Node_Exporter', 'a-very-long-service-name', '-x', '123']) {
      const error = topologyErrorOf(() => parseTopology(lab(`  - { name: v, kind: vm, ports: [{ port: 9100, service: "${bad}" }] }\n`), 'test.yaml'));
      expect(error.message).toMatch(/nodes\[0\]\.ports\[0\]\.service/);
      expect(error.message).toMatch(/not a service name/);
      expect(error.message).toMatch(/node-exporter/);
    }
  });
});
