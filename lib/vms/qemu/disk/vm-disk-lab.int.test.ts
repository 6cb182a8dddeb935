import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../../common/progress.ts';
import { run } from '../../../common/run.ts';
import { downLab } from '../../../lab/down.ts';
import { findNode, openLab, type LiveLab } from '../../../lab/lab-nodes.ts';
import { upLab } from '../../../lab/up.ts';
import { readState } from '../../../lab/state.ts';
import { labRemains, NOTHING_LEFT } from '../../../testing/lab-fixture.ts';
import { LAB_DIR, loadTopology } from '../../../topology/load.ts';
import type { Topology } from '../../../topology/topology.ts';
import { findSshMasters } from './ssh.ts';

// The example lab lab/examples/vm-disk.yaml (vd11, hybr21, 10.0.21.0/24): a Debian disk VM built
// from the recipe and a container. One VM boot for the whole file (TCG on 2 shared cores).
const EXAMPLE = join(LAB_DIR, 'examples', 'vm-disk.yaml');
/** A cold image build (minutes) and a TCG boot with cloud-init (minutes on a loaded 2-core host). */
const BUILD_AND_BOOT_MS = 25 * 60_000;
let topology: Topology;
let lab: LiveLab;
let baseDisk: string;
let baseBefore: { size: number; mtimeMs: number };

/** A field the qemu provider recorded for the VM in the lab state. */
function vmDetail(key: string): string {
  const vm = lab.state.resources.find((resource) => resource.kind === 'vm');
  const value = vm?.kind === 'vm' ? vm.handle?.details[key] : undefined;
  if (value === undefined) throw new Error(`the VM's state has no ${key}`);
  return String(value);
}

describe('example lab vm-disk: a Debian disk VM beside a container', () => {
  beforeAll(async () => {
    topology = await loadTopology(EXAMPLE);
    // HYBRID_LAB_TOPOLOGY=lab/examples/vm-disk.yaml makes the suites' global setup bring this lab
    // up: use it then (one VM boot, not two); otherwise bring it up here.
    const state = await readState(topology.name);
    if (state?.status !== 'up' || state.topology.hash !== topology.hash) {
      await downLab(topology.name, topology, silentReporter);
      await upLab(topology, { reporter: silentReporter });
    }
    lab = await openLab(topology.name);
    baseDisk = vmDetail('baseDisk');
    baseBefore = await stat(baseDisk);
  }, BUILD_AND_BOOT_MS);

  afterAll(async () => {
    if (topology) await downLab(topology.name, topology, silentReporter);
  }, 120_000);

  it('execs over SSH as root, stdout, stderr and exit code apart; cloud-init finished and ran the seed', async () => {
    const vm = findNode(lab, 'web-vm');
    expect(await vm.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await vm.exec(['id', '-u'])).stdout).toBe('0\n');
    expect((await vm.exec(['hostname'])).stdout).toBe('web-vm\n');
    expect((await vm.exec(['cloud-init', 'status'])).stdout).toContain('status: done');
    expect((await vm.exec(['cat', '/var/lib/hybrid-lab-provisioned'])).stdout).toBe('provisioned-by-cloud-init\n');
    expect((await vm.exec(['uname', '-r'])).stdout).toMatch(/-cloud-amd64\n$/);
  });

  it('netplan gave the hybrid NIC its static address, default route and the lab DNS', async () => {
    const vm = findNode(lab, 'web-vm');
    expect((await vm.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain('inet 10.0.21.10/24');
    expect((await vm.exec(['ip', 'route', 'show', 'default'])).stdout).toContain('default via 10.0.21.1 dev eth0');
    expect((await vm.exec(['cat', '/etc/resolv.conf'])).stdout).toBe('nameserver 10.0.21.2\nsearch hybrid.local\n');
    expect((await vm.exec(['ls', '/etc/netplan'])).stdout).toContain('50-cloud-init.yaml');
  });

  it('resolves names both ways through the lab DNS', async () => {
    const vm = findNode(lab, 'web-vm');
    const app = findNode(lab, 'app');
    expect((await vm.exec(['getent', 'hosts', 'app.hybrid.local'])).stdout).toMatch(/^10\.0\.21\.50\s+app\.hybrid\.local/);
    expect((await vm.exec(['getent', 'hosts', 'app'])).stdout).toMatch(/^10\.0\.21\.50\s/);
    const lookup = await app.exec(['nslookup', 'web-vm.hybrid.local']);
    expect(lookup.stdout, lookup.stderr).toContain('10.0.21.10');
  });

  it('serves HTTP to the container (nginx baked into the image, page from write_files) and reaches the container', async () => {
    const app = findNode(lab, 'app');
    const page = await app.exec(['wget', '-q', '-O', '-', 'http://web-vm.hybrid.local/'], { timeoutMs: 15_000 });
    expect(page.stdout, page.stderr).toBe('hello from web-vm (Debian disk)\n');
    const vm = findNode(lab, 'web-vm');
    const back = await vm.exec(['curl', '-s', '-m', '10', 'http://app.hybrid.local/']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout.length).toBeGreaterThan(0);
    expect((await vm.exec(['ping', '-c', '2', '-W', '3', 'app'])).exitCode).toBe(0);
  });

  it('writes only its overlay: the base image is untouched and backs the overlay', async () => {
    const after = await stat(baseDisk);
    expect({ size: after.size, mtimeMs: after.mtimeMs }).toEqual({ size: baseBefore.size, mtimeMs: baseBefore.mtimeMs });
    const overlay = vmDetail('overlay');
    const info = JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', overlay])).stdout) as { 'backing-filename'?: string };
    expect(info['backing-filename']).toBe(baseDisk);
  });

  it('down removes the VM, its overlay, seed, key, tap and SSH connection: nothing left', async () => {
    const vmDir = vmDetail('dir');
    await downLab(topology.name, topology, silentReporter);
    expect(await labRemains(topology.name, topology.bridge.name)).toEqual(NOTHING_LEFT);
    expect(await findSshMasters(vmDir)).toEqual([]);
  });
});
