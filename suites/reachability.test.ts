import { describe, it } from 'vitest';
import { expectedVerdict, type Attempt, type ExpectedVerdict, type Family } from '../lib/net/reachability.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { ping } from '../lib/probe/ping.ts';
import { tcpConnect } from '../lib/probe/tcp-connect.ts';
import { servicePorts } from '../lib/topology/schema.ts';
import { nodeNics, type ResolvedNode } from '../lib/topology/topology.ts';
import { hasProbeTools, liveLab, topologyNode } from './support/lab.ts';

// The reachability matrix: for every ordered pair of nodes, every address of the target, each
// family and every port the target serves (and ICMP), the verdict the lab's rules promise (modes,
// the deny between networks, policies: lib/net/reachability.ts) is what a real attempt meets.
// A failure names the pair, the port, the family and the deciding rule.
const lab = await liveLab();
const { topology } = lab.state;

/** TCP ports a node serves: its built-in services (UDP echo is left to the connectivity suite) or its declared ports. */
function tcpPorts(node: ResolvedNode): number[] {
  if (node.kind === 'container' && node.ports.length > 0 && node.services.length === 0) return node.ports.filter((entry) => entry.protocol === 'tcp').map((entry) => entry.port);
  return node.services.map((service) => servicePorts[service]).filter((entry) => entry.protocol === 'tcp').map((entry) => entry.port);
}

interface Probe {
  attempt: Attempt;
  expected: ExpectedVerdict;
  label: string;
}

function probesFor(from: ResolvedNode, to: ResolvedNode, family: Family, leased: { from: string; to: string }): Probe[] {
  return nodeNics(topology, to).flatMap((target, i) => [undefined, ...tcpPorts(to)].flatMap((port) => {
    // A dynamic lease's address is the live node's (its first NIC's); the topology cannot know it.
    const attempt: Attempt = { from, to, target, family, leased: { from: leased.from, ...(i === 0 ? { to: leased.to } : {}) }, ...(port ? { port: { port, protocol: 'tcp' as const } } : {}) };
    const expected = expectedVerdict(topology, attempt);
    if (!expected) return [];
    return [{ attempt, expected, label: `${expected.to.address} ${port ? `tcp/${port}` : 'icmp'}` }];
  }));
}

/** Whether the attempt got through: one ping, or a TCP connect; a denied attempt is retried once with a longer wait only when it should have passed. */
async function getsThrough(from: LabNode, probe: Probe, patient = false): Promise<boolean> {
  const address = probe.expected.to.address;
  const passed = probe.attempt.port
    ? (await tcpConnect(from, address, probe.attempt.port.port, { timeoutSec: patient ? 3 : 1 })).ok
    : (await ping(from, address, { count: 1, waitSec: patient ? 3 : 1 })).received > 0;
  if (!passed && !patient && probe.expected.verdict === 'allow') return getsThrough(from, probe, true);
  return passed;
}

const sources = lab.nodes.filter((node) => hasProbeTools(lab, node));
const families: Family[] = ['ipv4', 'ipv6'];

/**
 * Every ordered pair once, round-robin over the sources (each source's first target, then each
 * one's second, ...): the pairs run concurrently, and a VM runs its probes one at a time over its
 * console, so its pairs are spread among the containers' instead of filling every slot at once.
 */
function pairsRoundRobin(): Array<[LabNode, LabNode]> {
  const targetsOf = sources.map((from) => lab.nodes.filter((node) => node !== from).map((to): [LabNode, LabNode] => [from, to]));
  const longest = Math.max(0, ...targetsOf.map((targets) => targets.length));
  return Array.from({ length: longest }, (_, i) => targetsOf.flatMap((targets) => (i < targets.length ? [targets[i]] : []))).flat();
}

// The pairs are independent (each probe waits for its own answer; a denied probe only waits out
// its timeout), so they run at once; an allowed probe that fails is retried patiently.
describe.concurrent('reachability matrix', () => {
  for (const [from, to] of pairsRoundRobin()) {
    const source = topologyNode(lab, from)!;
    const target = topologyNode(lab, to)!;
    for (const family of families) {
      const probes = probesFor(source, target, family, { from: from.ip, to: to.ip });
      if (probes.length === 0) continue;
      const tag = family === 'ipv4' ? '[v4]' : '[v6]';
      const summary = `${probes.filter((p) => p.expected.verdict === 'allow').length} allowed, ${probes.filter((p) => p.expected.verdict === 'deny').length} denied`;
      it(`${tag} ${from.name} -> ${to.name}: ${summary}`, async ({ expect }) => {
        const outcomes = await Promise.all(probes.map(async (probe) => ({ probe, passed: await getsThrough(from, probe) })));
        const wrong = outcomes.filter(({ probe, passed }) => passed !== (probe.expected.verdict === 'allow'));
        const explain = wrong.map(({ probe, passed }) => `${tag} ${from.name} (${probe.expected.from.address}) -> ${to.name} ${probe.label}: expected ${probe.expected.verdict} by ${probe.expected.rule}, but it was ${passed ? 'allowed' : 'blocked'}`);
        expect(explain, explain.join('\n')).toEqual([]);
      });
    }
  }
  if (sources.length === 0) it.skip('no node has probe tools (every node runs its own image)', () => undefined);
});
