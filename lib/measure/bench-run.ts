/**
 * One short measurement run of a live lab, without vitest: what the latency history needs (RTT
 * and loss between every pair of endpoints, over each family the pair has, DNS answer time, TCP throughput and UDP loss/jitter
 * between the nodes that serve iperf3), in one pass with no budgets. `hybrid-lab bench` measures
 * through the suites; this is the same kind of run made small enough to repeat many times in a
 * test (the regression gate's proof on real history).
 */
import { timeDnsQueries } from '../dns/client.ts';
import type { LiveLab } from '../lab/lab-nodes.ts';
import type { LabNode } from '../nodes/node.ts';
import { iperf } from '../probe/iperf.ts';
import { ping } from '../probe/ping.ts';
import { summarize, type Measurement } from '../report/measurement.ts';
import { familyOf, pairFamilies, primaryAddress, type FamilyTarget } from '../topology/families.ts';

export interface BenchRunOptions {
  /** Pings per ordered pair (one burst). */
  pings: number;
  pingIntervalSec: number;
  dnsQueries: number;
  /** Seconds of TCP iperf3 per throughput pair. */
  tcpSeconds: number;
  /** UDP rounds (1 s each) per throughput pair: jitter and loss are the median over them. */
  udpRounds: number;
  udpRateBitsPerSec: number;
  /** Which nodes serve iperf3 (default: every node whose spec lists the iperf3 service). */
  iperfNodes?: readonly string[];
}

export const SHORT_BENCH: BenchRunOptions = { pings: 20, pingIntervalSec: 0.02, dnsQueries: 20, tcpSeconds: 1, udpRounds: 3, udpRateBitsPerSec: 10e6 };

/** Measures every pair once and returns the run's measurements, ready for recordRun. */
export async function measureBenchRun(lab: LiveLab, options: BenchRunOptions = SHORT_BENCH): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const endpoints = [lab.host, ...lab.nodes];
  const families = (from: LabNode, to: LabNode) => pairFamilies(lab.state.topology, from.name, to);
  for (const [from, to] of orderedPairs(endpoints)) for (const target of families(from, to)) measurements.push(await measureRtt(from, to, target, options));
  for (const server of dnsServers(lab)) measurements.push(await measureDnsTime(lab, server, options.dnsQueries));
  const serving = new Set(options.iperfNodes ?? lab.state.topology.nodes.filter((node) => node.services.includes('iperf3')).map((node) => node.name));
  for (const [from, to] of orderedPairs(lab.nodes.filter((node) => serving.has(node.name)))) {
    for (const target of families(from, to)) {
      measurements.push(await measureTcp(from, to, target, options.tcpSeconds));
      measurements.push(...(await measureUdp(from, to, target, options)));
    }
  }
  return measurements;
}

function orderedPairs(nodes: readonly LabNode[]): Array<[LabNode, LabNode]> {
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => [from, to] as [LabNode, LabNode]));
}

/** The DNS server's addresses the host times: IPv4, and IPv6 when the DNS server has one. */
function dnsServers(lab: LiveLab): string[] {
  const ipv6 = primaryAddress(lab.state.topology, 'dns', 'ipv6');
  return [lab.state.topology.dns.address, ...(ipv6 ? [ipv6] : [])];
}

async function measureRtt(from: LabNode, to: LabNode, target: FamilyTarget, options: BenchRunOptions): Promise<Measurement> {
  await ping(from, target.address, { count: 1 }); // ARP/neighbour and caches warm, so the burst measures the path
  const result = await ping(from, target.address, { count: options.pings, intervalSec: options.pingIntervalSec });
  return { suite: 'bench', metric: 'icmp-rtt', unit: 'ms', from: from.name, to: to.name, family: target.family, samples: result.rttMs, summary: summarize(result.rttMs), lossPercent: result.lossPercent };
}

async function measureDnsTime(lab: LiveLab, address: string, count: number): Promise<Measurement> {
  const { domain } = lab.state.topology.dns;
  const name = `${lab.nodes[0]?.name ?? 'dns'}.${domain}`;
  let samples: number[] = [];
  let lossPercent = 0;
  try {
    await timeDnsQueries(address, name, 1); // the answer is cached from here on
    samples = await timeDnsQueries(address, name, count, { timeoutMs: 1000 });
  } catch {
    lossPercent = 100; // no answer: the history records the loss, the report flags it
  }
  return { suite: 'bench', metric: 'dns-resolve', unit: 'ms', from: 'host', to: 'dns', family: familyOf(address), samples, summary: summarize(samples), lossPercent };
}

async function measureTcp(from: LabNode, to: LabNode, target: FamilyTarget, seconds: number): Promise<Measurement> {
  const result = await iperf(from, target.address, { protocol: 'tcp', seconds });
  return { suite: 'bench', metric: 'tcp-throughput', unit: 'bitsPerSec', from: from.name, to: to.name, family: target.family, samples: result.intervalBitsPerSec, summary: summarize(result.intervalBitsPerSec) };
}

async function measureUdp(from: LabNode, to: LabNode, target: FamilyTarget, options: BenchRunOptions): Promise<Measurement[]> {
  const rounds = [];
  for (let round = 0; round < options.udpRounds; round++) rounds.push(await iperf(from, target.address, { protocol: 'udp', seconds: 1, udpRateBitsPerSec: options.udpRateBitsPerSec }));
  const samples = rounds.flatMap((round) => round.intervalBitsPerSec);
  const losses = rounds.map((round) => round.lossPercent ?? 100).sort((a, b) => a - b);
  const jitters = rounds.flatMap((round) => (round.jitterMs === undefined ? [] : [round.jitterMs]));
  const head = { suite: 'bench', from: from.name, to: to.name, family: target.family };
  return [
    { ...head, metric: 'udp-throughput', unit: 'bitsPerSec', samples, summary: summarize(samples), lossPercent: losses[Math.floor(losses.length / 2)] },
    { ...head, metric: 'udp-jitter', unit: 'ms', samples: jitters, summary: summarize(jitters) },
  ];
}
