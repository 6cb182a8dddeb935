import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRun } from '../history/append-run.ts';
import type { RunRecord } from '../measurement.ts';
import { buildLatencyReport } from './build-report.ts';
import { ReportInputError } from './report-options.ts';
import { syntheticHistory, type SyntheticPair } from './synthetic-history.ts';

const PAIRS: SyntheticPair[] = [
  { from: 'host', to: 'web', metric: 'icmp-rtt', typical: 0.4 },
  { from: 'vm1', to: 'web', metric: 'icmp-rtt', typical: 1.2 },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hl-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function historyOf(name: string, runs: RunRecord[]): Promise<string> {
  const file = join(dir, `${name}.jsonl`);
  for (const run of runs) await appendRun(run, file);
  return file;
}

describe('latency report', () => {
  it('compares only within the latest run’s group and lists the other groups', async () => {
    // TCG runs are 10x slower and newer than most KVM runs; mixing them in would flag everything.
    const kvm = syntheticHistory({ seed: 1, runs: 12, pairs: PAIRS, accelMode: 'kvm', runIdPrefix: 'kvm', startIso: '2026-11-01T00:00:00Z' });
    const tcg = syntheticHistory({ seed: 2, runs: 5, pairs: PAIRS.map((pair) => ({ ...pair, typical: pair.typical * 10 })), accelMode: 'tcg', runIdPrefix: 'tcg', startIso: '2026-11-01T09:30:00Z' });
    const file = await historyOf('groups', [...kvm, ...tcg].sort((a, b) => a.context.startedAtIso.localeCompare(b.context.startedAtIso)));
    const report = await buildLatencyReport({ historyPath: file, run: 'kvm-011' });
    expect(report.outcome).toBe('ok');
    expect(report.baseline.runIds.every((id) => id.startsWith('kvm-'))).toBe(true);
    expect(report.baseline.runIds).toHaveLength(10);
    expect(report.groups.map((group) => [group.accelMode, group.compared, group.runCount])).toEqual(
      expect.arrayContaining([['kvm', true, 12], ['tcg', false, 5]]),
    );
    expect(report.notes.join(' ')).toMatch(/1 other group\(s\) not compared: TCG \(emulated\)/);
    expect(report.trends.every((trend) => trend.points.every((point) => point.runId.startsWith('kvm-')))).toBe(true);

    // The newest run overall is a TCG run: it is judged against TCG runs only.
    const latestTcg = await buildLatencyReport({ historyPath: file });
    expect(latestTcg.latest.runId).toBe('tcg-004');
    expect(latestTcg.baseline.runIds).toEqual(['tcg-000', 'tcg-001', 'tcg-002', 'tcg-003']);
  });

  it('refuses a named baseline measured in another mode', async () => {
    const kvm = syntheticHistory({ seed: 3, runs: 3, pairs: PAIRS, accelMode: 'kvm', runIdPrefix: 'kvm', startIso: '2026-11-02T00:00:00Z' });
    const tcg = syntheticHistory({ seed: 3, runs: 1, pairs: PAIRS, accelMode: 'tcg', runIdPrefix: 'tcg', startIso: '2026-11-01T00:00:00Z' });
    const file = await historyOf('cross', [...tcg, ...kvm]);
    await expect(buildLatencyReport({ historyPath: file, baseline: 'tcg-000' })).rejects.toThrow(/TCG \(emulated\).*not compared/);
  });

  it('uses a labelled run, last:K, and a git ref as baselines', async () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git('commit', '-q', '--allow-empty', '-m', 'one');
    const first = git('rev-parse', 'HEAD');
    git('tag', 'v1');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    const runs = syntheticHistory({ seed: 4, runs: 8, pairs: PAIRS, inject: { pairIndex: 1, fromRun: 3, factor: 2 } });
    runs.forEach((run, index) => (run.context.gitCommit = index < 3 ? first : git('rev-parse', 'HEAD')));
    runs[1].context.label = 'release-1';
    const file = await historyOf('refs', runs);

    // One or three baseline runs cannot show the run-to-run noise: the doubled step is "low confidence", exit 0 ...
    const byLabel = await buildLatencyReport({ historyPath: file, baseline: 'release-1', cwd: repo });
    expect(byLabel.baseline.runIds).toEqual(['run-001']);
    expect(byLabel).toMatchObject({ outcome: 'ok', counts: { regression: 0, 'low-confidence': 1 } });
    expect(byLabel.notes.join(' ')).toMatch(/Only 1 baseline run\(s\), fewer than 5: .*"low confidence" without failing/);

    const byTag = await buildLatencyReport({ historyPath: file, baseline: 'git:v1', cwd: repo });
    expect(byTag.baseline.runIds).toEqual(['run-000', 'run-001', 'run-002']);
    expect(byTag).toMatchObject({ outcome: 'ok', counts: { regression: 0, 'low-confidence': 1 } });
    // ... unless the user accepts so few runs.
    const trusted = await buildLatencyReport({ historyPath: file, baseline: 'release-1', cwd: repo, settings: { minBaselineRuns: 1 } });
    expect(trusted).toMatchObject({ outcome: 'regression', counts: { regression: 1 } });

    // The last 3 runs before the latest all have the step already: nothing regressed against them.
    const recent = await buildLatencyReport({ historyPath: file, baseline: 'last:3', cwd: repo });
    expect(recent.baseline.runIds).toEqual(['run-004', 'run-005', 'run-006']);
    expect(recent.outcome).toBe('ok');

    await expect(buildLatencyReport({ historyPath: file, baseline: 'git:no-such-ref', cwd: repo })).rejects.toThrow(
      /--baseline "git:no-such-ref": .*git does not know it/,
    );
    await expect(buildLatencyReport({ historyPath: file, baseline: 'last:0' })).rejects.toThrow(/--baseline "last:0"/);
  });

  it('filters by --since, relative or absolute', async () => {
    const runs = syntheticHistory({ seed: 5, runs: 6, pairs: PAIRS, startIso: '2026-11-01T00:00:00Z' });
    const file = await historyOf('since', runs);
    const now = new Date('2026-11-01T06:00:00Z'); // runs are hourly from 00:00 to 05:00
    const lastThreeHours = await buildLatencyReport({ historyPath: file, since: '3h', now });
    expect(lastThreeHours.baseline.runIds).toEqual(['run-003', 'run-004']);
    const fromIso = await buildLatencyReport({ historyPath: file, since: '2026-11-01T04:00:00Z', now });
    expect(fromIso.baseline.runIds).toEqual(['run-004']);
    await expect(buildLatencyReport({ historyPath: file, since: 'last tuesday', now })).rejects.toThrow(/--since "last tuesday"/);
    await expect(buildLatencyReport({ historyPath: file, since: '1m', now })).rejects.toThrow(/none of the 6 runs/);
  });

  it('says there is no baseline yet for a first run, and fails clearly on an empty history', async () => {
    const file = await historyOf('single', syntheticHistory({ seed: 6, runs: 1, pairs: PAIRS }));
    const report = await buildLatencyReport({ historyPath: file });
    expect(report.outcome).toBe('no-baseline');
    expect(report.comparisons.every((comparison) => comparison.verdict === 'new')).toBe(true);

    const missing = buildLatencyReport({ historyPath: join(dir, 'absent.jsonl') });
    await expect(missing).rejects.toBeInstanceOf(ReportInputError);
    await expect(missing).rejects.toThrow(/absent\.jsonl does not exist/);
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, 'garbage\n');
    await expect(buildLatencyReport({ historyPath: empty })).rejects.toThrow(/has no valid runs/);
  });
});
