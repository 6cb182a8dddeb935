import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { ping } from '../lib/probe/ping.ts';
import { summarize } from '../lib/report/measurement.ts';
import { accelMode, endpoints, hasProbeTools, liveLab, noToolsReason, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY } from '../lib/measure/budget-rounds.ts';
import { latencyCeiling } from '../lib/measure/lab-checks.ts';

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

const pingsPerRound = Math.max(5, Math.ceil(budgets.pings / CEILING_POLICY.minRounds));

for (const [from, to] of orderedPairs(endpoints(lab), lab)) describe(`latency: ${from.name} -> ${to.name}`, () => {
  const budget = budgetFor(from, to);
  if (!hasProbeTools(lab, from)) {
    it.skip(`p95 <= ${budget.p95Ms} ms (${noToolsReason(lab, from)})`, () => {});
    return;
  }
  it(`p95 <= ${budget.p95Ms} ms, loss <= ${budget.maxLossPercent}% (median of >= ${CEILING_POLICY.minRounds} rounds of ${pingsPerRound} pings, ${budget.name})`, async ({ task }) => {
    await ping(from, to.ip, { count: 1 }); // warm ARP and caches
    const { outcome, measurements } = await latencyCeiling(lab, from, to, { ...budget, pings: budgets.pings });
    measurements.forEach((measurement) => log.add(measurement));
    const { lossPercent } = measurements[0];
    task.meta.figure = `p95 ${outcome.value.toFixed(3)} ms (median of ${outcome.rounds.length} rounds), loss ${lossPercent?.toFixed(1)}%${outcome.cause === 'within-budget' ? '' : `; ${outcome.cause}`}`;
    const seen = outcome.rounds.map((r, i) => `round ${i + 1}: min/p50/p95/max ${fmt(r.rttMs)} loss ${r.lossPercent}%`).join('\n');
    expect(outcome.passed, `${from.name} -> ${to.name} (${budget.name}, accel ${mode}, loss budget ${budget.maxLossPercent}%): ${outcome.summary}\n${seen}`).toBe(true);
  });
});

function fmt(samples: number[]): string {
  if (samples.length === 0) return '–';
  const s = summarize(samples);
  return [s.min, s.p50, s.p95, s.max].map((v) => v.toFixed(3)).join('/');
}

it(`reports the VM acceleration mode it measured under: ${mode}`, () => {
  expect(['kvm', 'tcg', 'none']).toContain(mode);
  if (lab.nodes.some((n) => n.kind === 'vm')) expect(mode).not.toBe('none');
});
