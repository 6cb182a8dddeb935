import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_EFFECT, floorBand, metricClassOf, noiseFloor, runSpreadSigma } from './noise-floor.ts';

const SETTINGS = { thresholdPercent: 20, spreadK: 3, minBaselineRuns: 5 };

describe('noise floor', () => {
  it('takes the largest of the relative threshold, the minimum effect and k × the runs’ spread', () => {
    // 0.08 ms RTT: 20% is 16 µs, the RTT minimum effect of 50 µs wins.
    expect(noiseFloor(DEFAULT_MIN_EFFECT.rtt, [0.08, 0.081, 0.079, 0.08, 0.082, 0.078], SETTINGS)).toMatchObject({ rule: 'min-effect', amount: 0.05, lowConfidence: false });
    // 2 ms DNS, quiet runs: the 20% threshold (0.4 ms) wins over 0.2 ms.
    expect(noiseFloor(DEFAULT_MIN_EFFECT.dns, [2, 2.01, 1.99, 2, 2.02], SETTINGS)).toMatchObject({ rule: 'threshold' });
    // Noisy runs: the spread wins and grows with it.
    const noisy = noiseFloor(DEFAULT_MIN_EFFECT.dns, [2, 2.6, 1.5, 2.3, 1.7, 2.4], SETTINGS);
    expect(noisy.rule).toBe('spread');
    expect(noisy.amount).toBeCloseTo(noisy.spread!, 12);
    expect(noisy.amount).toBeGreaterThan(1);
  });

  it('computes the spread as a ratio: a throughput swinging 4–12 Gbit/s still has a floor well below its centre', () => {
    // Seven real healthy runs of alpha -> beta TCP on a loaded 2-core host (bits/s).
    const runs = [8.95e9, 7.06e9, 6.05e9, 3.67e9, 12.2e9, 9.54e9, 9.62e9];
    const floor = noiseFloor(DEFAULT_MIN_EFFECT.throughput, runs, SETTINGS, false);
    expect(floor).toMatchObject({ rule: 'spread', spreadScale: 'ratio' });
    expect(floor.amount).toBeLessThan(8.95e9 - 20e6); // a link throttled to 20 Mbit/s is beyond it
    expect(floor.betterAmount).toBeGreaterThan(floor.amount); // and the band is wider upwards
    expect(floorBand(8.95e9, floor, false).low).toBeGreaterThan(0);
  });

  it('doubles the minimums and drops the spread term below the minimum of runs (low confidence)', () => {
    const few = noiseFloor(DEFAULT_MIN_EFFECT.rtt, [0.08, 0.09, 0.085], SETTINGS);
    expect(few).toMatchObject({ lowConfidence: true, absolute: 0.1, runCount: 3 });
    expect(few.spread).toBeUndefined();
    expect(noiseFloor(DEFAULT_MIN_EFFECT.rtt, [0.08, 0.09, 0.085], { ...SETTINGS, minBaselineRuns: 3 })).toMatchObject({ lowConfidence: false, absolute: 0.05 });
  });

  it('estimates the runs’ σ without collapsing when most runs tie', () => {
    // MAD is 0 here; the mean absolute deviation still sees the two outlying runs.
    expect(runSpreadSigma([1, 1, 1, 1.3, 0.7])).toBeGreaterThan(0.1);
    expect(runSpreadSigma([1, 2, 3, 4, 100])).toBeCloseTo(Math.max(1.4826, (1.2533 * (2 + 1 + 0 + 1 + 97)) / 5), 6);
    expect(runSpreadSigma([1])).toBeNaN();
  });

  it('maps metrics to classes', () => {
    expect(['icmp-rtt', 'dns-resolve', 'tcp-throughput', 'udp-throughput', 'udp-jitter'].map((m) => metricClassOf(m as never))).toEqual(['rtt', 'dns', 'throughput', 'throughput', 'jitter']);
  });
});
