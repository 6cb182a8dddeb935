import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateRoot } from '../common/paths.ts';
import { cliCommand, runCli, spawnCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT } from '../testing/lab-fixture.ts';

// Issue 9, items 3 and 13: `up` of a lab shaped like the default one (DNS, two containers, a
// qemu VM) is killed with SIGKILL at ten points spread over its whole run, VM boot included;
// each time the next `down` must exit 0 and leave nothing. Its own name, bridge and subnet.
const LAB = 'killlab';
const BRIDGE = 'hlkill0';
const KILL_POINTS = 10;
let file: string;

async function downAndCheck(context: string): Promise<void> {
  const down = await runCli(['down', '-t', file]);
  expect(down.exitCode, `${context}: down failed:\n${down.stdout}${down.stderr}`).toBe(0);
  expect(await labRemains(LAB, BRIDGE), `${context}: down left something`).toEqual(NOTHING_LEFT);
  expect(existsSync(join(stateRoot(), `${LAB}.lock`)), `${context}: lock info left`).toBe(false);
}

/** Runs `up`, kills it with SIGKILL after `afterMs`, returns the last progress line it printed. */
async function upKilledAfter(afterMs: number): Promise<{ lastLine: string; finished: boolean }> {
  const child = spawnCli(['up', '--no-setup', '-t', file]);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  const code = await exited;
  clearTimeout(timer);
  const lines = output.split('\n').filter((line) => line.trim());
  return { lastLine: lines.at(-1) ?? '(nothing printed yet)', finished: code === 0 };
}

describe(`kill -9 at ${KILL_POINTS} points of an up (containers and VM), then down`, () => {
  let fullUpMs = 0;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hl-kill-'));
    file = join(dir, 'killlab.yaml');
    await writeFile(file, `name: ${LAB}\nbridge: { name: ${BRIDGE}, subnet: 10.0.43.0/24 }\nnodes:\n  - { name: c1, kind: container }\n  - { name: c2, kind: container }\n  - { name: vm1, kind: vm, provider: qemu }\n`);
    await runCli(['down', '-t', file]);
    const started = Date.now();
    const up = await runCli(['up', '--no-setup', '-t', file]);
    fullUpMs = Date.now() - started;
    expect(up.exitCode, up.stderr).toBe(0);
    await downAndCheck('after a full up');
  });

  afterAll(() => runCli(['down', '-t', file]));

  it('a killed up that its parent never reaps (a zombie still holding its pid) does not keep the lock', async () => {
    // `sleep` becomes the up's parent and never waits for it: after kill -9 the up stays a zombie,
    // which a pid-liveness lock takes for a live holder ("lab is busy" on every retry).
    const { node, args } = cliCommand();
    const parent = spawn('sh', ['-c', '"$@" >/dev/null 2>&1 & echo $!; exec sleep 600', 'sh', node, ...args, 'up', '--no-setup', '-t', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const upPid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
      await new Promise((resolve) => setTimeout(resolve, Math.round(fullUpMs * 0.4)));
      process.kill(upPid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(readFileSync(`/proc/${upPid}/stat`, 'utf8').split(') ')[1]?.[0], 'the killed up should be a zombie for this check').toBe('Z');
      await downAndCheck('up killed and left a zombie');
    } finally {
      parent.kill('SIGKILL');
    }
  });

  for (let point = 1; point <= KILL_POINTS; point++) {
    it(`killed at ${point}/${KILL_POINTS + 1} of a full up: down exits 0 and leaves nothing`, async () => {
      const afterMs = Math.round((fullUpMs * point) / (KILL_POINTS + 1));
      const { lastLine, finished } = await upKilledAfter(afterMs);
      await downAndCheck(`killed after ${afterMs} ms of ${fullUpMs} ms (last line: ${lastLine}${finished ? ', up had finished' : ''})`);
    });
  }
});
