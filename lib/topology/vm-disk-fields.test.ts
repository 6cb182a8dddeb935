import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopology } from './load.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hl-vmdisk-'));
  await writeFile(join(dir, 'my.qcow2'), 'not really an image, only has to exist here');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function topology(vm: string): string {
  return `name: t\nbridge: { name: hbt0, subnet: 10.0.99.0/24 }\nnodes:\n  - { name: vm1, kind: vm, ${vm} }\n`;
}

describe('VM disk fields in the topology', () => {
  it('resolves a disk path relative to the topology file', () => {
    const parsed = parseTopology(topology('disk: my.qcow2, memoryMb: 512'), join(dir, 'lab.yaml'));
    expect(parsed.nodes[0]).toMatchObject({ disk: join(dir, 'my.qcow2') });
  });

  it('takes a recipe with packages and cloudInit with defaults', () => {
    const parsed = parseTopology(topology('disk: { recipe: debian, packages: [nginx-light] }, memoryMb: 512, cloudInit: { runcmd: [echo hi] }'), join(dir, 'lab.yaml'));
    expect(parsed.nodes[0]).toMatchObject({ disk: { recipe: 'debian', packages: ['nginx-light'] }, cloudInit: { packages: [], writeFiles: [], runcmd: ['echo hi'] } });
  });

  it('a missing disk file is one error naming the file, the field, the value and the fix', () => {
    expect(() => parseTopology(topology('disk: nope.qcow2, memoryMb: 512'), join(dir, 'lab.yaml'))).toThrow(
      new RegExp(`lab\\.yaml: nodes\\[0\\]\\.disk: no such file \\(${join(dir, 'nope.qcow2').replace(/\./g, '\\.')}\\) \\(got "nope\\.qcow2"\\)\\. Fix: give the path of a qcow2 or raw disk image`),
    );
  });

  it('refuses bad recipes, package names, too little memory, cloudInit without a disk', () => {
    const file = join(dir, 'lab.yaml');
    expect(() => parseTopology(topology('disk: { recipe: ubuntu }, memoryMb: 512'), file)).toThrow(/nodes\[0\]\.disk/);
    expect(() => parseTopology(topology('disk: { recipe: debian, packages: ["--evil"] }, memoryMb: 512'), file)).toThrow(/nodes\[0\]\.disk\.packages\[0\]: not a Debian package name/);
    expect(() => parseTopology(topology('disk: { recipe: debian }'), file)).toThrow(/nodes\[0\]\.memoryMb: a Debian disk VM needs at least 256 MB.*Fix: set memoryMb: 512/);
    expect(() => parseTopology(topology('cloudInit: { runcmd: [x] }'), file)).toThrow(/nodes\[0\]\.cloudInit: cloudInit needs a disk image/);
    expect(() => parseTopology(topology('provider: vagrant, disk: my.qcow2, memoryMb: 512'), file)).toThrow(/nodes\[0\]\.disk: is a qemu provider option; this VM uses vagrant/);
  });

  it('takes readyTimeoutSec on a disk VM only, within 10 s to an hour', () => {
    const file = join(dir, 'lab.yaml');
    expect(parseTopology(topology('disk: { recipe: debian }, memoryMb: 512, readyTimeoutSec: 600'), file).nodes[0]).toMatchObject({ readyTimeoutSec: 600 });
    expect(() => parseTopology(topology('readyTimeoutSec: 600'), file)).toThrow(/nodes\[0\]\.readyTimeoutSec: readyTimeoutSec is how long a disk VM may take.*Fix: remove readyTimeoutSec or add disk/);
    expect(() => parseTopology(topology('disk: { recipe: debian }, memoryMb: 512, readyTimeoutSec: 5'), file)).toThrow(/nodes\[0\]\.readyTimeoutSec: too short for a VM to boot/);
    expect(() => parseTopology(topology('disk: { recipe: debian }, memoryMb: 512, readyTimeoutSec: 7200'), file)).toThrow(/nodes\[0\]\.readyTimeoutSec: longer than an hour/);
  });
});
