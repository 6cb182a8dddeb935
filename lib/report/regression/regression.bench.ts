/**
 * Figures for the latency report: false-positive rate and power of the regression test on
 * seeded synthetic histories, and how fast history appends and reports are.
 * Run: npx tsx lib/report/regression/regression.bench.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRun } from '../history/append-run.ts';
import { buildLatencyReport, compareRuns } from './build-report.ts';
import { DEFAULT_SETTINGS } from './compare-pair.ts';
import { renderHtml } from './render-html.ts';
import { FIXTURE_PAIRS } from './report-fixture.ts';
import { syntheticHistory } from './synthetic-history.ts';

const TRIALS = 200;

function flagRates(thresholdPercent: number, factor: number): { anyFlagged: number; injectedCaught: number } {
  let anyFlagged = 0;
  let injectedCaught = 0;
  for (let seed = 1; seed <= TRIALS; seed++) {
    const inject = factor === 1 ? undefined : { pairIndex: 1, fromRun: 10, factor };
    const runs = syntheticHistory({ seed, runs: 11, pairs: FIXTURE_PAIRS, runNoise: 0.05, inject });
    const flagged = compareRuns(runs[10], runs.slice(0, 10), { ...DEFAULT_SETTINGS, thresholdPercent }).filter((c) => c.verdict === 'regression');
    if (flagged.length > 0) anyFlagged++;
    if (flagged.some((c) => c.from === 'vm1' && c.to === 'web-server' && c.metric === 'icmp-rtt')) injectedCaught++;
  }
  return { anyFlagged: anyFlagged / TRIALS, injectedCaught: injectedCaught / TRIALS };
}

console.log(`Regression test on synthetic histories (${TRIALS} seeds; 10 baseline runs; 4 pairs; 30 samples; noise 5% per run, 15% per sample)`);
for (const thresholdPercent of [5, 10, 20]) {
  for (const factor of [1, 1.2, 1.3, 1.5]) {
    const { anyFlagged, injectedCaught } = flagRates(thresholdPercent, factor);
    const what = factor === 1 ? `pure noise: runs with a false alarm ${(anyFlagged * 100).toFixed(1)}%` : `+${Math.round((factor - 1) * 100)}% on one pair: caught ${(injectedCaught * 100).toFixed(1)}%`;
    console.log(`  threshold ${String(thresholdPercent).padStart(2)}%  ${what}`);
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
