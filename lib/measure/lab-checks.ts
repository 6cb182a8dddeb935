/**
 * The suites' timing checks as library functions: each measures one lab pair in rounds with the
 * reference pair alongside (see budget-rounds.ts) and returns the outcome plus the Measurement
 * the latency history keeps. The suites assert on them; the gate's integration test breaks the
 * lab on purpose and checks that they fail, naming the lab, not the host.
 */
import { timeDnsQueries } from '../dns/client.ts';
import type { LiveLab } from '../lab/lab-nodes.ts';
import type { LabNode } from '../nodes/node.ts';
import { iperf, type ThroughputResult } from '../probe/iperf.ts';
import { ping, type PingResult } from '../probe/ping.ts';
import { summarize, type Measurement } from '../report/measurement.ts';
import { CEILING_POLICY, checkBudget, type BudgetOutcome } from './budget-rounds.ts';
import { referencePingP95 } from './reference-pair.ts';
import { familyOf, type AddressFamily } from '../topology/families.ts';

export interface CheckResult<T> {
  outcome: BudgetOutcome<T>;
  /** What the history records for this pair in this run. */
  measurements: Measurement[];
}

const mbit = (bps: number) => `${(bps / 1e6).toFixed(1)} Mbit/s`;

/** Where a pair check goes: the target's address in one family. Unset, IPv4 to the target's primary address. */
export interface CheckTarget {
  family: AddressFamily;
  address: string;
}

const ipv4To = (to: LabNode): CheckTarget => ({ family: 'ipv4', address: to.ip });

/** The reference pair's budget: host -> container p95 from the topology. */
function reference(lab: LiveLab) {
  return { reference: () => referencePingP95(lab), referenceLimit: lab.state.topology.budgets.latency.hostContainer.p95Ms };
}

/** Ping p95 ceiling (and a loss ceiling): median over ≥ 3 rounds, `pings` split across them. */
export async function latencyCeiling(lab: LiveLab, from: LabNode, to: LabNode, budget: { p95Ms: number; maxLossPercent: number; pings: number }, target: CheckTarget = ipv4To(to)): Promise<CheckResult<PingResult>> {
  const perRound = Math.max(5, Math.ceil(budget.pings / CEILING_POLICY.minRounds));
  const outcome = await checkBudget<PingResult>({
    kind: 'ceiling',
    measure: () => ping(from, target.address, { count: perRound, intervalSec: 0.02, family: target.family }),
    // A round that lost more than the budget allows counts as over the ceiling.
    statistic: (round) => (round.rttMs.length > 0 && round.lossPercent <= budget.maxLossPercent ? summarize(round.rttMs).p95 : Infinity),
    limit: budget.p95Ms,
    ...reference(lab),
    format: (ms) => (Number.isFinite(ms) ? `${ms.toFixed(3)} ms` : 'lost'),
  });
  const samples = outcome.rounds.flatMap((round) => round.rttMs);
  const sent = outcome.rounds.reduce((sum, round) => sum + round.sent, 0);
  const lossPercent = sent === 0 ? 100 : (100 * (sent - samples.length)) / sent;
  const budgetNote = { limit: budget.p95Ms, kind: 'max-p95' as const, passed: outcome.passed };
  return { outcome, measurements: [{ suite: 'latency', metric: 'icmp-rtt', unit: 'ms', from: from.name, to: to.name, family: target.family, samples, summary: summarize(samples), lossPercent, budget: budgetNote }] };
}

/** Cached DNS answer time (p50 of 10 queries per round) ceiling, host -> the lab DNS (at its IPv4 address unless `server` is another). */
export async function dnsTimeCeiling(lab: LiveLab, name: string, limitMs: number, server = lab.state.topology.dns.address): Promise<CheckResult<number[]> & { errors: string[] }> {
  const errors: string[] = [];
  const outcome = await checkBudget<number[]>({
    kind: 'ceiling',
    // A round without an answer (dnsmasq paused or gone) has no p50: it counts as over the ceiling.
    measure: () => timeDnsQueries(server, name, 10, { timeoutMs: 1000 }).catch((error: Error) => (errors.push(error.message), [])),
    statistic: (times) => (times.length > 0 ? summarize(times).p50 : NaN),
    limit: limitMs,
    ...reference(lab),
    format: (ms) => (Number.isFinite(ms) ? `${ms.toFixed(3)} ms` : 'no answer'),
  });
  const samples = outcome.rounds.flat();
  const budgetNote = { limit: limitMs, kind: 'max-p95' as const, passed: outcome.passed };
  return { outcome, errors: [...new Set(errors)], measurements: [{ suite: 'dns', metric: 'dns-resolve', unit: 'ms', from: 'host', to: 'dns', family: familyOf(server), samples, summary: summarize(samples), budget: budgetNote }] };
}

/** TCP throughput floor: best of up to 4 one-second iperf3 rounds. */
export async function tcpFloor(lab: LiveLab, from: LabNode, to: LabNode, bitsPerSec: number, target: CheckTarget = ipv4To(to)): Promise<CheckResult<ThroughputResult>> {
  const outcome = await checkBudget<ThroughputResult>({
    kind: 'floor',
    measure: () => iperf(from, target.address, { protocol: 'tcp', seconds: 1 }),
    statistic: (round) => round.bitsPerSec,
    limit: bitsPerSec,
    ...reference(lab),
    format: mbit,
  });
  const best = outcome.rounds[outcome.roundValues.indexOf(outcome.value)] ?? outcome.rounds[0];
  const budgetNote = { limit: bitsPerSec, kind: 'min-value' as const, passed: outcome.passed };
  const samples = best.intervalBitsPerSec;
  return { outcome, measurements: [{ suite: 'throughput', metric: 'tcp-throughput', unit: 'bitsPerSec', from: from.name, to: to.name, family: target.family, samples, summary: summarize(samples), budget: budgetNote }] };
}

/** UDP loss ceiling at a set rate: median over ≥ 3 one-second rounds; also records jitter. */
export async function udpLossCeiling(lab: LiveLab, from: LabNode, to: LabNode, rateBitsPerSec: number, maxLossPercent: number, target: CheckTarget = ipv4To(to)): Promise<CheckResult<ThroughputResult>> {
  const outcome = await checkBudget<ThroughputResult>({
    kind: 'ceiling',
    measure: () => iperf(from, target.address, { protocol: 'udp', seconds: 1, udpRateBitsPerSec: rateBitsPerSec }),
    statistic: (round) => round.lossPercent ?? 100,
    limit: maxLossPercent,
    ...reference(lab),
    format: (loss) => `${loss.toFixed(2)}% loss`,
  });
  const samples = outcome.rounds.flatMap((round) => round.intervalBitsPerSec);
  const budgetNote = { limit: maxLossPercent, kind: 'max-loss' as const, passed: outcome.passed };
  const measurements: Measurement[] = [
    { suite: 'throughput', metric: 'udp-throughput', unit: 'bitsPerSec', from: from.name, to: to.name, family: target.family, samples, summary: summarize(samples), lossPercent: Math.min(100, outcome.value), budget: budgetNote },
  ];
  const jitters = outcome.rounds.flatMap((round) => (round.jitterMs === undefined ? [] : [round.jitterMs]));
  if (jitters.length > 0) measurements.push({ suite: 'throughput', metric: 'udp-jitter', unit: 'ms', from: from.name, to: to.name, family: target.family, samples: jitters, summary: summarize(jitters) });
  return { outcome, measurements };
}
