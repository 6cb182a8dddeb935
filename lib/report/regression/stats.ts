/**
 * Small, dependency-free statistics for comparing runs: robust location/scale and the
 * Mann–Whitney U test. Kept here (not a library) because we need only these few functions and
 * want their behaviour on ties and tiny samples to be explicit and tested.
 */

/** Linear-interpolated quantile (q in 0..1) of unsorted values; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation scaled by 1.4826, so it estimates σ for normal data. */
export function madSigma(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const center = median(values);
  return 1.4826 * median(values.map((value) => Math.abs(value - center)));
}

export interface MannWhitneyResult {
  /** U statistic of the first sample. */
  u: number;
  /** Standardised statistic (normal approximation with tie and continuity correction). */
  z: number;
  /** Two-sided p-value; 1 when either sample is empty or every value ties. */
  pValue: number;
}

/** Mann–Whitney U test (two-sided): do `a` and `b` come from the same distribution? */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, z: 0, pValue: 1 };
  const { rankSumFirst, tieTerm } = rankSums(a, b);
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, pValue: 1 };
  const distance = Math.max(0, Math.abs(u - meanU) - 0.5); // continuity correction
  const z = (Math.sign(u - meanU) * distance) / Math.sqrt(variance);
  return { u, z, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}

/** Rank sum of the first sample in the pooled ranking (ties get average ranks), and Σ(t³−t) over ties. */
function rankSums(a: readonly number[], b: readonly number[]): { rankSumFirst: number; tieTerm: number } {
  const pooled = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))];
  pooled.sort((x, y) => x.value - y.value);
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length; ) {
    let end = start;
    while (end + 1 < pooled.length && pooled[end + 1].value === pooled[start].value) end++;
    const averageRank = (start + end) / 2 + 1;
    const ties = end - start + 1;
    tieTerm += ties ** 3 - ties;
    for (let index = start; index <= end; index++) if (pooled[index].first) rankSumFirst += averageRank;
    start = end + 1;
  }
  return { rankSumFirst, tieTerm };
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfcc: Chebyshev fit, fractional error below 1.2e-7 everywhere.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}

/**
 * Student-t quantile for the same tail probability as `z` in a standard normal, with `df`
 * degrees of freedom (Cornish–Fisher expansion; within 1% of the exact value for df ≥ 3 and
 * z ≤ 3.5, about 10% low at df = 2). Widens bands estimated from few runs.
 */
export function studentQuantileForZ(z: number, df: number): number {
  const z2 = z * z;
  const terms = [
    (z2 * z + z) / 4,
    (5 * z2 * z2 * z + 16 * z2 * z + 3 * z) / 96,
    (3 * z2 ** 3 * z + 19 * z2 * z2 * z + 17 * z2 * z - 15 * z) / 384,
    (79 * z2 ** 4 * z + 776 * z2 ** 3 * z + 1482 * z2 * z2 * z - 1920 * z2 * z - 945 * z) / 92160,
  ];
  return terms.reduce((sum, term, index) => sum + term / df ** (index + 1), z);
}
