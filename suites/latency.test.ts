import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { ping, type PingResult } from '../lib/probe/ping.ts';
import { summarize, type Measurement } from '../lib/report/measurement.ts';
import { accelMode, endpoints, liveLab, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { measureInRounds } from './support/rounds.ts';

const lab = await liveLab();
const { budgets } = lab.state.topology;
const mode = accelMode(lab);
const log = new MeasurementLog('latency');
afterAll(() => log.write());

/** The budget a pair is held to; VM pairs get the emulated budget when VMs run under TCG. */
function budgetFor(from: LabNode, to: LabNode): { p95Ms: number; maxLossPercent: number; name: string } {
  const latency = budgets.latency;
  switch (pairClass(from, to)) {
    case 'hostContainer':
      return { ...latency.hostContainer, name: 'hostContainer' };
    case 'containerContainer':
      return { ...latency.containerContainer, name: 'containerContainer' };
    default:
      return mode === 'tcg' ? { ...latency.vmContainerEmulated, name: 'vmContainerEmulated (VMs emulated, no KVM)' } : { ...latency.vmContainer, name: 'vmContainer' };
  }
}

for (const [from, to] of orderedPairs(endpoints(lab))) describe(`latency: ${from.name} -> ${to.name}`, () => {
  const budget = budgetFor(from, to);
  it(`p95 <= ${budget.p95Ms} ms, loss <= ${budget.maxLossPercent}% over ${budgets.pings} pings (${budget.name})`, async ({ task }) => {
    await ping(from, to.ip, { count: 1 }); // warm ARP and caches
    const passes = (result: PingResult) => result.rttMs.length > 0 && summarize(result.rttMs).p95 <= budget.p95Ms && result.lossPercent <= budget.maxLossPercent;
    const { last, all: rounds } = await measureInRounds(() => ping(from, to.ip, { count: budgets.pings, intervalSec: 0.05 }), passes);
    const measurement: Measurement = { suite: 'latency', metric: 'icmp-rtt', unit: 'ms', from: from.name, to: to.name, samples: last.rttMs, summary: summarize(last.rttMs), lossPercent: last.lossPercent, budget: { limit: budget.p95Ms, kind: 'max-p95', passed: passes(last) } };
    log.add(measurement);
    const { summary, lossPercent } = measurement;
    task.meta.figure = `p50 ${summary.p50?.toFixed(3)} ms, p95 ${summary.p95?.toFixed(3)} ms, loss ${lossPercent}%${rounds.length > 1 ? ` (round ${rounds.length})` : ''}`;
    const seen = rounds.map((r, i) => `round ${i + 1}: min/p50/p95/max ${fmt(r.rttMs)} loss ${r.lossPercent}%`).join('\n');
    expect(lossPercent, `${from.name} -> ${to.name}: loss ${lossPercent}% over budget ${budget.maxLossPercent}%\n${seen}`).toBeLessThanOrEqual(budget.maxLossPercent);
    expect(summary.p95, `${from.name} -> ${to.name}: p95 ${summary.p95.toFixed(3)} ms over budget ${budget.p95Ms} ms (${budget.name}, accel ${mode})\n${seen}`).toBeLessThanOrEqual(budget.p95Ms);
  });
});

function fmt(samples: number[]): string {
  const s = summarize(samples);
  return [s.min, s.p50, s.p95, s.max].map((v) => v.toFixed(3)).join('/');
}

it(`reports the VM acceleration mode it measured under: ${mode}`, () => {
  expect(['kvm', 'tcg', 'none']).toContain(mode);
  if (lab.nodes.some((n) => n.kind === 'vm')) expect(mode).not.toBe('none');
});
