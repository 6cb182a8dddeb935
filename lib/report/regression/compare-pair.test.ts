import { describe, expect, it } from 'vitest';
import { summarize, type Measurement } from '../measurement.ts';
import { compareRuns } from './build-report.ts';
import { comparePair, DEFAULT_SETTINGS } from './compare-pair.ts';
import { syntheticHistory, type SyntheticPair } from './synthetic-history.ts';

const PAIRS: SyntheticPair[] = [
  { from: 'host', to: 'web', metric: 'icmp-rtt', typical: 0.4 },
  { from: 'vm1', to: 'web', metric: 'icmp-rtt', typical: 1.2 },
  { from: 'vm1', to: 'dns', metric: 'dns-resolve', typical: 2 },
  { from: 'vm1', to: 'web', metric: 'tcp-throughput', typical: 9e8 },
];

/** Judges run 10 of an 11-run synthetic history against the 10 before it. */
function judgeLastRun(seed: number, inject?: { pairIndex: number; factor: number }, thresholdPercent = 20) {
  const runs = syntheticHistory({ seed, runs: 11, pairs: PAIRS, runNoise: 0.05, inject: inject && { ...inject, fromRun: 10 } });
  return compareRuns(runs[10], runs.slice(0, 10), { ...DEFAULT_SETTINGS, thresholdPercent });
}

function measurement(samples: number[], extra: Partial<Measurement> = {}): Measurement {
  return { suite: 'latency', metric: 'icmp-rtt', unit: 'ms', from: 'a', to: 'b', samples, summary: summarize(samples), ...extra };
}

describe('comparing a run with its baseline', () => {
  it('flags an injected 50% latency regression on exactly that pair', () => {
    const comparisons = judgeLastRun(42, { pairIndex: 1, factor: 1.5 });
    const regressions = comparisons.filter((comparison) => comparison.verdict === 'regression');
    expect(regressions.map((comparison) => `${comparison.from}>${comparison.to}:${comparison.metric}`)).toEqual(['vm1>web:icmp-rtt']);
    expect(regressions[0].changePercent).toBeGreaterThan(30);
    expect(regressions[0].reason).toMatch(/worse by .*outside the baseline band/);
  });

  it('keeps the false-positive rate on pure noise below 5% (200 seeded trials, 4 pairs each)', () => {
    let runsWithFalseAlarm = 0;
    for (let seed = 1; seed <= 200; seed++) {
      if (judgeLastRun(seed).some((comparison) => comparison.verdict !== 'unchanged')) runsWithFalseAlarm++;
    }
    // Measured: 2 of 200 at these settings (5% run-to-run noise, 15% sample noise, threshold 20%).
    expect(runsWithFalseAlarm / 200).toBeLessThan(0.05);
  });

  it('catches a 50% regression in at least 95% of 200 seeded trials', () => {
    let caught = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const comparisons = judgeLastRun(seed, { pairIndex: 2, factor: 1.5 });
      if (comparisons.some((comparison) => comparison.verdict === 'regression' && comparison.metric === 'dns-resolve')) caught++;
    }
    expect(caught / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('treats lower throughput as a regression and lower latency as an improvement', () => {
    const slower = judgeLastRun(5, { pairIndex: 3, factor: 0.5 }).find((comparison) => comparison.metric === 'tcp-throughput');
    expect(slower).toMatchObject({ verdict: 'regression', direction: 'higher-is-better' });
    const faster = judgeLastRun(5, { pairIndex: 0, factor: 0.5 }).find((comparison) => comparison.from === 'host');
    expect(faster).toMatchObject({ verdict: 'improvement' });
    const fasterThroughput = judgeLastRun(5, { pairIndex: 3, factor: 1.6 }).find((comparison) => comparison.metric === 'tcp-throughput');
    expect(fasterThroughput).toMatchObject({ verdict: 'improvement' });
  });

  it('does not flag a significant change smaller than the threshold', () => {
    const comparison = judgeLastRun(9, { pairIndex: 1, factor: 1.3 }, 40).find((c) => c.from === 'vm1' && c.metric === 'icmp-rtt');
    expect(comparison?.verdict).toBe('unchanged');
    expect(comparison?.reason).toMatch(/within the 40% threshold/);
  });

  it('does not flag a single outlier sample (the test looks at distributions)', () => {
    const baseline = [measurement([1, 1.1, 0.9, 1.05, 0.95, 1, 1.02, 0.98, 1.01, 0.99])];
    const comparison = comparePair(measurement([1, 1.1, 0.9, 1.05, 0.95, 1, 1.02, 0.98, 1.01, 50]), baseline, DEFAULT_SETTINGS);
    expect(comparison.verdict).toBe('unchanged');
  });

  it('needs significance when there is only one baseline run (no band)', () => {
    const noisy = comparePair(measurement([1, 3]), [measurement([1, 1.2])], DEFAULT_SETTINGS);
    expect(noisy).toMatchObject({ verdict: 'unchanged' });
    expect(noisy.reason).toMatch(/not significant/);
    const clear = comparePair(
      measurement(Array.from({ length: 30 }, (_, index) => 2 + index / 100)),
      [measurement(Array.from({ length: 30 }, (_, index) => 1 + index / 100))],
      DEFAULT_SETTINGS,
    );
    expect(clear.verdict).toBe('regression');
    expect(clear.baseline?.band).toBeUndefined();
  });

  it('flags a loss increase beyond the loss threshold even when latency holds', () => {
    const samples = [1, 1.1, 0.9, 1.05, 0.95];
    const comparison = comparePair(measurement(samples, { lossPercent: 12 }), [measurement(samples, { lossPercent: 0 })], DEFAULT_SETTINGS);
    expect(comparison).toMatchObject({ verdict: 'regression', reason: expect.stringMatching(/loss rose by 12\.0 points/) });
  });

  it('flags total loss (no samples at all) as a regression, not as a new pair', () => {
    const comparison = comparePair(measurement([], { lossPercent: 100 }), [measurement([1, 1.1, 0.9], { lossPercent: 0 })], DEFAULT_SETTINGS);
    expect(comparison).toMatchObject({ verdict: 'regression', reason: expect.stringMatching(/loss rose by 100\.0 points to 100\.0%/) });
  });

  it('copes with a zero baseline (e.g. 0 ms jitter) without dividing by zero', () => {
    const zeros = Array.from({ length: 20 }, () => 0);
    expect(comparePair(measurement(zeros, { metric: 'udp-jitter' }), [measurement(zeros, { metric: 'udp-jitter' })], DEFAULT_SETTINGS)).toMatchObject({
      verdict: 'unchanged',
      changePercent: 0,
    });
    const risen = comparePair(measurement(zeros.map(() => 0.5), { metric: 'udp-jitter' }), [measurement(zeros, { metric: 'udp-jitter' })], DEFAULT_SETTINGS);
    expect(risen).toMatchObject({ verdict: 'regression', changePercent: Infinity, reason: expect.stringMatching(/worse from zero/) });
  });

  it('reports pairs only one side measured as new or missing', () => {
    const runs = syntheticHistory({ seed: 1, runs: 2, pairs: PAIRS });
    runs[1].measurements.pop();
    runs[1].measurements.push(measurement([1, 2, 3], { from: 'vm2', to: 'web' }));
    const verdicts = compareRuns(runs[1], [runs[0]], DEFAULT_SETTINGS).map((comparison) => `${comparison.from}>${comparison.to}:${comparison.verdict}`);
    expect(verdicts).toContain('vm2>web:new');
    expect(verdicts).toContain('vm1>web:missing');
  });
});
