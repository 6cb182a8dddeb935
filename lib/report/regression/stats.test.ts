import { describe, expect, it } from 'vitest';
import { madSigma, mannWhitneyU, median, normalUpperTail, quantile, studentQuantileForZ } from './stats.ts';

describe('robust statistics', () => {
  it('interpolates quantiles and takes medians of even and odd counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10], 0.95)).toBeCloseTo(9.5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('scales the MAD to σ and ignores outliers', () => {
    expect(madSigma([1, 2, 3, 4, 100])).toBeCloseTo(1.4826);
    expect(madSigma([5, 5, 5])).toBe(0);
  });

  it('gives the standard normal tail', () => {
    // Reference values: scipy.stats.norm.sf(1), sf(3), sf(5).
    expect(normalUpperTail(1)).toBeCloseTo(0.15865525393145707, 6);
    expect(normalUpperTail(3) / 0.0013498980316300933).toBeCloseTo(1, 5);
    expect(normalUpperTail(5) / 2.866515718791933e-7).toBeCloseTo(1, 4);
  });
});

describe('Student-t quantile for a normal z', () => {
  it('matches scipy closely for the band we use (z = 3) and widens for few runs', () => {
    // scipy.stats.t.ppf(norm.cdf(3), df) for df = 3, 4, 9, 20, 60.
    const exact: Array<[number, number]> = [[3, 9.219], [4, 6.62], [9, 4.094], [20, 3.422], [60, 3.13]];
    for (const [df, value] of exact) expect(Math.abs(studentQuantileForZ(3, df) / value - 1)).toBeLessThan(0.025);
    expect(studentQuantileForZ(3, 1e6)).toBeCloseTo(3, 4);
  });
});

describe('Mann–Whitney U', () => {
  // Reference values from scipy 1.17: mannwhitneyu(a, b, alternative='two-sided', method='asymptotic', use_continuity=True).
  it('matches scipy without ties', () => {
    const result = mannWhitneyU([1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.u).toBe(21);
    expect(result.pValue).toBeCloseTo(0.10022410561773794, 6);
  });

  it('matches scipy with ties (tie-corrected variance)', () => {
    const result = mannWhitneyU([1, 2, 2, 3, 3, 3, 4, 5], [3, 3, 4, 4, 5, 5, 6, 6, 7]);
    expect(result.u).toBe(11);
    expect(result.pValue).toBeCloseTo(0.01630200829707017, 6);
  });

  it('is symmetric in its samples and says nothing about empty or all-equal data', () => {
    const a = [1, 5, 9, 13];
    const b = [2, 3, 4, 6, 7];
    expect(mannWhitneyU(a, b).pValue).toBeCloseTo(mannWhitneyU(b, a).pValue, 12);
    expect(mannWhitneyU([], [1, 2]).pValue).toBe(1);
    expect(mannWhitneyU([2, 2], [2, 2, 2]).pValue).toBe(1);
  });
});
