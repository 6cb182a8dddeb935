import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../common/progress.ts';
import { hasProgram } from '../../common/run.ts';
import { buildEchoTool } from '../../images/static-tools.ts';
import type { LabNode } from '../../nodes/node.ts';
import type { VmHandle, VmLabContext, VmStartSpec } from '../provider.ts';
import { guestBootsUnder, probeKvm } from '../accel.ts';
import { guestArtefacts } from './artefacts.ts';
import { qemuProvider } from './index.ts';
import { qemuDetails } from './start-vm.ts';
import { createScratchNet, type ScratchNet } from './scratch-net.ts';
import { tapExists } from './tap.ts';

// Real VMs on a real bridge: needs root, qemu and ip. Own bridge/subnet, never the lab's hybr0.
const LAB = 'hlqemutest';
const VM_IP = '10.67.0.10';
const VM2_IP = '10.67.0.11';
const canRun = process.getuid?.() === 0 && (await hasProgram('qemu-system-x86_64')) && (await hasProgram('ip'));

function vmSpec(name: string, ip: string, extra: Partial<VmStartSpec> = {}): VmStartSpec {
  return { name, kind: 'vm', ip, provider: 'qemu', memoryMb: 128, cpus: 1, managementNic: false, role: 'base', services: ['http', 'tcp-echo', 'udp-echo', 'iperf3'], ...extra };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canRun)('qemu provider on a scratch bridge (needs root + qemu)', () => {
  let net: ScratchNet;
  let ctx: VmLabContext;
  let handle: VmHandle;
  let vm: LabNode;

  beforeAll(async () => {
    net = await createScratchNet({ bridge: 'hlvm0', gateway: '10.67.0.1', peerIp: '10.67.0.50', namespace: 'hlvmpeer' });
    const stateDir = await mkdtemp(join(tmpdir(), 'hlq-'));
    ctx = { labName: LAB, bridgeName: net.bridge, prefix: 24, gateway: net.gateway, dnsServer: net.peerIp, dnsDomain: net.domain, stateDir, reporter: silentReporter };
    handle = await qemuProvider.start(vmSpec('vm1', VM_IP), ctx);
    vm = qemuProvider.node(handle, ctx);
  });

  afterAll(async () => {
    if (ctx) {
      for (const leftover of await qemuProvider.findLeftovers(LAB, ctx)) await leftover.remove().catch(() => undefined);
      await rm(ctx.stateDir, { recursive: true, force: true });
    }
    await net?.teardown();
  });

  it('boots and records pid, tap, accel mode', async () => {
    expect(handle.accel).toMatch(/^(kvm|tcg)$/);
    expect(await qemuProvider.isRunning(handle, ctx)).toBe(true);
    expect(await tapExists(String(handle.nic.hostInterface))).toBe(true);
    const hostname = await vm.exec(['hostname']);
    expect(hostname).toEqual({ exitCode: 0, stdout: 'vm1\n', stderr: '' });
  });

  it('the KVM probe gives a verdict with a reason, and its TCG positive control boots', async () => {
    const artefacts = await guestArtefacts(silentReporter);
    const guest = { kernel: artefacts.kernel.vmlinuz, initrd: artefacts.initrd };
    const verdict = await probeKvm(guest);
    expect(verdict.reason.length).toBeGreaterThan(0);
    expect(await guestBootsUnder('tcg', guest, 60_000)).toMatchObject({ booted: true });
  });

  it('exec keeps stdout, stderr and the exit code apart', async () => {
    const result = await vm.exec(['sh', '-c', 'echo "it\'s out"; echo err >&2; exit 7']);
    expect(result).toEqual({ exitCode: 7, stdout: "it's out\n", stderr: 'err\n' });
  });

  it('pings both ways', async () => {
    expect((await vm.exec(['ping', '-c', '2', '-W', '3', net.peerIp])).exitCode).toBe(0);
    expect((await net.inPeer(['busybox', 'ping', '-c', '2', '-W', '3', VM_IP])).exitCode).toBe(0);
  });

  it('serves and fetches HTTP both ways', async () => {
    // No `wget -T`: Debian's static busybox 1.35 wget segfaults with it; exec's timeout bounds the call instead.
    const fromVm = await vm.exec(['wget', '-q', '-O', '-', `http://${net.peerIp}/`], { timeoutMs: 10_000 });
    expect(fromVm.stdout, fromVm.stderr).toContain('hello from peer');
    const toVm = await net.inPeer(['busybox', 'wget', '-q', '-O', '-', `http://${VM_IP}/`], 10_000);
    expect(toVm.stdout, toVm.stderr).toContain(`hello from vm1 (${VM_IP})`);
  });

  it('echoes TCP and UDP both ways', async () => {
    for (const protocol of ['tcp', 'udp']) {
      const fromVm = await vm.exec(['hl-echo', protocol, net.peerIp, '7', `vm-${protocol}`, '3000']);
      expect(fromVm.exitCode, fromVm.stderr).toBe(0);
      expect(fromVm.stdout).toContain(`vm-${protocol}`);
      const toVm = await net.inPeer([await buildEchoTool(), protocol, VM_IP, '7', `peer-${protocol}`, '3000']);
      expect(toVm.exitCode, toVm.stderr).toBe(0);
      expect(toVm.stdout).toContain(`peer-${protocol}`);
    }
  });

  it('resolves lab names through the DNS server and search domain from the command line', async () => {
    expect((await vm.exec(['cat', '/etc/resolv.conf'])).stdout).toBe(`nameserver ${net.peerIp}\nsearch ${net.domain}\n`);
    const lookup = await vm.exec(['nslookup', `peer.${net.domain}`]);
    expect(lookup.stdout).toContain(net.peerIp);
    expect((await vm.exec(['ping', '-c', '1', '-W', '3', 'peer'])).stdout).toContain(`(${net.peerIp})`);
  });

  it('runs iperf3 as a server', async () => {
    const listening = await vm.exec(['sh', '-c', 'netstat -ltn | grep -c ":5201 "']);
    expect(listening.stdout.trim()).toBe('1');
  });

  it('times a command out with exit 124 and keeps the channel usable', async () => {
    const slow = await vm.exec(['sleep', '30'], { timeoutMs: 1500 });
    expect(slow.exitCode).toBe(124);
    expect(await vm.exec(['echo', 'still here'])).toMatchObject({ exitCode: 0, stdout: 'still here\n' });
  });

  it('serialises concurrent execs on one VM', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((word) => vm.exec(['echo', word])));
    expect(results.map((result) => result.stdout)).toEqual(['a\n', 'b\n', 'c\n', 'd\n']);
  });

  it('serialises execs from several processes (QEMU serves one console client at a time)', async () => {
    const module = new URL('./serial-exec.ts', import.meta.url).pathname;
    const socket = String(qemuDetails(handle).serialSocket);
    const children = ['p1', 'p2', 'p3'].map((id) =>
      // tsx -e compiles to CommonJS (no top-level await), hence the async wrapper.
      execa('tsx', ['-e', `(async () => { const { serialExec } = await import(${JSON.stringify(module)}); ` +
        `const results = await Promise.all([1, 2].map((n) => serialExec(${JSON.stringify(socket)}, ['echo', '${id}-' + n]))); ` +
        `console.log(results.map((r) => r.exitCode + ':' + r.stdout.trim()).join(' ')); })();`]));
    const outputs = (await Promise.all(children)).map((child) => child.stdout.trim());
    expect(outputs).toEqual(['0:p1-1 0:p1-2', '0:p2-1 0:p2-2', '0:p3-1 0:p3-2']);
  });

  it('still execs over the serial console when the VM network is down', async () => {
    expect((await vm.exec(['ip', 'link', 'set', 'eth0', 'down'])).exitCode).toBe(0);
    try {
      expect((await net.inPeer(['busybox', 'ping', '-c', '1', '-W', '1', VM_IP])).exitCode).not.toBe(0);
      expect((await vm.exec(['cat', '/sys/class/net/eth0/operstate'])).stdout.trim()).toBe('down');
    } finally {
      await vm.exec(['sh', '-c', `ip link set eth0 up && ip route replace default via ${net.gateway} dev eth0`]);
    }
    expect((await net.inPeer(['busybox', 'ping', '-c', '2', '-W', '3', VM_IP])).exitCode).toBe(0);
  });

  it('destroy removes the qemu process, the tap and the files; a second destroy is a no-op', async () => {
    const pid = Number(qemuDetails(handle).pid);
    await qemuProvider.destroy(handle, ctx);
    expect(processAlive(pid)).toBe(false);
    expect(await tapExists(String(handle.nic.hostInterface))).toBe(false);
    expect(existsSync(String(qemuDetails(handle).dir))).toBe(false);
    expect(await qemuProvider.isRunning(handle, ctx)).toBe(false);
    await qemuProvider.destroy(handle, ctx);
  });

  it('a VM that does not boot in time fails with the console tail and leaves nothing behind', async () => {
    const saved = process.env.HYBRID_LAB_VM_BOOT_TIMEOUT_MS;
    process.env.HYBRID_LAB_VM_BOOT_TIMEOUT_MS = '300';
    try {
      await expect(qemuProvider.start(vmSpec('vm3', '10.67.0.12'), ctx)).rejects.toThrow(/VM vm3 did not boot: .*within 0.3 s.*Last console lines/s);
    } finally {
      if (saved === undefined) delete process.env.HYBRID_LAB_VM_BOOT_TIMEOUT_MS;
      else process.env.HYBRID_LAB_VM_BOOT_TIMEOUT_MS = saved;
    }
    expect(await qemuProvider.findLeftovers(LAB, ctx)).toEqual([]);
  });

  it('finds and removes a VM whose state was forgotten (with a management NIC)', async () => {
    const forgotten = await qemuProvider.start(vmSpec('vm2', VM2_IP, { managementNic: true, services: ['http'] }), ctx);
    const node = qemuProvider.node(forgotten, ctx);
    const mgmt = await node.exec(['ip', '-4', '-o', 'addr', 'show', 'eth1']);
    expect(mgmt.stdout).toContain('10.0.2.15/24');
    expect((await node.exec(['ip', 'route', 'show', 'default'])).stdout).toContain('dev eth0');
    // Forget the handle: only the lab name and state dir are known now.
    const leftovers = await qemuProvider.findLeftovers(LAB, { ...ctx });
    expect(leftovers.map((leftover) => leftover.kind).sort()).toEqual(['qemu-process', 'tap', 'vm-files']);
    expect(leftovers.find((leftover) => leftover.kind === 'qemu-process')?.id).toBe(String(qemuDetails(forgotten).pid));
    for (const leftover of leftovers) await leftover.remove();
    expect(processAlive(Number(qemuDetails(forgotten).pid))).toBe(false);
    expect(await tapExists(String(forgotten.nic.hostInterface))).toBe(false);
    expect(await qemuProvider.findLeftovers(LAB, ctx)).toEqual([]);
  });
});
