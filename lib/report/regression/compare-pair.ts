import type { Measurement, MetricName, MetricUnit } from '../measurement.ts';
import {
  describeBaselineOnly,
  describeLatest,
  judgeLoss,
  judgeValue,
  type BaselineSide,
  type JudgeSettings,
  type LatestSide,
  type LossJudgement,
  type ValueJudgement,
  type Verdict,
} from './judge-aspects.ts';
import { directionOf, type Direction } from './metric-direction.ts';
import { DEFAULT_MIN_EFFECT, metricClassOf, type NoiseFloor } from './noise-floor.ts';

export { statisticOf, type BaselineSide, type LatestSide, type LossJudgement, type Statistic, type ValueJudgement, type Verdict } from './judge-aspects.ts';

export type ComparisonSettings = JudgeSettings;

export const DEFAULT_SETTINGS: ComparisonSettings = {
  thresholdPercent: 20,
  alpha: 0.01,
  statistic: 'p50',
  spreadK: 3,
  minEffect: DEFAULT_MIN_EFFECT,
  minBaselineRuns: 5,
  lossThresholdPoints: 5,
};

/** The parts of a row that are judged on their own: the metric's statistic, packet loss, UDP jitter. */
export type Aspect = 'value' | 'loss' | 'jitter';

export interface PairComparison {
  from: string;
  to: string;
  /** Set for IPv6 rows only (IPv4 rows read as before dual stack). */
  family?: 'ipv6';
  metric: MetricName;
  unit: MetricUnit;
  direction: Direction;
  baseline?: BaselineSide;
  latest?: LatestSide;
  /** Relative change of the statistic, latest vs the baseline centre, in percent (positive = larger). */
  changePercent?: number;
  pValue?: number;
  /** The noise floor the statistic was held to. */
  floor?: NoiseFloor;
  /** The statistic's own verdict (loss and jitter have theirs). */
  valueVerdict?: Verdict;
  loss?: LossJudgement;
  /** UDP jitter of the same pair (udp-throughput rows), judged with the jitter floor. */
  jitter?: ValueJudgement;
  /** The row's verdict: the worst of its aspects'. */
  verdict: Verdict;
  /** Aspects whose verdict is a regression or low confidence. */
  flagged: Aspect[];
  /** One sentence on why the verdict, for people reading the report. */
  reason: string;
}

/**
 * Identifies a measured pair, family and metric across runs; the metric stays last (jitter rows
 * are found by it). IPv4 keys are the same as before dual stack, so older history still compares.
 */
export function pairKey(measurement: Pick<Measurement, 'from' | 'to' | 'metric' | 'family'>): string {
  return `${measurement.from}\u0000${measurement.to}${measurement.family === 'ipv6' ? '\u0000ipv6' : ''}\u0000${measurement.metric}`;
}

const SEVERITY: Record<Verdict, number> = { regression: 5, 'low-confidence': 4, missing: 3, improvement: 2, new: 1, unchanged: 0 };

/** Jitter measurements of a pair, latest and baseline, to judge alongside its UDP throughput. */
export interface JitterInput {
  latest?: Measurement;
  baseline: readonly Measurement[];
}

/**
 * Compares one pair/metric of the latest run with the same pair in the baseline runs: the
 * statistic, packet loss and (for UDP throughput) jitter, each with its own floor and verdict.
 */
export function comparePair(
  latest: Measurement | undefined,
  baseline: readonly Measurement[],
  settings: ComparisonSettings,
  jitter?: JitterInput,
): PairComparison {
  const any = latest ?? baseline[0];
  const metricClass = metricClassOf(any.metric);
  const head = { from: any.from, to: any.to, ...(any.family === 'ipv6' ? { family: 'ipv6' as const } : {}), metric: any.metric, unit: any.unit, direction: directionOf(any.metric) };
  if (!latest) {
    const baselineSide = describeBaselineOnly(baseline, metricClass, head.direction, settings);
    return { ...head, baseline: baselineSide, verdict: 'missing', flagged: [], reason: 'measured in the baseline but not in the latest run' };
  }
  const latestSide = describeLatest(latest, settings.statistic);
  if (baseline.length === 0) return { ...head, latest: latestSide, verdict: 'new', flagged: [], reason: 'no baseline run measured this pair' };
  const loss = judgeLoss(latest, baseline, settings);
  const jitterJudgement = jitter?.latest && jitter.baseline.length > 0 ? judgeJitter(jitter.latest, jitter.baseline, settings) : undefined;
  const pooledBaseline = baseline.reduce((count, measurement) => count + measurement.samples.length, 0);
  if (latest.samples.length === 0 || pooledBaseline === 0) {
    // 100% loss leaves no samples: the loss verdict speaks, the statistic cannot.
    const why = latest.samples.length === 0 ? 'no samples in the latest run' : 'no samples in the baseline runs';
    const valueVerdict: Verdict = latest.samples.length === 0 ? 'missing' : 'new';
    const baselineSide = describeBaselineOnly(baseline, metricClass, head.direction, settings);
    return combine({ ...head, baseline: baselineSide, latest: latestSide, valueVerdict, ...(loss ? { loss } : {}) }, why, jitterJudgement);
  }
  const value = judgeValue(latest, baseline, metricClass, head.direction, settings);
  const { verdict: valueVerdict, reason, ...numbers } = value;
  return combine({ ...head, ...numbers, valueVerdict, ...(loss ? { loss } : {}) }, reason, jitterJudgement);
}

function judgeJitter(latest: Measurement, baseline: readonly Measurement[], settings: ComparisonSettings): ValueJudgement | undefined {
  if (latest.samples.length === 0 || baseline.every((measurement) => measurement.samples.length === 0)) return undefined;
  return judgeValue(latest, baseline, 'jitter', 'lower-is-better', settings);
}

/** The row's verdict is its worst aspect's; the reason names every flagged aspect. */
function combine(row: Omit<PairComparison, 'verdict' | 'flagged' | 'reason'>, valueReason: string, jitter?: ValueJudgement): PairComparison {
  const aspects: Array<[Aspect, Verdict, string]> = [['value', row.valueVerdict ?? 'unchanged', valueReason]];
  if (row.loss) aspects.push(['loss', row.loss.verdict, row.loss.reason]);
  if (jitter) aspects.push(['jitter', jitter.verdict, `jitter: ${jitter.reason}`]);
  const worst = aspects.reduce((best, aspect) => (SEVERITY[aspect[1]] > SEVERITY[best[1]] ? aspect : best));
  const flagged = aspects.filter(([, verdict]) => verdict === 'regression' || verdict === 'low-confidence');
  const reason = flagged.length > 0 ? flagged.map(([, , text]) => text).join('; ') : worst[2];
  return { ...row, ...(jitter ? { jitter } : {}), verdict: worst[1], flagged: flagged.map(([aspect]) => aspect), reason };
}
