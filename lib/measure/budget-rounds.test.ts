import { describe, expect, it } from 'vitest';
import { checkBudget, type BudgetCheck } from './budget-rounds.ts';

/** A check whose rounds return the given values in turn (the judging logic, without a lab). */
function scripted(kind: 'ceiling' | 'floor', values: number[], references: number[], limit: number): BudgetCheck<number> & { calls: () => number } {
  let call = 0;
  let referenceCall = 0;
  return {
    kind,
    measure: async () => values[Math.min(call++, values.length - 1)],
    statistic: (value) => value,
    limit,
    reference: async () => references[Math.min(referenceCall++, references.length - 1)],
    referenceLimit: 0.5,
    format: (value) => value.toFixed(2),
    calls: () => call,
  };
}

describe('budget checks in rounds with a reference pair', () => {
  it('judges a ceiling on the median of at least 3 rounds: one slow round neither fails nor passes it', async () => {
    const hiccup = scripted('ceiling', [0.2, 3, 0.3], [0.1], 0.5);
    expect(await checkBudget(hiccup)).toMatchObject({ passed: true, cause: 'within-budget', value: 0.3 });
    expect(hiccup.calls()).toBe(3);
    const lucky = scripted('ceiling', [0.2, 3, 3, 3, 3], [0.1], 0.5);
    const outcome = await checkBudget(lucky);
    expect(outcome).toMatchObject({ passed: false, cause: 'lab-slow', value: 3 });
    expect(lucky.calls()).toBe(5);
    expect(outcome.summary).toMatch(/^the lab is slow: median of 5 round\(s\) 3\.00 beyond ceiling 0\.50 while the host is not loaded \(reference host -> dns ping p95 0\.100 ms/);
  });

  it('widens a ceiling by the reference pair’s overrun when the host is loaded, at most ×3', async () => {
    const loaded = await checkBudget(scripted('ceiling', [0.9], [1.0], 0.5));
    expect(loaded).toMatchObject({ passed: true, cause: 'within-budget-host-loaded', effectiveLimit: 1 });
    expect(loaded.summary).toMatch(/widened ×2\.00 because the host is loaded/);
    const faultOnLoadedHost = await checkBudget(scripted('ceiling', [5], [4], 0.5));
    expect(faultOnLoadedHost).toMatchObject({ passed: false, cause: 'host-loaded-and-lab-slow', effectiveLimit: 1.5 });
    expect(faultOnLoadedHost.summary).toMatch(/^the host is loaded .*and the lab is slower still/);
  });

  it('judges a floor on the best round and stops at the first round above it', async () => {
    const floor = scripted('floor', [400, 1200, 300], [0.1], 1000);
    expect(await checkBudget(floor)).toMatchObject({ passed: true, value: 1200 });
    expect(floor.calls()).toBe(2);
    const throttled = await checkBudget(scripted('floor', [20, 19, 21, 20], [0.1], 1000));
    expect(throttled).toMatchObject({ passed: false, cause: 'lab-slow', value: 21, roundValues: [20, 19, 21, 20] });
  });

  it('counts a round without a figure (NaN: no answer) as failing', async () => {
    expect(await checkBudget(scripted('ceiling', [NaN], [0.1], 1))).toMatchObject({ passed: false, cause: 'lab-slow', value: Infinity });
    expect(await checkBudget(scripted('floor', [NaN], [0.1], 1))).toMatchObject({ passed: false, value: 0 });
  });
});
