import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { createBridge, deleteLink } from '../../net/bridge.ts';
import { ensureRule, removeRule, type IptablesRule } from '../../net/iptables.ts';
import type { VmHandle, VmLabContext } from '../provider.ts';
import { kvmPermsRecord, restoreKvmPermissions } from './host-setup.ts';
import { checkManagementIsolation } from './isolation.ts';
import { managementBridgeName } from './names.ts';
import { vagrantProvider } from './provider.ts';
import type { VagrantVmNode } from './vm-node.ts';

// Our own bridge, subnet and lab name: never the main lab (hybr0, 10.0.1.0/24, "hybrid").
const LAB = 'vgtest';
const BRIDGE = 'hlvg0';
const NETNS = 'hlvgns';
const VETH = 'hlvgv0';
const VM_IP = '10.68.0.10';
const NS_IP = '10.68.0.50';
const FORWARD_RULE: IptablesRule = {
  chain: 'FORWARD',
  spec: ['-i', BRIDGE, '-o', BRIDGE, '-m', 'comment', '--comment', 'hybrid-lab:vgtest vagrant integration test', '-j', 'ACCEPT'],
  purpose: 'bridged VM <-> netns traffic despite Docker FORWARD policy DROP',
};
const QUICK = process.env.HYBRID_LAB_QUICK === '1';

let ctx: VmLabContext;
let handle: VmHandle | undefined;
let vm: VagrantVmNode;
let httpd: ChildProcess | undefined;
let kvmRecordedBefore = false;

async function inNetns(argv: string[]) {
  return run('ip', ['netns', 'exec', NETNS, ...argv], { allowFailure: true, timeoutMs: 30_000 });
}

/** A namespace on the bridge serving HTTP with busybox, standing in for a container. */
async function startNetnsPeer(wwwDir: string): Promise<void> {
  await run('ip', ['netns', 'add', NETNS]);
  await run('ip', ['link', 'add', VETH, 'type', 'veth', 'peer', 'name', `${VETH}p`]);
  await run('ip', ['link', 'set', `${VETH}p`, 'netns', NETNS]);
  await run('ip', ['link', 'set', VETH, 'master', BRIDGE, 'up']);
  await run('ip', ['-n', NETNS, 'addr', 'add', `${NS_IP}/24`, 'dev', `${VETH}p`]);
  await run('ip', ['-n', NETNS, 'link', 'set', `${VETH}p`, 'up']);
  await run('ip', ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  await writeFile(join(wwwDir, 'index.html'), 'hello from the netns\n');
  httpd = spawn('ip', ['netns', 'exec', NETNS, 'busybox', 'httpd', '-f', '-p', '80', '-h', wwwDir], { stdio: 'ignore' });
}

async function cleanupHostSide(): Promise<void> {
  httpd?.kill('SIGKILL');
  await run('ip', ['netns', 'del', NETNS], { allowFailure: true });
  await deleteLink(VETH).catch(() => undefined); // usually gone with the namespace already
  await deleteLink(BRIDGE);
  await removeRule(FORWARD_RULE);
}

describe.skipIf(QUICK)('vagrant provider (real Vagrant + libvirt VM on a bridge, slow: vagrant up ~40 s under TCG)', () => {
  beforeAll(async () => {
    kvmRecordedBefore = existsSync(kvmPermsRecord());
    const stateDir = await mkdtemp(join(tmpdir(), 'hl-vgtest-'));
    ctx = { labName: LAB, bridgeName: BRIDGE, prefix: 24, gateway: '10.68.0.1', dnsServer: '10.68.0.2', dnsDomain: 'vgtest.local', stateDir, reporter: silentReporter };
    await cleanupHostSide();
    for (const leftover of await vagrantProvider.findLeftovers(LAB, ctx)) await leftover.remove();
    await createBridge(BRIDGE, '10.68.0.1/24', 'hybrid-lab:vgtest:bridge');
    await ensureRule(FORWARD_RULE);
    await startNetnsPeer(stateDir);
    await vagrantProvider.prepare(ctx);
    handle = await vagrantProvider.start(
      { name: 'vgvm', kind: 'vm', ip: VM_IP, provider: 'vagrant', memoryMb: 256, cpus: 1, managementNic: false, services: ['http'] },
      ctx,
    );
    vm = vagrantProvider.node(handle, ctx) as VagrantVmNode;
  });

  afterAll(async () => {
    // Every step runs even when an earlier one fails: the host must be left as found.
    try {
      if (handle) await vagrantProvider.destroy(handle, ctx).catch(() => undefined);
      for (const leftover of await vagrantProvider.findLeftovers(LAB, ctx).catch(() => [])) await leftover.remove().catch(() => undefined);
    } finally {
      try {
        await cleanupHostSide();
      } finally {
        if (!kvmRecordedBefore) await restoreKvmPermissions();
        await rm(ctx.stateDir, { recursive: true, force: true });
      }
    }
  });

  it('runs commands in the guest with exit code, stdout and stderr', async () => {
    const ok = await vm.exec(['sh', '-c', 'echo "out $1"; echo err >&2; exit 3', 'sh', 'quoted arg']);
    expect(ok).toEqual({ exitCode: 3, stdout: 'out quoted arg\n', stderr: 'err\n' });
    expect((await vm.exec(['hostname'])).stdout.trim()).toBe('vgvm');
  });

  it('configures the hybrid NIC with the static address, lab DNS server and search domain', async () => {
    const addresses = await vm.exec(['ip', '-o', '-4', 'addr', 'show']);
    expect(addresses.stdout).toContain(` ${VM_IP}/24 `);
    const resolv = (await vm.exec(['cat', '/etc/resolv.conf'])).stdout;
    expect(resolv).toContain('nameserver 10.68.0.2');
    expect(resolv).toContain('search vgtest.local');
    expect((await vm.exec(['ip', 'route', 'show', 'default'])).stdout).toContain('via 10.68.0.1');
  });

  it('answers ping and HTTP from the namespace on the bridge', async () => {
    expect((await inNetns(['ping', '-c', '3', '-i', '0.3', '-W', '2', VM_IP])).exitCode).toBe(0);
    const page = await inNetns(['curl', '-sS', '-m', '5', `http://${VM_IP}/`]);
    expect(page.stdout).toBe(`hello from vgvm (${VM_IP})\n`);
  });

  it('reaches the namespace by ping and HTTP from its hybrid address', async () => {
    expect((await vm.exec(['ping', '-c', '3', '-i', '0.3', '-W', '2', '-I', VM_IP, NS_IP])).exitCode).toBe(0);
    const page = await vm.exec(['curl', '-sS', '-m', '5', '--interface', VM_IP, `http://${NS_IP}/`]);
    expect(page.stdout).toBe('hello from the netns\n');
  });

  it('keeps the management network from carrying lab traffic', async () => {
    const isolation = await checkManagementIsolation(vm, NS_IP, String(handle!.details.managementGateway));
    expect(isolation.reachableViaManagement, isolation.detail).toBe(false);
    expect(isolation.isolated, isolation.detail).toBe(true);
  });

  it('reports running, lists its resources as leftovers, and destroy leaves nothing', async () => {
    expect(await vagrantProvider.isRunning(handle!, ctx)).toBe(true);
    const found = (await vagrantProvider.findLeftovers(LAB, ctx)).map((leftover) => `${leftover.kind}:${leftover.id}`);
    expect(found).toEqual(expect.arrayContaining(['libvirt-domain:hl_vgtest_vgvm', 'libvirt-network:hl_vgtest_hybrid', 'libvirt-network:hl_vgtest_mgmt']));
    await vagrantProvider.destroy(handle!, ctx);
    await vagrantProvider.destroy(handle!, ctx); // idempotent
    expect(await vagrantProvider.isRunning(handle!, ctx)).toBe(false);
    expect(await vagrantProvider.findLeftovers(LAB, ctx)).toEqual([]);
    const virsh = (args: string[]) => run('virsh', ['-c', 'qemu:///system', ...args]).then((r) => r.stdout);
    expect(await virsh(['list', '--all', '--name'])).not.toContain('hl_vgtest_');
    expect(await virsh(['net-list', '--all', '--name'])).not.toContain('hl_vgtest_');
    expect(await virsh(['vol-list', 'default'])).not.toContain('hl_vgtest_');
    expect((await run('ip', ['-o', 'link'])).stdout).not.toContain(managementBridgeName(LAB));
    handle = undefined;
  });
});
