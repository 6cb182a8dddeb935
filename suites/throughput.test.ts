import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { accelMode, hasProbeTools, liveLab, noToolsReason, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY, FLOOR_POLICY } from '../lib/measure/budget-rounds.ts';
import { tcpFloor, udpLossCeiling } from '../lib/measure/lab-checks.ts';

const lab = await liveLab();
const { throughput } = lab.state.topology.budgets;
const mode = accelMode(lab);
const log = new MeasurementLog('throughput');
afterAll(() => log.write());

/** Pairs between containers and between VMs and containers, among the nodes that have iperf3 (not a user's image). */
const measurable = lab.nodes.filter((node) => hasProbeTools(lab, node));
const pairs = orderedPairs(measurable, lab).filter(([from, to]) => ['containerContainer', 'vmContainer'].includes(pairClass(from, to)));
for (const node of lab.nodes.filter((n) => !measurable.includes(n))) {
  it.skip(`throughput to and from ${node.name} (${noToolsReason(lab, node).replace('(ping, wget, nc)', '(iperf3)')})`, () => {});
}

function floorFor(from: LabNode, to: LabNode): { bitsPerSec: number; name: string } {
  if (pairClass(from, to) === 'containerContainer') return { bitsPerSec: throughput.containerContainerBitsPerSec, name: 'containerContainer' };
  return mode === 'tcg'
    ? { bitsPerSec: throughput.vmContainerEmulatedBitsPerSec, name: 'vmContainerEmulated (VMs emulated, no KVM)' }
    : { bitsPerSec: throughput.vmContainerBitsPerSec, name: 'vmContainer' };
}

const mbit = (bps: number) => `${(bps / 1e6).toFixed(1)} Mbit/s`;

for (const [from, to] of pairs) describe(`throughput: ${from.name} -> ${to.name}`, () => {
  const floor = floorFor(from, to);
  it(`tcp >= ${mbit(floor.bitsPerSec)} (best of up to ${FLOOR_POLICY.maxRounds} 1 s rounds, ${floor.name})`, async ({ task }) => {
    const { outcome, measurements } = await tcpFloor(lab, from, to, floor.bitsPerSec);
    measurements.forEach((measurement) => log.add(measurement));
    task.meta.figure = `${mbit(outcome.value)}${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    expect(outcome.passed, `${from.name} -> ${to.name} tcp: ${outcome.summary}`).toBe(true);
  });

  it(`udp at ${mbit(throughput.udpRateBitsPerSec)}: loss <= ${throughput.udpMaxLossPercent}% (median of >= ${CEILING_POLICY.minRounds} 1 s rounds)`, async ({ task }) => {
    const { outcome, measurements } = await udpLossCeiling(lab, from, to, throughput.udpRateBitsPerSec, throughput.udpMaxLossPercent);
    measurements.forEach((measurement) => log.add(measurement));
    const jitter = measurements.find((measurement) => measurement.metric === 'udp-jitter')?.samples ?? [];
    task.meta.figure = `loss ${outcome.value.toFixed(2)}% (median of ${outcome.rounds.length} rounds), jitter ${jitter.map((j) => j.toFixed(3)).join('/')} ms${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    expect(outcome.passed, `${from.name} -> ${to.name} udp at ${mbit(throughput.udpRateBitsPerSec)}: ${outcome.summary}`).toBe(true);
  });
});
