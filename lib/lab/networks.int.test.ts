import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { silentReporter } from '../common/progress.ts';
import { createOutsideNamespace, type OutsideNamespace } from '../net/outside-namespace.ts';
import { chainPresent, labChainName } from '../net/lab-chain.ts';
import { labRemains, NOTHING_LEFT } from '../testing/lab-fixture.ts';
import { LAB_DIR, loadTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import type { LabNode } from '../nodes/node.ts';
import { downLab } from './down.ts';
import { findNode, openLab, type LiveLab } from './lab-nodes.ts';
import { upLab } from './up.ts';

// The example lab of several segments: front and back routed, store isolated, egress NAT.
const FILE = join(LAB_DIR, 'examples', 'networks', 'networks.yaml');

const pings = async (node: LabNode, ip: string) => (await node.exec(['ping', '-c', '1', '-W', '1', ip], { timeoutMs: 10_000 })).exitCode === 0;

describe('a lab of several networks (routed, isolated, NAT)', () => {
  let topology: Topology;
  let lab: LiveLab;
  let outside: OutsideNamespace;
  const node = (name: string) => findNode(lab, name);

  beforeAll(async () => {
    topology = await loadTopology(FILE);
    await downLab(topology.name, topology, silentReporter);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(topology.name);
    // The uplink stand-in knows the way back to the routed segments, as a real upstream router would.
    outside = await createOutsideNamespace('nw14', '10.0.81.0/30', ['10.0.76.0/24', '10.0.77.0/24']);
  });

  afterAll(async () => {
    await outside?.remove();
    if (topology) await downLab(topology.name, topology, silentReporter);
  });

  it('routes between the two routed networks, both ways, with the nodes\' own addresses', async () => {
    expect(await pings(node('web'), '10.0.77.10')).toBe(true);
    expect(await pings(node('api'), '10.0.76.10')).toBe(true);
    // The routed segment reaches the uplink unmasqueraded: the outside sees the node's own address.
    expect(await outside.echoSourcesDuring(() => pings(node('api'), outside.outsideIp))).toContain('10.0.77.10');
    expect((await outside.exec(['ping', '-c', '1', '-W', '1', '10.0.77.10'], { allowFailure: true })).exitCode).toBe(0);
  });

  it('masquerades the NAT network towards the uplink and lets nothing new in', async () => {
    const sources = await outside.echoSourcesDuring(() => pings(node('fetcher'), outside.outsideIp));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((source) => source === outside.hostIp)).toBe(true);
    expect((await outside.exec(['ping', '-c', '1', '-W', '1', '10.0.80.10'], { allowFailure: true })).exitCode).not.toBe(0);
  });

  it('keeps the isolated network to itself: reachable within, from nowhere else, reaching nothing else', async () => {
    expect(await pings(node('db'), '10.0.78.10')).toBe(true); // web's NIC on store
    expect(await pings(node('db'), '10.0.77.10')).toBe(false);
    expect(await pings(node('api'), '10.0.78.20')).toBe(false);
    expect(await outside.echoSourcesDuring(() => pings(node('db'), outside.outsideIp))).toEqual([]);
    expect((await outside.exec(['ping', '-c', '1', '-W', '1', '10.0.78.20'], { allowFailure: true })).exitCode).not.toBe(0);
  });

  it('keeps a NAT network and a routed one apart (only routed networks are routed between)', async () => {
    expect(await pings(node('fetcher'), '10.0.76.10')).toBe(false);
    expect(await pings(node('web'), '10.0.80.10')).toBe(false);
  });

  it('resolves every node from every network through the DNS server on that network', async () => {
    const lookup = async (from: string, name: string) => (await node(from).exec(['nslookup', name], { timeoutMs: 10_000 })).stdout;
    expect(await lookup('db', 'web')).toContain('10.0.76.10'); // db only has the isolated network
    expect(await lookup('db', 'web.store')).toContain('10.0.78.10');
    expect(await lookup('fetcher', 'api')).toContain('10.0.77.10');
  });

  it('down removes every bridge, network, rule and the lab chain', async () => {
    await downLab(topology.name, topology, silentReporter);
    for (const bridge of ['hybr76', 'hybr77', 'hybr78', 'hybr79']) expect(await labRemains(topology.name, bridge)).toEqual(NOTHING_LEFT);
    expect(await chainPresent(labChainName(topology.name), 'ipv4')).toBe(false);
    expect(await chainPresent(labChainName(topology.name), 'ipv6')).toBe(false);
  });
});
