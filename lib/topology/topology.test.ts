import { topologyErrorOf } from '../testing/topology-errors.ts';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TopologyError } from '../common/errors.ts';
import { checkSubnetAgainstHost } from './host-conflicts.ts';
import { DEFAULT_TOPOLOGY_FILE, LAB_DIR, parseTopology } from './load.ts';

const base = `
name: t1
bridge: { name: tbr0, subnet: 10.9.0.0/24 }
nodes:
`;

const errorOf = (text: string) => topologyErrorOf(() => parseTopology(text, 'test.yaml'));

describe('topology', () => {
  it('resolves the embedded default to the seed addresses', () => {
    const topology = parseTopology(readFileSync(DEFAULT_TOPOLOGY_FILE, 'utf8'), 'default');
    expect(topology.bridge).toEqual({ name: 'hybr0', subnet: '10.0.1.0/24', prefix: 24, gateway: '10.0.1.1' });
    expect(topology.dns).toEqual({ address: '10.0.1.2', domain: 'hybrid.local', upstreams: [] });
    const byName = Object.fromEntries(topology.nodes.map((node) => [node.name, node.ip]));
    expect(byName['test-container']).toBe('10.0.1.50');
    expect(byName['web-server']).toBe('10.0.1.100');
    expect(topology.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('accepts every example topology in lab/examples', () => {
    const dir = join(LAB_DIR, 'examples');
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => parseTopology(readFileSync(join(dir, file), 'utf8'), join(dir, file)), file).not.toThrow();
  });

  it('allocates pool addresses around static ones and reservations', () => {
    const topology = parseTopology(
      `${base}  - { name: a, kind: container }\n  - { name: b, kind: container, ip: 10.9.0.3 }\n  - { name: c, kind: container }\nipam: { reserved: [10.9.0.4-10.9.0.5] }\n`,
      'x',
    );
    expect(topology.nodes.map((node) => node.ip)).toEqual(['10.9.0.6', '10.9.0.3', '10.9.0.7']);
  });

  it.each([
    ['duplicate IP', `  - { name: a, kind: container, ip: 10.9.0.9 }\n  - { name: b, kind: container, ip: 10.9.0.9 }`, 'nodes[1].ip', /duplicate address/],
    ['IP outside subnet', `  - { name: a, kind: container, ip: 10.8.0.9 }`, 'nodes[0].ip', /outside the subnet 10.9.0.0\/24/],
    ['IP equal to gateway', `  - { name: a, kind: container, ip: 10.9.0.1 }`, 'nodes[0].ip', /gateway address/],
    ['IP equal to DNS', `  - { name: a, kind: container, ip: 10.9.0.2 }`, 'nodes[0].ip', /DNS server address/],
    ['network address', `  - { name: a, kind: container, ip: 10.9.0.0 }`, 'nodes[0].ip', /network address/],
    ['broadcast address', `  - { name: a, kind: container, ip: 10.9.0.255 }`, 'nodes[0].ip', /broadcast address/],
    ['duplicate names', `  - { name: a, kind: container }\n  - { name: a, kind: container }`, 'nodes[1].name', /duplicate name/],
    ['invalid DNS name', `  - { name: Web_1, kind: container }`, 'nodes[0].name', /not a valid DNS name/],
    ['reserved name', `  - { name: dns, kind: container }`, 'nodes[0].name', /reserved/],
    ['unknown kind', `  - { name: a, kind: pod }`, 'nodes[0].kind', /unknown node kind/],
    ['misspelt field', `  - { name: a, kind: container, adress: 10.9.0.5 }`, 'nodes[0].adress', /unknown field/],
    ['bad IP syntax', `  - { name: a, kind: container, ip: 10.9.0.300 }`, 'nodes[0].ip', /not an IPv4 address/],
  ])('rejects %s naming the field', (_label, nodes, fieldPath, problem) => {
    const error = errorOf(base + nodes + '\n');
    expect(error.fieldPath).toBe(fieldPath);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/Fix: /);
    expect(error.message).toMatch(/^test\.yaml: /);
    expect(error.exitCode).toBe(2);
  });

  it('rejects a subnet with host bits and tells the network address', () => {
    const error = errorOf('name: t\nbridge: { subnet: 10.9.0.7/24 }\n');
    expect(error.message).toContain('bridge.subnet');
    expect(error.message).toContain('10.9.0.0/24');
  });

  it('reports YAML syntax errors with a line', () => {
    expect(errorOf('name: t\nnodes: [\n').message).toMatch(/invalid YAML/);
  });

  it('requires a name', () => {
    expect(errorOf('bridge: { name: x }\n').fieldPath).toBe('name');
  });

  it('rejects a subnet overlapping a host route, ignoring its own bridge only when it is provably the lab\'s', () => {
    const topology = parseTopology(`${base}  - { name: a, kind: container }\n`, 'x');
    expect(() => checkSubnetAgainstHost(topology, [{ destination: '10.9.0.0/24', device: 'tbr0' }], true)).not.toThrow();
    expect(() => checkSubnetAgainstHost(topology, [{ destination: '10.9.0.0/24', device: 'tbr0' }], false)).toThrow(/overlaps 10.9.0.0\/24 already on the host \(device tbr0\)/);
    expect(() => checkSubnetAgainstHost(topology, [{ destination: '10.0.0.0/8', device: 'eth0' }])).toThrow(/overlaps 10.0.0.0\/8 already on the host \(device eth0\)/);
  });
});
