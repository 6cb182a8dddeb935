import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../../testing/cli-process.ts';
import { run } from '../../../common/run.ts';
import { boxImagePath, buildBox } from './box-build.ts';
import { vagrantEnv } from '../env.ts';

const QUICK = process.env.HYBRID_LAB_QUICK === '1';
const SKIP_REASON = ' — skipped: HYBRID_LAB_QUICK=1 asks for a quick run; CI runs it';
if (QUICK) process.stderr.write(`lib/vms/vagrant/box-build.int.test.ts${SKIP_REASON}\n`);
const CLI = CLI_BIN;

describe.skipIf(QUICK)(`hybrid-lab box build (real debootstrap + vagrant box add; ~2 min when cold)${QUICK ? SKIP_REASON : ''}`, () => {
  it('builds the base box once, then finds it current by recipe hash', async () => {
    const first = await buildBox();
    expect(existsSync(first.kernel) && existsSync(first.initrd)).toBe(true);
    expect(existsSync(boxImagePath('base'))).toBe(true);
    const second = await buildBox();
    expect(second).toEqual({ ...first, cached: true });
    const boxes = await run('vagrant', ['box', 'list'], { env: vagrantEnv() });
    expect(boxes.stdout).toMatch(/^hybrid-lab\/debian-base\s+\(libvirt, 0/m);
  }, 15 * 60_000);

  it('reports the box from the CLI as JSON, and refuses an unknown role with exit code 2', async () => {
    const json = await run(process.execPath, [CLI, 'box', 'build', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'hybrid-lab/debian-base', role: 'base', cached: true });
    const bad = await run(process.execPath, [CLI, 'box', 'build', '--role', 'nope'], { allowFailure: true });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--role: unknown box role (got "nope"). Fix: use one of base, docker');
  });
});
