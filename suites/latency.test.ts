import { afterAll, describe, expect, it } from 'vitest';
import type { LabNode } from '../lib/nodes/node.ts';
import { ping } from '../lib/probe/ping.ts';
import { summarize } from '../lib/report/measurement.ts';
import { accelMode, endpoints, hasProbeTools, liveLab, noToolsReason, orderedPairs, pairClass } from './support/lab.ts';
import { MeasurementLog } from './support/measurements.ts';
import { CEILING_POLICY } from '../lib/measure/budget-rounds.ts';
import { latencyCeiling } from '../lib/measure/lab-checks.ts';
import { rttNearDelay } from '../lib/measure/impaired-checks.ts';
import { pathImpairment, widenedLossCeiling } from '../lib/measure/impaired-path.ts';

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
  const unimpaired = budgetFor(from, to);
  // An impaired link is held to what its impairment promises, not to the default budgets.
  const path = pathImpairment(lab.state.topology, from.name, to.name);
  const budget = { ...unimpaired, maxLossPercent: widenedLossCeiling(unimpaired.maxLossPercent, path?.roundTripLossPercent ?? 0) };
  if (!hasProbeTools(lab, from)) {
    it.skip(`p95 <= ${budget.p95Ms} ms (${noToolsReason(lab, from)})`, () => {});
    return;
  }
  if (path && path.addedRttMs > 0) {
    it(`rtt = ${path.addedRttMs} ms added by the impairment ±10% (plus up to the ${budget.name} budget ${budget.p95Ms} ms; median of >= 3 rounds' fastest echo)`, async ({ task }) => {
      await ping(from, to.ip, { count: 1, waitSec: 2 + Math.ceil(path.addedRttMs / 1000) }); // warm ARP and caches
      const outcome = await rttNearDelay(from, to, path, { unimpairedP95Ms: budget.p95Ms });
      outcome.measurements.forEach((measurement) => log.add(measurement));
      const lossPercent = outcome.measurements[0].lossPercent ?? 100;
      task.meta.figure = `fastest echo ${outcome.value.toFixed(3)} ms (median of ${outcome.rounds.length} rounds), loss ${lossPercent.toFixed(1)}%`;
      expect(outcome.passed, `${from.name} -> ${to.name} (accel ${mode}): ${outcome.summary}`).toBe(true);
      expect(lossPercent, `${from.name} -> ${to.name}: loss ${lossPercent.toFixed(1)}% over the ceiling ${budget.maxLossPercent}% (impairment adds ${path.roundTripLossPercent.toFixed(1)}% per round trip)`).toBeLessThanOrEqual(budget.maxLossPercent);
    });
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
