import type { Measurement } from '../measurement.ts';
import type { Direction } from './metric-direction.ts';
import { formatValue } from './metric-direction.ts';
import { floorBand, noiseFloor, type FloorSettings, type MetricClass, type NoiseFloor } from './noise-floor.ts';
import { mannWhitneyU, median, quantile } from './stats.ts';

/** Which per-run number the effect size and the baseline band use. */
export type Statistic = 'p50' | 'p95';

export type Verdict = 'regression' | 'low-confidence' | 'improvement' | 'unchanged' | 'new' | 'missing';

export interface JudgeSettings extends FloorSettings {
  /** Significance level of the Mann–Whitney U veto on raw samples. */
  alpha: number;
  statistic: Statistic;
  /** Loss increase, in percentage points, that counts (doubled below the minimum of baseline runs). */
  lossThresholdPoints: number;
}

export interface BaselineSide {
  runCount: number;
  sampleCount: number;
  /** The centre: median of the baseline runs' per-run statistic. */
  value: number;
  /** p95 of the pooled baseline samples (for display). */
  p95: number;
  /** Per-run values of the statistic, oldest first. */
  runValues: number[];
  /** centre ± noise floor: where a run must land to count as unchanged. */
  band: { low: number; high: number };
  lossPercent?: number;
}

export interface LatestSide {
  sampleCount: number;
  value: number;
  p95: number;
  lossPercent?: number;
}

/** The judgement of one number of a pair (its metric's statistic, or its jitter). */
export interface ValueJudgement {
  baseline: BaselineSide;
  latest: LatestSide;
  /** Relative change of the statistic, latest vs the baseline centre, in percent. */
  changePercent: number;
  /** Mann–Whitney p on raw samples; absent when either side has fewer than 5 samples. */
  pValue?: number;
  floor: NoiseFloor;
  verdict: Verdict;
  reason: string;
}

export interface LossJudgement {
  baselinePercent: number;
  latestPercent: number;
  risePoints: number;
  floorPoints: number;
  lowConfidence: boolean;
  verdict: Verdict;
  reason: string;
}

/** Fewer raw samples than this on either side and the Mann–Whitney veto is not used (it has no power). */
const MIN_SAMPLES_FOR_VETO = 5;

/** The per-run statistic of one measurement's samples. */
export function statisticOf(samples: readonly number[], statistic: Statistic): number {
  return quantile(samples, statistic === 'p50' ? 0.5 : 0.95);
}

/**
 * The run is the unit of replication: the latest run's statistic is compared with the
 * distribution of the baseline runs' statistics. It counts only beyond the noise floor (the
 * largest of the relative threshold, the class's minimum effect and k × the runs' spread); raw
 * samples can then still veto (Mann–Whitney p ≥ α) but never flag on their own.
 */
export function judgeValue(
  latest: Measurement,
  baseline: readonly Measurement[],
  metricClass: MetricClass,
  direction: Direction,
  settings: JudgeSettings,
): ValueJudgement {
  const runValues = baseline.map((measurement) => statisticOf(measurement.samples, settings.statistic)).filter(Number.isFinite);
  const worseIsUp = direction === 'lower-is-better';
  const floor = noiseFloor(settings.minEffect[metricClass], runValues, settings, worseIsUp);
  const center = median(runValues);
  const baselineSide = describeBaseline(baseline, runValues, center, floorBand(center, floor, worseIsUp));
  const latestSide = describeLatest(latest, settings.statistic);
  const delta = latestSide.value - center;
  const changePercent = relativeChangePercent(latestSide.value, center);
  const pooled = baseline.flatMap((measurement) => measurement.samples);
  const pValue = latest.samples.length >= MIN_SAMPLES_FOR_VETO && pooled.length >= MIN_SAMPLES_FOR_VETO ? mannWhitneyU(latest.samples, pooled).pValue : undefined;
  const head = { baseline: baselineSide, latest: latestSide, changePercent, ...(pValue === undefined ? {} : { pValue }), floor };
  const stat = settings.statistic;
  const worse = worseIsUp ? delta > 0 : delta < 0;
  const sign = worseIsUp === worse ? '+' : '−';
  const floorText = `${sign}${formatValue(worse ? floor.amount : floor.betterAmount, latest.unit)} (${describeRule(floor, settings)})`;
  if (!(Math.abs(delta) > (worse ? floor.amount : floor.betterAmount))) {
    const band = `${formatValue(baselineSide.band.low, latest.unit)} … ${formatValue(baselineSide.band.high, latest.unit)}`;
    return { ...head, verdict: 'unchanged', reason: `${stat} within the noise floor ${band} (worse side ${worseIsUp ? '+' : '−'}${formatValue(floor.amount, latest.unit)}, ${describeRule(floor, settings)})` };
  }
  if (pValue !== undefined && pValue >= settings.alpha) {
    return { ...head, verdict: 'unchanged', reason: `${stat} moved beyond ${floorText}, but the raw samples do not differ (Mann–Whitney p=${pValue.toPrecision(2)} ≥ ${settings.alpha})` };
  }
  const size = Number.isFinite(changePercent) ? `${Math.abs(changePercent).toFixed(1)}%` : `${formatValue(Math.abs(delta), latest.unit)} from zero`;
  const what = `${stat} ${worse ? 'worse' : 'better'} by ${size} (${formatValue(latestSide.value, latest.unit)} vs ${formatValue(center, latest.unit)} over ${runValues.length} run(s)), beyond the noise floor ${floorText}`;
  if (!worse) return { ...head, verdict: 'improvement', reason: what };
  if (floor.lowConfidence) return { ...head, verdict: 'low-confidence', reason: `${what}; low confidence: only ${runValues.length} baseline run(s), fewer than ${settings.minBaselineRuns}` };
  return { ...head, verdict: 'regression', reason: what };
}

/** Packet loss of the latest run against the baseline runs' median loss, with its own floor in points. */
export function judgeLoss(latest: Measurement, baseline: readonly Measurement[], settings: JudgeSettings): LossJudgement | undefined {
  if (latest.lossPercent === undefined) return undefined;
  const losses = baseline.map((measurement) => measurement.lossPercent).filter((loss): loss is number => loss !== undefined);
  const baselinePercent = losses.length > 0 ? median(losses) : 0;
  // Loss is a share of probes: the points threshold is its minimum effect, no relative threshold.
  const floor = noiseFloor(settings.lossThresholdPoints, losses, { ...settings, thresholdPercent: 0 }, true);
  const risePoints = latest.lossPercent - baselinePercent;
  const head = { baselinePercent, latestPercent: latest.lossPercent, risePoints, floorPoints: floor.amount, lowConfidence: floor.lowConfidence };
  const what = `loss ${risePoints >= 0 ? 'rose' : 'fell'} by ${Math.abs(risePoints).toFixed(1)} points to ${latest.lossPercent.toFixed(1)}% (floor ${floor.amount.toFixed(1)} points)`;
  // Every probe lost where the baseline got most answers: no amount of noise explains that.
  if (latest.lossPercent >= 100 && baselinePercent < 50) return { ...head, verdict: 'regression', reason: `${what}: every probe lost` };
  if (risePoints > floor.amount) {
    if (floor.lowConfidence) return { ...head, verdict: 'low-confidence', reason: `${what}; low confidence: only ${losses.length} baseline run(s)` };
    return { ...head, verdict: 'regression', reason: what };
  }
  if (-risePoints > floor.amount) return { ...head, verdict: 'improvement', reason: what };
  return { ...head, verdict: 'unchanged', reason: `loss within ${floor.amount.toFixed(1)} points of the baseline's ${baselinePercent.toFixed(1)}%` };
}

/** Baseline facts for a row whose value cannot be judged (no samples on one side). */
export function describeBaselineOnly(baseline: readonly Measurement[], metricClass: MetricClass, direction: Direction, settings: JudgeSettings): BaselineSide {
  const runValues = baseline.map((measurement) => statisticOf(measurement.samples, settings.statistic)).filter(Number.isFinite);
  const worseIsUp = direction === 'lower-is-better';
  const center = median(runValues);
  return describeBaseline(baseline, runValues, center, floorBand(center, noiseFloor(settings.minEffect[metricClass], runValues, settings, worseIsUp), worseIsUp));
}

export function describeLatest(latest: Measurement, statistic: Statistic): LatestSide {
  return {
    sampleCount: latest.samples.length,
    value: statisticOf(latest.samples, statistic),
    p95: quantile(latest.samples, 0.95),
    ...(latest.lossPercent === undefined ? {} : { lossPercent: latest.lossPercent }),
  };
}

function describeBaseline(baseline: readonly Measurement[], runValues: number[], center: number, band: { low: number; high: number }): BaselineSide {
  const pooled = baseline.flatMap((measurement) => measurement.samples);
  const losses = baseline.map((measurement) => measurement.lossPercent).filter((loss): loss is number => loss !== undefined);
  return {
    runCount: baseline.length,
    sampleCount: pooled.length,
    value: center,
    p95: quantile(pooled, 0.95),
    runValues,
    band,
    ...(losses.length > 0 ? { lossPercent: median(losses) } : {}),
  };
}

/** Names the rule that set a floor: `20% threshold`, `min effect`, `3σ of 8 runs`, plus low confidence. */
export function describeRule(floor: NoiseFloor, settings: Pick<JudgeSettings, 'thresholdPercent' | 'spreadK'>): string {
  const rule =
    floor.rule === 'threshold'
      ? `${settings.thresholdPercent}% threshold`
      : floor.rule === 'min-effect'
        ? 'min effect'
        : `${settings.spreadK}σ of ${floor.runCount} runs`;
  return floor.lowConfidence ? `${rule}, ×2 low confidence` : rule;
}

/** (latest − baseline) / |baseline| in percent; ±Infinity from a zero baseline (e.g. 0 ms jitter). */
function relativeChangePercent(latest: number, baseline: number): number {
  if (baseline === 0) return latest === 0 ? 0 : Math.sign(latest) * Infinity;
  return ((latest - baseline) / Math.abs(baseline)) * 100;
}
