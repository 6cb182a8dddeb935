/**
 * Budget checks that hold on a loaded 2-core host without losing their teeth.
 *
 * - A ceiling (latency p95, DNS p50) is judged on the median over at least `minRounds` short
 *   rounds: one slow round (a scheduler hiccup) cannot fail it, one lucky round cannot pass it.
 * - A floor (throughput) is judged on the best of up to `maxRounds` short rounds: load only ever
 *   lowers throughput, so the best round is the lab's capacity.
 * - Each round also measures a reference pair (host -> DNS container ping), which no lab fault
 *   under test touches. When the reference is over its own budget too, the host is loaded: the
 *   budget is widened by the reference's overrun, at most `maxAllowance` times, and the result
 *   says so. A fault in the lab (a paused container, a throttled link) leaves the reference
 *   alone, so it still fails, and the result says "the lab is slow".
 */

export interface RoundsPolicy {
  minRounds: number;
  maxRounds: number;
  /** The most a loaded host can widen a budget (×). */
  maxAllowance: number;
}

export const CEILING_POLICY: RoundsPolicy = { minRounds: 3, maxRounds: 5, maxAllowance: 3 };
export const FLOOR_POLICY: RoundsPolicy = { minRounds: 1, maxRounds: 4, maxAllowance: 3 };

/** What the reference pair showed over the rounds. */
export interface ReferenceReading {
  /** Median over rounds of the reference statistic (ping p95, ms). */
  value: number;
  limit: number;
  /** value / limit when above 1: the host is loaded. */
  overrun: number;
}

export type BudgetCause = 'within-budget' | 'within-budget-host-loaded' | 'lab-slow' | 'host-loaded-and-lab-slow';

export interface BudgetOutcome<T> {
  passed: boolean;
  cause: BudgetCause;
  /** The judged number: median of rounds (ceiling) or best round (floor). */
  value: number;
  limit: number;
  /** The limit after the host-load allowance. */
  effectiveLimit: number;
  rounds: T[];
  roundValues: number[];
  reference: ReferenceReading;
  /** One sentence for the test's figure and failure message. */
  summary: string;
}

export interface BudgetCheck<T> {
  kind: 'ceiling' | 'floor';
  /** One short round of the lab pair's measurement. */
  measure: () => Promise<T>;
  /** The round's statistic (e.g. ping p95, DNS p50, TCP bits/s); NaN counts as failing. */
  statistic: (result: T) => number;
  limit: number;
  /** One reading of the reference pair's statistic (host -> DNS ping p95, ms), and its budget. */
  reference: () => Promise<number>;
  referenceLimit: number;
  format: (value: number) => string;
  policy?: RoundsPolicy;
}

/** Measures in rounds with a reference pair alongside, and judges the budget as described above. */
export async function checkBudget<T>(check: BudgetCheck<T>): Promise<BudgetOutcome<T>> {
  const policy = check.policy ?? (check.kind === 'ceiling' ? CEILING_POLICY : FLOOR_POLICY);
  const rounds: T[] = [];
  const roundValues: number[] = [];
  const referenceValues: number[] = [];
  let outcome: BudgetOutcome<T> | undefined;
  for (let round = 1; round <= policy.maxRounds; round++) {
    const result = await check.measure();
    rounds.push(result);
    roundValues.push(check.statistic(result));
    referenceValues.push(await check.reference());
    if (round < policy.minRounds) continue;
    outcome = judge(check, policy, rounds, roundValues, referenceValues);
    if (outcome.passed) break;
    // More than half the possible rounds without an answer: the median can no longer pass.
    if (roundValues.filter((value) => !Number.isFinite(value)).length > policy.maxRounds / 2) break;
  }
  return outcome!;
}

/** Median that keeps Infinity (a round with no answer) instead of turning Inf − Inf into NaN. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  const [low, high] = [sorted[Math.floor(middle)], sorted[Math.ceil(middle)]];
  return low === high ? low : (low + high) / 2;
}

function judge<T>(check: BudgetCheck<T>, policy: RoundsPolicy, rounds: T[], roundValues: number[], referenceValues: number[]): BudgetOutcome<T> {
  const finite = roundValues.map((value) => (Number.isFinite(value) ? value : check.kind === 'ceiling' ? Infinity : 0));
  const value = check.kind === 'ceiling' ? median(finite) : Math.max(...finite);
  const referenceValue = median(referenceValues.map((reading) => (Number.isFinite(reading) ? reading : Infinity)));
  const overrun = referenceValue / check.referenceLimit;
  const reference = { value: referenceValue, limit: check.referenceLimit, overrun };
  const allowance = Math.min(Math.max(1, Number.isFinite(overrun) ? overrun : 1), policy.maxAllowance);
  const effectiveLimit = check.kind === 'ceiling' ? check.limit * allowance : check.limit / allowance;
  const withinLimit = (limit: number) => (check.kind === 'ceiling' ? value <= limit : value >= limit);
  const hostLoaded = overrun > 1;
  const passed = withinLimit(effectiveLimit);
  const cause: BudgetCause = passed ? (withinLimit(check.limit) ? 'within-budget' : 'within-budget-host-loaded') : hostLoaded ? 'host-loaded-and-lab-slow' : 'lab-slow';
  return { passed, cause, value, limit: check.limit, effectiveLimit, rounds, roundValues, reference, summary: summarize(check, cause, value, effectiveLimit, roundValues, reference) };
}

function summarize<T>(check: BudgetCheck<T>, cause: BudgetCause, value: number, effectiveLimit: number, roundValues: number[], reference: ReferenceReading): string {
  const f = check.format;
  const judged = check.kind === 'ceiling' ? `median of ${roundValues.length} round(s) ${f(value)}` : `best of ${roundValues.length} round(s) ${f(value)}`;
  const budget = `${check.kind === 'ceiling' ? 'ceiling' : 'floor'} ${f(check.limit)}`;
  const rounds = `rounds: ${roundValues.map((round) => f(round)).join(', ')}`;
  const ref = `reference host -> dns ping p95 ${reference.value.toFixed(3)} ms (budget ${reference.limit} ms)`;
  switch (cause) {
    case 'within-budget':
      return `${judged} within ${budget}`;
    case 'within-budget-host-loaded':
      return `${judged} within ${budget} widened ×${(check.kind === 'ceiling' ? effectiveLimit / check.limit : check.limit / effectiveLimit).toFixed(2)} because the host is loaded (${ref}); ${rounds}`;
    case 'lab-slow':
      return `the lab is slow: ${judged} beyond ${budget} while the host is not loaded (${ref}); ${rounds}`;
    case 'host-loaded-and-lab-slow':
      return `the host is loaded (${ref}), and the lab is slower still: ${judged} beyond ${budget} even widened to ${f(effectiveLimit)}; ${rounds}`;
  }
}
