import { describe, expect, it } from 'vitest';
import { summarize, type Measurement, type RunRecord } from '../measurement.ts';
import { compareRuns } from './build-report.ts';
import { DEFAULT_SETTINGS, pairKey } from './compare-pair.ts';
import { comparisonCells } from './render-text.ts';

const at = (center: number, extra: Partial<Measurement>): Measurement => {
  const samples = Array.from({ length: 20 }, (_, index) => center * (0.98 + (index % 5) / 100));
  return { suite: 'throughput', metric: 'udp-throughput', unit: 'bitsPerSec', from: 'a', to: 'b', samples, summary: summarize(samples), lossPercent: 0, ...extra };
};
const run = (id: string, measurements: Measurement[]): RunRecord => ({
  context: { runId: id, startedAtIso: '2026-12-01T07:00:00Z', topologyName: 't', topologyHash: 'h', accelMode: 'none', hostKernel: 'k', toolVersion: 'v', hostname: 'x' },
  measurements,
});
/** One run's UDP rows over both families (throughput with its loss, and jitter); IPv6 loses `v6LossPercent`. */
const dualStackRun = (id: string, v6LossPercent: number) =>
  run(id, [
    at(1e7, { family: 'ipv4' }),
    at(1e7, { family: 'ipv6', lossPercent: v6LossPercent }),
    at(0.05, { metric: 'udp-jitter', unit: 'ms', family: 'ipv4' }),
    at(0.05, { metric: 'udp-jitter', unit: 'ms', family: 'ipv6' }),
  ]);

describe('measurements per address family', () => {
  it('keys IPv6 apart from IPv4 and keeps the IPv4 key of older history (no family = IPv4)', () => {
    const base = { from: 'a', to: 'b', metric: 'icmp-rtt' } as const;
    expect(pairKey({ ...base, family: 'ipv4' })).toBe(pairKey(base));
    expect(pairKey({ ...base, family: 'ipv6' })).not.toBe(pairKey(base));
  });

  it('judges each family on its own row (IPv6 loss flagged, IPv4 not), jitter inside its own UDP row, and prints [v6]', () => {
    const baseline = Array.from({ length: 5 }, (_, i) => dualStackRun(`r${i}`, 0));
    const comparisons = compareRuns(dualStackRun('latest', 30), baseline, DEFAULT_SETTINGS);
    expect(comparisons.map((c) => [c.metric, c.family ?? 'ipv4', c.verdict, c.jitter ? 'jitter' : '-']).sort()).toEqual([
      ['udp-throughput', 'ipv4', 'unchanged', 'jitter'],
      ['udp-throughput', 'ipv6', 'regression', 'jitter'],
    ]);
    const v6 = comparisons.find((c) => c.family === 'ipv6')!;
    expect(comparisonCells(v6, DEFAULT_SETTINGS as never)[0]).toBe('a → b [v6]');
  });
});
