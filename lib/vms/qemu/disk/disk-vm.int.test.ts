import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../testing/cli-process.ts';
import { silentReporter } from '../../../common/progress.ts';
import { hasProgram, run } from '../../../common/run.ts';
import { ensureVmDisk, vmDiskCacheRoot } from '../../../images/vm-disk/build.ts';
import type { VmLabContext, VmStartSpec } from '../../provider.ts';
import { qemuProvider } from '../index.ts';
import { createScratchNet, type ScratchNet } from '../scratch-net.ts';
import { findSshMasters } from './ssh.ts';

// Failure paths of disk VMs on a scratch bridge of their own (never hybr0). The happy path runs as
// a whole lab in vm-disk-lab.int.test.ts. Needs root, qemu, debootstrap, genisoimage.
const LAB = 'hlqdisktest';
const cli = (args: string[]) => runCli(args, { timeoutMs: 25 * 60_000 });
const canRun = process.getuid?.() === 0 && (await hasProgram('qemu-system-x86_64')) && (await hasProgram('debootstrap')) && (await hasProgram('genisoimage'));

describe.skipIf(!canRun)('qemu disk VMs: bad input and failure (needs root + qemu + debootstrap)', () => {
  let net: ScratchNet;
  let ctx: VmLabContext;

  beforeAll(async () => {
    net = await createScratchNet({ bridge: 'hlvd0', gateway: '10.68.0.1', peerIp: '10.68.0.50', namespace: 'hlvdpeer' });
    ctx = { labName: LAB, bridgeName: net.bridge, prefix: 24, gateway: net.gateway, dnsServer: net.peerIp, dnsDomain: net.domain, stateDir: await mkdtemp(join(tmpdir(), 'hlqd-')), reporter: silentReporter };
  });

  afterAll(async () => {
    if (ctx) {
      for (const leftover of await qemuProvider.findLeftovers(LAB, ctx)) await leftover.remove().catch(() => undefined);
      await rm(ctx.stateDir, { recursive: true, force: true });
    }
    await net?.teardown();
  });

  it('an unknown package in the recipe fails the build with one error naming it, and leaves no half-built tree', async () => {
    await expect(ensureVmDisk({ recipe: 'debian', packages: ['python3', 'hl-no-such-package'] })).rejects.toThrow(
      /^Debian package "hl-no-such-package" not found in bookworm on http\S+\. Fix: check the name with `apt-cache policy hl-no-such-package`/,
    );
    const entries = existsSync(vmDiskCacheRoot()) ? await readdir(vmDiskCacheRoot()) : [];
    expect(entries.filter((entry) => entry.includes(`.${process.pid}.tmp`))).toEqual([]);
  }, 25 * 60_000); // builds the base tree first when it is not cached

  it('`hybrid-lab image build vm-debian --json` prints the cached image; an unknown recipe exits 2 with the fix', async () => {
    const built = await cli(['image', 'build', 'vm-debian', '--package', 'nginx-light', '--json']);
    expect(built.exitCode, built.stderr).toBe(0);
    const result = JSON.parse(built.stdout) as { hash: string; disk: string; built: boolean; packages: string[] };
    expect(result).toMatchObject({ packages: ['nginx-light'] });
    expect(existsSync(result.disk)).toBe(true);
    const again = JSON.parse((await cli(['image', 'build', 'vm-debian', '--package', 'nginx-light', '--json'])).stdout) as { hash: string; built: boolean; elapsedMs: number };
    expect(again).toMatchObject({ hash: result.hash, built: false });
    const unknown = await cli(['image', 'build', 'vm-ubuntu']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/recipe: unknown image recipe \(got "vm-ubuntu"\)\. Fix: use one of debian, vm-debian/);
  }, 25 * 60_000);

  it('a disk file in another format is refused naming the VM, the file and the fix, before anything is made', async () => {
    const vmdk = join(ctx.stateDir, 'user.vmdk');
    await run('qemu-img', ['create', '-q', '-f', 'vmdk', vmdk, '64M']);
    const spec: VmStartSpec = { name: 'odd', kind: 'vm', ip: '10.68.0.11', provider: 'qemu', memoryMb: 512, cpus: 1, managementNic: false, role: 'base', services: [], disk: vmdk };
    await expect(qemuProvider.start(spec, ctx)).rejects.toThrow(/VM odd disk: is a vmdk image \(got ".*user\.vmdk"\)\. Fix: convert it with `qemu-img convert -O qcow2 IN OUT`/);
    expect(await qemuProvider.findLeftovers(LAB, ctx)).toEqual([]);
  });

  it('a VM that never becomes ready fails naming the node, the check and the last console lines, and leaves nothing', async () => {
    const spec: VmStartSpec = {
      name: 'never', kind: 'vm', ip: '10.68.0.10', provider: 'qemu', memoryMb: 512, cpus: 1, managementNic: false, role: 'base', services: [],
      disk: { recipe: 'debian', packages: ['nginx-light'] },
    };
    const saved = process.env.HYBRID_LAB_VM_READY_TIMEOUT_MS;
    process.env.HYBRID_LAB_VM_READY_TIMEOUT_MS = '8000';
    try {
      await expect(qemuProvider.start(spec, ctx)).rejects.toThrow(/VM never did not become ready \(check: ssh\): SSH to root@10\.68\.0\.10 did not answer within 8 s.*Last console lines \(.*console\.log\):\n\S/s);
    } finally {
      if (saved === undefined) delete process.env.HYBRID_LAB_VM_READY_TIMEOUT_MS;
      else process.env.HYBRID_LAB_VM_READY_TIMEOUT_MS = saved;
    }
    expect(await qemuProvider.findLeftovers(LAB, ctx)).toEqual([]);
    expect(await findSshMasters(ctx.stateDir)).toEqual([]);
  }, 25 * 60_000);
});
