import type { AccelMode, Measurement, MetricName, RunRecord } from '../measurement.ts';
import { summarize } from '../measurement.ts';

/** Mulberry32: a tiny seeded PRNG, so synthetic histories (and the tests on them) repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate from a uniform source (Box–Muller). */
export function normalFrom(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticPair {
  from: string;
  to: string;
  metric: MetricName;
  /** Typical value (median) in the metric's unit. */
  typical: number;
}

export interface SyntheticHistoryOptions {
  seed: number;
  runs: number;
  pairs: SyntheticPair[];
  samplesPerRun?: number;
  /** Log-scale σ of a whole run's shift (host load, placement): the noise single samples don't see. */
  runNoise?: number;
  /**
   * Log-scale σ of a random-walk step per run and pair: the level drifts from run to run (host
   * load, placement, caches), so neighbouring runs resemble each other more than distant ones.
   */
  driftStep?: number;
  /** Log-scale σ of single samples within a run. */
  sampleNoise?: number;
  /** Multiply one pair's values by `factor` from run index `fromRun` on (e.g. 1.5 = 50% slower). */
  inject?: { pairIndex: number; fromRun: number; factor: number };
  accelMode?: AccelMode;
  topologyHash?: string;
  startIso?: string;
  runIdPrefix?: string;
}

/** A history of runs with log-normal noise per run (optionally drifting) and per sample, optionally with a step change. */
export function syntheticHistory(options: SyntheticHistoryOptions): RunRecord[] {
  const random = seededRandom(options.seed);
  const samplesPerRun = options.samplesPerRun ?? 30;
  const runNoise = options.runNoise ?? 0.03;
  const sampleNoise = options.sampleNoise ?? 0.15;
  const start = Date.parse(options.startIso ?? '2026-11-01T00:00:00Z');
  const driftStep = options.driftStep ?? 0;
  const drift = options.pairs.map(() => 0);
  const runs: RunRecord[] = [];
  for (let runIndex = 0; runIndex < options.runs; runIndex++) {
    const measurements: Measurement[] = options.pairs.map((pair, pairIndex) => {
      const injected = options.inject && options.inject.pairIndex === pairIndex && runIndex >= options.inject.fromRun;
      if (driftStep > 0) drift[pairIndex] += driftStep * normalFrom(random);
      const center = pair.typical * (injected ? options.inject!.factor : 1) * Math.exp(drift[pairIndex] + runNoise * normalFrom(random));
      const samples = Array.from({ length: samplesPerRun }, () => center * Math.exp(sampleNoise * normalFrom(random)));
      const throughput = pair.metric === 'tcp-throughput' || pair.metric === 'udp-throughput';
      return { suite: 'latency', metric: pair.metric, unit: throughput ? 'bitsPerSec' : 'ms', from: pair.from, to: pair.to, samples, summary: summarize(samples) };
    });
    runs.push({
      context: {
        runId: `${options.runIdPrefix ?? 'run'}-${String(runIndex).padStart(3, '0')}`,
        startedAtIso: new Date(start + runIndex * 3_600_000).toISOString(),
        gitCommit: runIndex.toString(16).padStart(40, 'c'),
        topologyName: 'default',
        topologyHash: options.topologyHash ?? 'a1b2c3d4e5f6',
        accelMode: options.accelMode ?? 'kvm',
        hostKernel: '6.1.0-synthetic',
        toolVersion: '0.0.0-test',
        hostname: 'ci-runner',
      },
      measurements,
    });
  }
  return runs;
}
