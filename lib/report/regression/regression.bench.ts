/**
 * Figures for the latency report: false-alarm rate and detection rate (+50% RTT, −50%
 * throughput) of the regression gate on seeded synthetic histories with i.i.d. and drifting
 * run-level noise, beside what the old pooled-samples test would call significant; and how fast
 * history appends and reports are. Real runs: real-history.bench.ts.
 * Run: npx tsx lib/report/regression/regression.bench.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRun } from '../history/append-run.ts';
import { buildLatencyReport, compareRuns } from './build-report.ts';
import { DEFAULT_SETTINGS, type ComparisonSettings } from './compare-pair.ts';
import { renderHtml } from './render-html.ts';
import { FIXTURE_PAIRS } from './report-fixture.ts';
import { mannWhitneyU } from './stats.ts';
import { syntheticHistory, type SyntheticHistoryOptions } from './synthetic-history.ts';

const TRIALS = 200;

/** Run-level noise models: i.i.d. per-run shifts, and a random-walk drift on top (the healthy host). */
const NOISE: Array<{ name: string; options: Partial<SyntheticHistoryOptions> }> = [
  { name: 'i.i.d. 5% per run', options: { runNoise: 0.05 } },
  { name: 'drifting: 5% per run + 3% random walk', options: { runNoise: 0.05, driftStep: 0.03 } },
  { name: 'i.i.d. 10% per run', options: { runNoise: 0.1 } },
  { name: 'drifting: 10% per run + 5% random walk', options: { runNoise: 0.1, driftStep: 0.05 } },
];

/** Share of seeds where the latest run (vs the 10 before) raised any regression, or caught the injected one. */
function rates(noise: Partial<SyntheticHistoryOptions>, settings: ComparisonSettings, inject?: { pairIndex: number; factor: number }): { anyFlagged: number; injectedCaught: number } {
  let anyFlagged = 0;
  let injectedCaught = 0;
  const target = inject ? FIXTURE_PAIRS[inject.pairIndex] : undefined;
  for (let seed = 1; seed <= TRIALS; seed++) {
    const runs = syntheticHistory({ seed, runs: 11, pairs: FIXTURE_PAIRS, ...noise, inject: inject && { ...inject, fromRun: 10 } });
    const flagged = compareRuns(runs[10], runs.slice(0, 10), settings).filter((c) => c.verdict === 'regression');
    if (flagged.length > 0) anyFlagged++;
    if (target && flagged.some((c) => c.from === target.from && c.to === target.to && c.metric === target.metric)) injectedCaught++;
  }
  return { anyFlagged: anyFlagged / TRIALS, injectedCaught: injectedCaught / TRIALS };
}

/** The old rule, for comparison: Mann–Whitney on the latest run's samples vs all baseline samples pooled. */
function pooledSamplesSignificant(noise: Partial<SyntheticHistoryOptions>): number {
  let significant = 0;
  for (let seed = 1; seed <= TRIALS; seed++) {
    const runs = syntheticHistory({ seed, runs: 11, pairs: FIXTURE_PAIRS, ...noise });
    const pooledP = runs[10].measurements.map((m, index) => mannWhitneyU(m.samples, runs.slice(0, 10).flatMap((run) => run.measurements[index].samples)).pValue);
    if (pooledP.some((p) => p < 0.01)) significant++;
  }
  return significant / TRIALS;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
console.log(`Regression gate on synthetic histories (${TRIALS} seeds each; latest run vs 10 baseline runs; ${FIXTURE_PAIRS.length} pairs; 30 samples; 15% sample noise)`);
for (const spreadK of [3, 2.5]) {
  const settings = { ...DEFAULT_SETTINGS, spreadK };
  console.log(`--spread-k ${spreadK}${spreadK === DEFAULT_SETTINGS.spreadK ? ' (default)' : ''}, threshold ${settings.thresholdPercent}%, min ${settings.minBaselineRuns} runs`);
  for (const { name, options } of NOISE) {
    const falseAlarms = rates(options, settings).anyFlagged;
    const rtt = rates(options, settings, { pairIndex: 1, factor: 1.5 }).injectedCaught;
    const throughput = rates(options, settings, { pairIndex: 3, factor: 0.5 }).injectedCaught;
    const old = spreadK === 3 ? `; old rule (pooled M–W p<0.01 alone) ${percent(pooledSamplesSignificant(options))}` : '';
    console.log(`  ${name.padEnd(40)} false alarms ${percent(falseAlarms)}  +50% RTT caught ${percent(rtt)}  −50% throughput caught ${percent(throughput)}${old}`);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'hl-bench-'));
try {
  const file = join(dir, 'latency.jsonl');
  const runs = syntheticHistory({ seed: 1, runs: 500, pairs: FIXTURE_PAIRS, samplesPerRun: 100 });
  let started = performance.now();
  for (const run of runs) await appendRun(run, file);
  const appendMs = performance.now() - started;
  started = performance.now();
  const report = await buildLatencyReport({ historyPath: file });
  const reportMs = performance.now() - started;
  started = performance.now();
  const html = renderHtml(report);
  const htmlMs = performance.now() - started;
  const size = (await stat(file)).size;
  console.log(`History: ${runs.length} runs × ${FIXTURE_PAIRS.length} pairs × 100 samples = ${(size / 1e6).toFixed(1)} MB`);
  console.log(`  append (write + fsync each): ${(appendMs / runs.length).toFixed(2)} ms/run`);
  console.log(`  read + compare (last:10): ${reportMs.toFixed(0)} ms; HTML render: ${htmlMs.toFixed(0)} ms (${(html.length / 1024).toFixed(0)} KiB)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
