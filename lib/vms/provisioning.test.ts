import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT } from '../common/errors.ts';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { parseTopology } from '../topology/load.ts';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hl-provision-'));
  file = join(dir, 'lab.yaml');
  await writeFile(join(dir, 'my.qcow2'), 'only has to exist');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const topology = (vm: string) => `name: t\nbridge: { name: hbt0, subnet: 10.0.99.0/24 }\nnodes:\n  - { name: vm1, kind: vm, ${vm} }\n`;
const parsedVm = (vm: string) => parseTopology(topology(vm), file).nodes[0] as Record<string, unknown>;
const refusal = (vm: string) => topologyErrorOf(() => parseTopology(topology(vm), file));
const QEMU_DISK = 'disk: { recipe: debian }, memoryMb: 512';

describe('provision: the same first-boot fields on qemu disk VMs and Vagrant VMs', () => {
  it('a vagrant VM takes packages, writeFiles and runcmd, with the defaults filled in', () => {
    const vm = parsedVm(`provider: vagrant, provision: { packages: [jq], writeFiles: [{ path: /etc/app.conf, content: "a=1\\n" }], runcmd: [echo hi, [touch, /tmp/x]] }`);
    expect(vm.provision).toEqual({
      packages: ['jq'],
      writeFiles: [{ path: '/etc/app.conf', content: 'a=1\n', permissions: '0644' }],
      runcmd: ['echo hi', ['touch', '/tmp/x']],
    });
    expect(parsedVm('provider: vagrant, role: docker, provision: { runcmd: [date] }').provision).toEqual({ packages: [], writeFiles: [], runcmd: ['date'] });
  });

  it('a qemu disk VM takes provision, and cloudInit still, with the same meaning', () => {
    expect(parsedVm(`${QEMU_DISK}, provision: { runcmd: [echo hi] }`).provision).toEqual({ packages: [], writeFiles: [], runcmd: ['echo hi'] });
    expect(parsedVm(`${QEMU_DISK}, cloudInit: { runcmd: [echo hi] }`).cloudInit).toEqual({ packages: [], writeFiles: [], runcmd: ['echo hi'] });
  });

  it('bad package names, relative paths, bad modes and empty argv lists: one error naming the field and the fix, exit 2', () => {
    const cases: Array<[string, RegExp]> = [
      ['provision: { packages: ["--evil"] }', /nodes\[0\]\.provision\.packages\[0\]: not a Debian package name.*Fix: use the name apt knows, e\.g\. postgresql/],
      ['provision: { packages: ["jq; rm -rf /"] }', /nodes\[0\]\.provision\.packages\[0\]: not a Debian package name/],
      ['provision: { writeFiles: [{ path: etc/app.conf, content: x }] }', /nodes\[0\]\.provision\.writeFiles\[0\]\.path: not an absolute path.*Fix: write the guest path, e\.g\. \/etc\/app\.conf/],
      ['provision: { writeFiles: [{ path: /etc/a, content: x, permissions: "644" }] }', /nodes\[0\]\.provision\.writeFiles\[0\]\.permissions: not an octal mode.*Fix: write e\.g\. '0644'/],
      ['provision: { runcmd: [[]] }', /nodes\[0\]\.provision\.runcmd\[0\]: empty command.*Fix: write the program and its arguments/],
      ['provision: { script: x }', /nodes\[0\]\.provision\.script: unknown field script\. Fix: remove it/],
    ];
    for (const [fields, message] of cases) {
      const error = refusal(`provider: vagrant, ${fields}`);
      expect(error.message, fields).toMatch(message);
      expect(error.exitCode).toBe(EXIT_BAD_INPUT);
      expect(EXIT_BAD_INPUT).toBe(2);
    }
  });

  it('the qemu rules stay: provision needs a disk, and only one of provision and cloudInit', () => {
    expect(refusal('provision: { runcmd: [x] }').message).toMatch(/nodes\[0\]\.provision: provision needs a disk image with cloud-init.*Fix: add disk: \{ recipe: debian \} or remove provision/);
    expect(refusal(`${QEMU_DISK}, provision: { runcmd: [x] }, cloudInit: { runcmd: [y] }`).message).toMatch(/nodes\[0\]\.cloudInit: cloudInit is the earlier name of provision; a VM takes one.*Fix: move its entries into provision and remove cloudInit/);
  });

  it('cloudInit stays a qemu option: on a vagrant VM the error points at provision', () => {
    expect(refusal('provider: vagrant, cloudInit: { runcmd: [x] }').message).toMatch(/nodes\[0\]\.cloudInit: is a qemu provider option; this VM uses vagrant.*Fix: remove cloudInit or set provider: qemu/);
  });
});
