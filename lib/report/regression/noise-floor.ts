import type { MetricName } from '../measurement.ts';
import { madSigma, median, studentQuantileForZ } from './stats.ts';

/** Metrics whose changes are held to the same absolute minimum effect. */
export type MetricClass = 'rtt' | 'dns' | 'throughput' | 'jitter';

export const METRIC_CLASSES: readonly MetricClass[] = ['rtt', 'dns', 'throughput', 'jitter'];

export function metricClassOf(metric: MetricName): MetricClass {
  switch (metric) {
    case 'icmp-rtt':
      return 'rtt';
    case 'dns-resolve':
      return 'dns';
    case 'udp-jitter':
      return 'jitter';
    default:
      return 'throughput';
  }
}

/**
 * Smallest absolute change that can count, per class, in the class's unit (ms; bits/s for
 * throughput). Chosen for shared CI runners: container RTTs there drift by tens of µs from run to
 * run, DNS answers by a few hundred µs, UDP jitter by a tenth of a millisecond, and TCP throughput
 * on a veth by far more than 20 Mbit/s — a change below these is not something a run can show.
 */
export const DEFAULT_MIN_EFFECT: Record<MetricClass, number> = {
  rtt: 0.05,
  dns: 0.2,
  throughput: 20e6,
  jitter: 0.2,
};

export interface FloorSettings {
  /** Smallest relative change, in percent of the baseline centre. */
  thresholdPercent: number;
  minEffect: Record<MetricClass, number>;
  /** The spread term is k × the baseline runs' robust σ (as a prediction interval for one more run). */
  spreadK: number;
  /** Fewer baseline runs than this: relative and absolute minimums double, and a worse run is only "low confidence". */
  minBaselineRuns: number;
}

/** With fewer than minBaselineRuns runs the relative and absolute minimums are multiplied by this. */
export const LOW_CONFIDENCE_FACTOR = 2;

/** Which of the three candidates set the floor. */
export type FloorRule = 'threshold' | 'min-effect' | 'spread';

/** The smallest change that counts for one row, and where it came from. */
export interface NoiseFloor {
  /** On the worse side of the centre, in the metric's unit: a change that way must exceed this. */
  amount: number;
  rule: FloorRule;
  /** The same on the better side (improvements); differs from `amount` when the spread is a ratio. */
  betterAmount: number;
  relative: number;
  absolute: number;
  /** k·t·√(1+1/K)·σ̂ on the worse side; absent below 3 baseline runs and below the minimum of runs. */
  spread?: number;
  /** Robust σ of the runs' values: of ln(value) when all are positive (a ratio), else of the values. */
  runSigma?: number;
  spreadScale?: 'ratio' | 'linear';
  /** Fewer baseline runs than the minimum: minimums doubled, worse runs reported as low confidence. */
  lowConfidence: boolean;
  runCount: number;
}

/**
 * A robust σ of per-run values that does not collapse for few runs: the larger of MAD·1.4826 and
 * 1.2533 × mean absolute deviation from the median. MAD alone is 0 whenever half of 5 runs tie or
 * sit close together, which would make the floor vanish; the mean deviation sees every run.
 */
export function runSpreadSigma(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const center = median(values);
  const meanDeviation = values.reduce((sum, value) => sum + Math.abs(value - center), 0) / values.length;
  return Math.max(madSigma(values), 1.2533 * meanDeviation);
}

/**
 * The noise floor given the baseline runs' per-run values (oldest first), the absolute minimum
 * effect that applies (the metric class's, or the loss threshold in points) and which way is worse.
 *
 * The spread term is a prediction interval for one more run. Timings and throughput vary by
 * ratios from run to run (a loaded host halves throughput, it does not subtract a constant), so
 * for positive values it is computed on ln(value): the band is centre·e^(±w), wide upwards and
 * narrow downwards. A throughput that swings between 4 and 12 Gbit/s then still flags a link
 * throttled to 20 Mbit/s, which a symmetric band wider than the centre itself never could.
 */
export function noiseFloor(minEffect: number, runValues: readonly number[], settings: Omit<FloorSettings, 'minEffect'>, worseIsUp = true): NoiseFloor {
  const runCount = runValues.length;
  const lowConfidence = runCount < settings.minBaselineRuns;
  const factor = lowConfidence ? LOW_CONFIDENCE_FACTOR : 1;
  const center = median(runValues);
  const relative = (settings.thresholdPercent / 100) * Math.abs(center) * factor;
  const absolute = minEffect * factor;
  let spreadUp = 0;
  let spreadDown = 0;
  let spreadFacts: Pick<NoiseFloor, 'runSigma' | 'spreadScale'> = {};
  // Below the minimum of runs a spread estimate is itself noise (t for 3σ at 2 degrees of freedom
  // is 17): the doubled minimums stand in for it, and a worse run is only low confidence.
  if (runCount >= 3 && !lowConfidence) {
    const ratio = runValues.every((value) => value > 0);
    const runSigma = runSpreadSigma(ratio ? runValues.map(Math.log) : runValues);
    // t instead of z because σ comes from few runs; √(1 + 1/K) because the centre is estimated too.
    const width = studentQuantileForZ(settings.spreadK, runCount - 1) * Math.sqrt(1 + 1 / runCount) * runSigma;
    [spreadUp, spreadDown] = ratio ? [center * Math.expm1(width), -center * Math.expm1(-width)] : [width, width];
    spreadFacts = { runSigma, spreadScale: ratio ? 'ratio' : 'linear' };
  }
  const [worseSpread, betterSpread] = worseIsUp ? [spreadUp, spreadDown] : [spreadDown, spreadUp];
  const candidates: Array<[FloorRule, number]> = [['threshold', relative], ['min-effect', absolute], ['spread', worseSpread]];
  const [rule, amount] = candidates.reduce((best, candidate) => (candidate[1] > best[1] ? candidate : best));
  const betterAmount = Math.max(relative, absolute, betterSpread);
  const spread = spreadFacts.spreadScale ? { spread: worseSpread, ...spreadFacts } : {};
  return { amount, rule, betterAmount, relative, absolute, ...spread, lowConfidence, runCount };
}

/** centre − floor … centre + floor, each side with its own amount. */
export function floorBand(center: number, floor: NoiseFloor, worseIsUp: boolean): { low: number; high: number } {
  return worseIsUp ? { low: center - floor.betterAmount, high: center + floor.amount } : { low: center - floor.amount, high: center + floor.betterAmount };
}
