import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRun } from '../../report/history/append-run.ts';
import { fixtureHistory } from '../../report/regression/report-fixture.ts';
import { CLI_BIN } from '../../testing/cli-process.ts';

const BIN = CLI_BIN;

/** Runs the real CLI entry point in its own process, as CI would. */
function cli(...args: string[]) {
  return execa(process.execPath, [BIN, 'report', 'latency', ...args], { reject: false, env: { HYBRID_LAB_HISTORY: '' } });
}

describe('hybrid-lab report latency', () => {
  let dir: string;
  let regressed: string;
  let steady: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-cli-report-'));
    regressed = join(dir, 'regressed.jsonl');
    steady = join(dir, 'steady.jsonl');
    for (const run of fixtureHistory(true)) await appendRun(run, regressed);
    for (const run of fixtureHistory(false)) await appendRun(run, steady);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 and names the regressed pair when the latest run regressed', async () => {
    const result = await cli('--history', regressed);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/vm1 → web-server\s*│ icmp-rtt .*✖ regression/);
    expect(result.stdout).toMatch(/other group\(s\) not compared: TCG/);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^✖ REGRESSION: 1 regression/);
  });

  it('exits 0 on a history of noise', async () => {
    const result = await cli('--history', steady);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^✔ OK: 0 regression/);
  });

  it('writes Markdown and HTML to --out and JSON to stdout', async () => {
    const markdown = join(dir, 'comment.md');
    const written = await cli('--history', regressed, '--format', 'markdown', '--out', markdown);
    expect(written.exitCode).toBe(1);
    expect(written.stdout).toBe(`wrote ${markdown}: regression, 1 regression(s), 0 improvement(s), 3 unchanged`);
    expect(await readFile(markdown, 'utf8')).toMatch(/^### ❌ Latency report/);

    const html = join(dir, 'report.html');
    expect((await cli('--history', steady, '--format', 'html', '-o', html)).exitCode).toBe(0);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg class="trend"/);

    const json = await cli('--history', regressed, '--json', '--baseline', 'last:8');
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ outcome: 'regression', baseline: { spec: 'last:8' }, counts: { regression: 1 } });
    expect(report.baseline.runIds).toHaveLength(8);
  });

  it.each([
    [['--threshold', 'lots'], /--threshold "lots": expected a percentage/],
    [['--baseline', 'no-such-run-or-ref'], /--baseline "no-such-run-or-ref": not a run id or label.*git does not know it/],
    [['--format', 'pdf'], /--format "pdf": expected one of table, markdown, html, json/],
    [['--since', 'yesterday'], /--since "yesterday"/],
    [['--alpha', '2'], /--alpha "2"/],
    [['--min-effect', 'rtt=fast'], /--min-effect "rtt=fast": expected CLASS=VALUE with CLASS one of rtt, dns, throughput, jitter, like rtt=0\.05ms/],
    [['--min-effect', 'latency=1ms'], /--min-effect "latency=1ms"/],
    [['--min-runs', '0'], /--min-runs "0": expected a whole number of runs ≥ 1/],
    [['--spread-k', 'big'], /--spread-k "big"/],
  ])('exits 2 with a clear message on bad input: %j', async (args, message) => {
    const result = await cli('--history', steady, ...args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack without --debug
  });

  it('shows the noise floor of every row, and --min-effect raises it', async () => {
    const result = await cli('--history', regressed);
    expect(result.stdout).toMatch(/│ Noise floor\s*│ Loss\s*│ Jitter/);
    expect(result.stdout).toMatch(/vm1 → web-server\s*│ icmp-rtt .*│ \+[\d.]+ ms (20% threshold|min effect|3σ of 10 runs)\s*│/);
    expect(result.stdout).toMatch(/vm1 → web-server\s*│ tcp-throughput .*│ −[\d.]+ Mbit\/s (20% threshold|min effect|3σ of 10 runs)\s*│/);
    // The +60% step is 0.7 ms: with a 1 ms minimum RTT effect it no longer counts.
    const raised = await cli('--history', regressed, '--min-effect', 'rtt=1ms', '--min-effect', 'throughput=50Mbit');
    expect(raised.exitCode, raised.stdout).toBe(0);
    expect(raised.stdout).toMatch(/vm1 → web-server\s*│ icmp-rtt .*│ \+1\.00 ms min effect\s*│/);
    expect(raised.stdout.trim().split('\n').at(-1)).toMatch(/min effect rtt 1\.00 ms, dns 0\.200 ms, throughput 50\.0 Mbit\/s, jitter 0\.200 ms/);
  });

  it('exits 2 when the history does not exist', async () => {
    const result = await cli('--history', join(dir, 'none.jsonl'));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/none\.jsonl does not exist; run the suites or `hybrid-lab bench` first/);
  });

  it('shows examples in --help', async () => {
    const result = await cli('--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Examples:[\s\S]*--baseline git:main/);
  });
});
