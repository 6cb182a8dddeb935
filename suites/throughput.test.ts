import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { iperf } from '../lib/probe/iperf.ts';
import { summarize } from '../lib/report/measurement.ts';
import { accelMode, liveLab, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { measureInRounds } from './support/rounds.ts';

const lab = await liveLab();
const { throughput } = lab.state.topology.budgets;
const mode = accelMode(lab);
const log = new MeasurementLog('throughput');
afterAll(() => log.write());

/** Pairs between containers and between VMs and containers (iperf3 runs in both kinds of node). */
const pairs = orderedPairs(lab.nodes).filter(([from, to]) => ['containerContainer', 'vmContainer'].includes(pairClass(from, to)));

function floorFor(from: LabNode, to: LabNode): { bitsPerSec: number; name: string } {
  if (pairClass(from, to) === 'containerContainer') return { bitsPerSec: throughput.containerContainerBitsPerSec, name: 'containerContainer' };
  return mode === 'tcg'
    ? { bitsPerSec: throughput.vmContainerEmulatedBitsPerSec, name: 'vmContainerEmulated (VMs emulated, no KVM)' }
    : { bitsPerSec: throughput.vmContainerBitsPerSec, name: 'vmContainer' };
}

const mbit = (bps: number) => `${(bps / 1e6).toFixed(1)} Mbit/s`;

for (const [from, to] of pairs) describe(`throughput: ${from.name} -> ${to.name}`, () => {
  const floor = floorFor(from, to);
  it(`tcp >= ${mbit(floor.bitsPerSec)} (${floor.name})`, async ({ task }) => {
    const { last: result } = await measureInRounds(() => iperf(from, to.ip, { protocol: 'tcp', seconds: 2 }), (r) => r.bitsPerSec >= floor.bitsPerSec);
    const passed = result.bitsPerSec >= floor.bitsPerSec;
    log.add({ suite: 'throughput', metric: 'tcp-throughput', unit: 'bitsPerSec', from: from.name, to: to.name, samples: result.intervalBitsPerSec, summary: summarize(result.intervalBitsPerSec), budget: { limit: floor.bitsPerSec, kind: 'min-value', passed } });
    task.meta.figure = mbit(result.bitsPerSec);
    expect(result.bitsPerSec, `${from.name} -> ${to.name} tcp ${mbit(result.bitsPerSec)} below floor ${mbit(floor.bitsPerSec)}`).toBeGreaterThanOrEqual(floor.bitsPerSec);
  });

  it(`udp at ${mbit(throughput.udpRateBitsPerSec)}: loss <= ${throughput.udpMaxLossPercent}%`, async ({ task }) => {
    const { last: result } = await measureInRounds(
      () => iperf(from, to.ip, { protocol: 'udp', seconds: 2, udpRateBitsPerSec: throughput.udpRateBitsPerSec }),
      (r) => (r.lossPercent ?? 100) <= throughput.udpMaxLossPercent,
    );
    const loss = result.lossPercent ?? 100;
    log.add({ suite: 'throughput', metric: 'udp-throughput', unit: 'bitsPerSec', from: from.name, to: to.name, samples: result.intervalBitsPerSec, summary: summarize(result.intervalBitsPerSec), lossPercent: loss, budget: { limit: throughput.udpMaxLossPercent, kind: 'max-loss', passed: loss <= throughput.udpMaxLossPercent } });
    if (result.jitterMs !== undefined) log.add({ suite: 'throughput', metric: 'udp-jitter', unit: 'ms', from: from.name, to: to.name, samples: [result.jitterMs], summary: summarize([result.jitterMs]) });
    task.meta.figure = `${mbit(result.bitsPerSec)}, loss ${loss.toFixed(2)}%, jitter ${result.jitterMs?.toFixed(3)} ms`;
    expect(loss, `${from.name} -> ${to.name} udp loss ${loss}% at ${mbit(throughput.udpRateBitsPerSec)}`).toBeLessThanOrEqual(throughput.udpMaxLossPercent);
  });
});
