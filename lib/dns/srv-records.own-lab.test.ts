import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { downLab } from '../lab/down.ts';
import { findNode, openLab } from '../lab/lab-nodes.ts';
import { readState } from '../lab/state.ts';
import { upLab } from '../lab/up.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import type { Topology } from '../topology/topology.ts';
import { queryDns } from './client.ts';

// The lab DNS's SRV records for real: dnsmasq answers them from the host and through a node's own
// resolver, and they follow the topology (a node leaving takes its records along) on the next
// `up`. Lab sc3 on hybr53 (the monitoring scenario's bridge: the two never run at once, the
// own-lab group runs before the scenarios).
const header = 'name: sc3\nbridge: { name: hybr53, subnet: 10.0.53.0/24 }\nnodes:\n';
const probe = '  - { name: probe, kind: container, ip: 10.0.53.50 }\n';
// Declared ports need nothing listening for their records: a plain local image that sleeps.
const exporter = (name: string, ip: string, extra = '') =>
  `  - { name: ${name}, kind: container, ip: ${ip}, image: "hybrid-lab/debian:bookworm", command: [sleep, infinity], ports: [{ port: 9100, service: node-exporter }${extra}] }\n`;
const bothNodes = header + probe + exporter('a', '10.0.53.20') + exporter('b', '10.0.53.21', ', { port: 5353, protocol: udp, service: stats }');
const onlyA = header + probe + exporter('a', '10.0.53.20');

let topology: Topology;

beforeAll(async () => {
  topology = await topologyFromYaml(bothNodes);
  const state = await readState(topology.name);
  if (state) throw new Error(`lab ${topology.name} is already there (${state.status}): this test brings it up itself. Fix: npx hybrid-lab down --lab ${topology.name}`);
  await upLab(topology, { reporter: silentReporter });
});

afterAll(async () => {
  await downLab(topology.name, topology, silentReporter).catch(() => undefined);
  expect(await labRemains(topology.name, 'hybr53')).toEqual(NOTHING_LEFT);
});

const srv = async (name: string) => [...(await queryDns('10.0.53.2', name, 'SRV')).answers].sort();

describe('SRV records in the lab DNS (dnsmasq srv-host)', () => {
  it('answers each declared service with every node declaring it, from the host', async () => {
    expect(await srv('_node-exporter._tcp.hybrid.local')).toEqual(['0 0 9100 a.hybrid.local', '0 0 9100 b.hybrid.local']);
    expect(await srv('_stats._udp.hybrid.local')).toEqual(['0 0 5353 b.hybrid.local']);
    expect((await queryDns('10.0.53.2', '_nothing._tcp.hybrid.local', 'SRV')).rcode).toBe('NXDOMAIN');
  });

  it('answers a node asking through its own resolver (the engine\'s, which forwards to the lab DNS)', async () => {
    const lab = await openLab(topology.name);
    const result = await findNode(lab, 'probe').exec(['nslookup', '-type=SRV', '_node-exporter._tcp.hybrid.local'], { timeoutMs: 10_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/_node-exporter\._tcp\.hybrid\.local\s+service = 0 0 9100 a\.hybrid\.local/);
    expect(result.stdout).toMatch(/service = 0 0 9100 b\.hybrid\.local/);
  });

  it('a node added without a service keeps the DNS container (its config did not change) and resolves live', async () => {
    const larger = await topologyFromYaml(bothNodes + '  - { name: c, kind: container, ip: 10.0.53.22 }\n');
    const result = await upLab(larger, { reporter: silentReporter });
    expect(result.created).toEqual(['container sc3_c']);
    expect((await queryDns('10.0.53.2', 'c.hybrid.local', 'A')).answers).toEqual(['10.0.53.22']);
    expect(await srv('_node-exporter._tcp.hybrid.local')).toEqual(['0 0 9100 a.hybrid.local', '0 0 9100 b.hybrid.local']);
    topology = larger;
  });

  it('follows the nodes: b (and c) removed from the file, b\'s records are gone after up', async () => {
    const smaller = await topologyFromYaml(onlyA);
    const result = await upLab(smaller, { reporter: silentReporter });
    expect(result.created, 'the DNS container is re-created with the new records').toContain('DNS container sc3-dns');
    expect(await srv('_node-exporter._tcp.hybrid.local')).toEqual(['0 0 9100 a.hybrid.local']);
    expect((await queryDns('10.0.53.2', '_stats._udp.hybrid.local', 'SRV')).rcode).toBe('NXDOMAIN');
    expect((await queryDns('10.0.53.2', 'b.hybrid.local', 'A')).rcode).toBe('NXDOMAIN');
    topology = smaller;
  });
});
