import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarize, type RunRecord } from '../measurement.ts';
import { appendRun } from './append-run.ts';
import { parseHistoryText, readHistory } from './read-history.ts';

const LOOP = fileURLToPath(new URL('./testing/append-loop.ts', import.meta.url));

function run(runId: string, samples = [1, 2, 3]): RunRecord {
  return {
    context: {
      runId,
      startedAtIso: '2026-11-01T00:00:00.000Z',
      topologyName: 'default',
      topologyHash: 'abc',
      accelMode: 'kvm',
      hostKernel: '6.1.0',
      toolVersion: '0.1.0',
      hostname: 'ci',
    },
    measurements: [{ suite: 'latency', metric: 'icmp-rtt', unit: 'ms', from: 'host', to: 'web', samples, summary: summarize(samples), lossPercent: 0 }],
  };
}

/** Runs the append loop in a real Node process (tsx loaded in-process, so a SIGKILL hits the writer itself). */
function startAppender(file: string, count: string, tag: string, samples = 50) {
  return spawn(process.execPath, ['--import', 'tsx', LOOP, file, count, tag, String(samples)], { stdio: ['ignore', 'pipe', 'inherit'] });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hl-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('history file', () => {
  it('appends runs as lines and reads them back in order, creating the directory', async () => {
    const file = join(dir, 'nested/latency.jsonl');
    await appendRun(run('r1'), file);
    await appendRun(run('r2', [4, 5]), file);
    const history = await readHistory(file);
    expect(history.problems).toEqual([]);
    expect(history.runs.map((record) => record.context.runId)).toEqual(['r1', 'r2']);
    expect(history.runs[1].measurements[0].samples).toEqual([4, 5]);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('reports a missing file as empty, not as an error', async () => {
    const history = await readHistory(join(dir, 'absent.jsonl'));
    expect(history).toMatchObject({ exists: false, runs: [], problems: [] });
  });

  it('refuses to append a run the reader would reject', async () => {
    const file = join(dir, 'latency.jsonl');
    await expect(appendRun(run('bad', [1, NaN]), file)).rejects.toThrow(/refusing to append run bad.*samples/);
    expect((await readHistory(file)).exists).toBe(false);
  });

  it('flags a torn last line and keeps every run before it', async () => {
    const file = join(dir, 'latency.jsonl');
    await appendRun(run('r1'), file);
    await appendRun(run('r2'), file);
    const text = await readFile(file, 'utf8');
    await truncate(file, text.length - 40); // what a crash mid-write leaves behind
    const history = await readHistory(file);
    expect(history.runs.map((record) => record.context.runId)).toEqual(['r1']);
    expect(history.problems).toEqual([{ lineNumber: 2, tornTail: true, problem: expect.stringMatching(/^torn last line/) }]);
  });

  it('keeps the next run whole after a torn tail, and flags the torn line in the middle', async () => {
    const file = join(dir, 'latency.jsonl');
    await appendRun(run('r1'), file);
    await writeFile(file, (await readFile(file, 'utf8')) + '{"format":"hybrid-lab/latency-run@1","cont', 'utf8');
    await appendRun(run('r3'), file);
    const history = await readHistory(file);
    expect(history.runs.map((record) => record.context.runId)).toEqual(['r1', 'r3']);
    expect(history.problems).toHaveLength(1);
    expect(history.problems[0]).toMatchObject({ lineNumber: 2, tornTail: false });
  });

  it('names the field of a line that is JSON but not a run', () => {
    const { runs, problems } = parseHistoryText('{"format":"hybrid-lab/latency-run@1","context":{},"measurements":[]}\n\n');
    expect(runs).toEqual([]);
    expect(problems[0].problem).toMatch(/context\.runId/);
  });

  it('never interleaves lines from concurrent appenders', async () => {
    const file = join(dir, 'latency.jsonl');
    const children = ['a', 'b', 'c', 'd'].map((tag) => startAppender(file, '25', tag, 500));
    const codes = await Promise.all(children.map((child) => new Promise<number | null>((resolve) => child.on('exit', resolve))));
    expect(codes).toEqual([0, 0, 0, 0]);
    const history = await readHistory(file);
    expect(history.problems).toEqual([]);
    expect(history.runs).toHaveLength(100);
    for (const tag of ['a', 'b', 'c', 'd']) expect(history.runs.filter((record) => record.context.hostname === tag)).toHaveLength(25);
  }, 60_000);

  it('survives a writer killed with SIGKILL mid-stream: earlier runs intact, at most a flagged torn tail', async () => {
    const file = join(dir, 'latency.jsonl');
    for (const delayMs of [0, 7, 23]) {
      // Big lines (20k samples, ~400 KB) make it likely that the kill lands during a write.
      const child = startAppender(file, 'forever', `kill${delayMs}`, 20_000);
      await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    }
    const history = await readHistory(file);
    expect(history.problems.filter((problem) => !problem.tornTail)).toEqual([]);
    expect(history.problems.length).toBeLessThanOrEqual(1);
    for (const tag of ['kill0', 'kill7', 'kill23']) {
      const ids = history.runs.filter((record) => record.context.hostname === tag).map((record) => record.context.runId);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      // Runs of one writer are contiguous from 0: nothing earlier was lost or damaged.
      expect(ids).toEqual(ids.map((_, index) => `${tag}-${index}`));
    }
    for (const record of history.runs) expect(record.measurements[0].samples).toHaveLength(20_000);
  }, 60_000);
});
