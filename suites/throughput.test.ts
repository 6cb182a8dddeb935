import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { accelMode, hasProbeTools, liveLab, noToolsReason, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY, FLOOR_POLICY } from '../lib/measure/budget-rounds.ts';
import { tcpFloor, udpLossCeiling } from '../lib/measure/lab-checks.ts';
import { tcpNearRate } from '../lib/measure/impaired-checks.ts';
import { pathImpairment, widenedLossCeiling } from '../lib/measure/impaired-path.ts';

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
  // An impaired link is held to what its impairment promises, not to the default budgets.
  const path = pathImpairment(lab.state.topology, from.name, to.name);
  const cap = path?.rateBitsPerSec;
  // UDP at half a rate cap: the loss check measures the link's loss, not the cap's queue overflowing.
  const udpRate = cap === undefined ? throughput.udpRateBitsPerSec : Math.min(throughput.udpRateBitsPerSec, cap / 2);
  const udpMaxLoss = widenedLossCeiling(throughput.udpMaxLossPercent, path?.oneWayLossPercent ?? 0);
  // A delayed path's TCP throughput depends on how fast its window grows, not on the link: no floor holds for it.
  const delayedOnly = path !== undefined && cap === undefined && path.addedRttMs > 0;
  // On a path that also adds delay TCP may stay below the cap: only the cap is held there (see tcpNearRate).
  const delayed = path !== undefined && path.addedRttMs > 0;
  if (delayedOnly) it.skip(`tcp floor (skipped: ${path.impairedNodes.join(', ')}'s link adds ${path.addedRttMs} ms per round trip and no rate cap; its throughput is the window's, not the link's)`, () => {});
  else if (cap !== undefined) it(`tcp ${delayed ? '<=' : '='} ${mbit(cap)} rate cap's goodput ${delayed ? '+10% (delayed path: the cap holds)' : '±10%'} (median of >= 3 1 s rounds, impaired link)`, async ({ task }) => {
    const outcome = await tcpNearRate(from, to, { ...path!, rateBitsPerSec: cap });
    outcome.measurements.forEach((measurement) => log.add(measurement));
    task.meta.figure = `${mbit(outcome.value)} (median of ${outcome.rounds.length} rounds)`;
    expect(outcome.passed, `${from.name} -> ${to.name} tcp: ${outcome.summary}`).toBe(true);
  });
  else it(`tcp >= ${mbit(floor.bitsPerSec)} (best of up to ${FLOOR_POLICY.maxRounds} 1 s rounds, ${floor.name})`, async ({ task }) => {
    const { outcome, measurements } = await tcpFloor(lab, from, to, floor.bitsPerSec);
    measurements.forEach((measurement) => log.add(measurement));
    task.meta.figure = `${mbit(outcome.value)}${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    expect(outcome.passed, `${from.name} -> ${to.name} tcp: ${outcome.summary}`).toBe(true);
  });

  it(`udp at ${mbit(udpRate)}: loss <= ${udpMaxLoss}% (median of >= ${CEILING_POLICY.minRounds} 1 s rounds${path ? ', impaired link' : ''})`, async ({ task }) => {
    const { outcome, measurements } = await udpLossCeiling(lab, from, to, udpRate, udpMaxLoss);
    measurements.forEach((measurement) => log.add(measurement));
    const jitter = measurements.find((measurement) => measurement.metric === 'udp-jitter')?.samples ?? [];
    task.meta.figure = `loss ${outcome.value.toFixed(2)}% (median of ${outcome.rounds.length} rounds), jitter ${jitter.map((j) => j.toFixed(3)).join('/')} ms${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    expect(outcome.passed, `${from.name} -> ${to.name} udp at ${mbit(udpRate)}: ${outcome.summary}`).toBe(true);
  });
});
