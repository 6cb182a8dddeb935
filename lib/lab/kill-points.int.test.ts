import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateRoot } from '../common/paths.ts';
import { runCli, spawnCli } from '../testing/cli-process.ts';
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

  for (let point = 1; point <= KILL_POINTS; point++) {
    it(`killed at ${point}/${KILL_POINTS + 1} of a full up: down exits 0 and leaves nothing`, async () => {
      const afterMs = Math.round((fullUpMs * point) / (KILL_POINTS + 1));
      const { lastLine, finished } = await upKilledAfter(afterMs);
      await downAndCheck(`killed after ${afterMs} ms of ${fullUpMs} ms (last line: ${lastLine}${finished ? ', up had finished' : ''})`);
    });
  }
});
