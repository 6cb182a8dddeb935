/**
 * False-alarm rate of the regression gate on real healthy runs: brings a lab up from a topology
 * file, records RUNS short runs (lib/measure/bench-run.ts) into a history, judges every run from
 * the 2nd on against up to 10 runs before it (the default baseline), prints what was flagged and
 * the rate, and takes the lab down. Use a lab name, bridge and subnet nobody else uses.
 * Run: npx tsx lib/report/regression/real-history.bench.ts TOPOLOGY.yaml [RUNS=20] [HISTORY.jsonl]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '../../common/progress.ts';
import { downLab } from '../../lab/down.ts';
import { openLab } from '../../lab/lab-nodes.ts';
import { upLab } from '../../lab/up.ts';
import { measureBenchRun } from '../../measure/bench-run.ts';
import { loadTopology } from '../../topology/load.ts';
import { readHistory } from '../history/read-history.ts';
import { recordRun } from '../history/record-run.ts';
import { buildLatencyReport } from './build-report.ts';

const [topologyFile, runsText = '20', historyArg] = process.argv.slice(2);
if (!topologyFile) {
  process.stderr.write('usage: real-history.bench.ts TOPOLOGY.yaml [RUNS] [HISTORY.jsonl]\n');
  process.exit(2);
}
const topology = await loadTopology(topologyFile);
const historyPath = historyArg ?? join(await mkdtemp(join(tmpdir(), 'hl-real-history-')), 'latency.jsonl');
await upLab(topology, { reporter: silentReporter });
try {
  const lab = await openLab(topology.name);
  const started = performance.now();
  for (let index = 0; index < Number(runsText); index++) await recordRun(await measureBenchRun(lab), { topology, accelMode: 'none', historyPath });
  const seconds = (performance.now() - started) / 1000;
  const { runs } = await readHistory(historyPath);
  let rows = 0;
  let fullRows = 0;
  const counts = { regression: 0, 'low-confidence': 0, improvement: 0 };
  let runsWithRegression = 0;
  for (const judged of runs.slice(1)) {
    const report = await buildLatencyReport({ historyPath, run: judged.context.runId });
    rows += report.comparisons.length;
    if (report.baseline.runIds.length >= report.settings.minBaselineRuns) fullRows += report.comparisons.length;
    for (const verdict of ['regression', 'low-confidence', 'improvement'] as const) counts[verdict] += report.counts[verdict];
    if (report.counts.regression > 0) runsWithRegression++;
    for (const c of report.comparisons.filter((comparison) => comparison.verdict !== 'unchanged')) {
      console.log(`  ${judged.context.runId} (${report.baseline.runIds.length} baseline runs): ${c.from} → ${c.to} ${c.metric} ${c.verdict}: ${c.reason}`);
    }
  }
  console.log(`${runs.length} healthy runs of lab ${topology.name} in ${seconds.toFixed(0)} s (${(seconds / runs.length).toFixed(1)} s/run); history ${historyPath}`);
  console.log(`rolling comparisons: ${runs.length - 1} (${rows} rows, ${fullRows} with ≥ ${5} baseline runs)`);
  console.log(`regressions (false alarms): ${counts.regression} rows, ${runsWithRegression} of ${runs.length - 1} runs; low-confidence: ${counts['low-confidence']}; improvements: ${counts.improvement}`);
} finally {
  await downLab(topology.name, topology, silentReporter);
}
