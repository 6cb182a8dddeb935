/**
 * Benchmark of the vagrant provider: box build (warm: recipe unchanged), prepare, `vagrant up`
 * of one VM on the scratch bridge (hlvg0, 10.68.0.0/24), first ping, exec over plain ssh versus
 * `vagrant ssh -c`, guest RSS, destroy. Prints a table; no pass/fail (speed goals live here,
 * not in tests). Do not run it together with vagrant.int.test.ts (same scratch bridge).
 *   npx tsx lib/vms/vagrant/vagrant.bench.ts [--execs 5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { silentReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { formatDuration, nowMs } from '../../common/time.ts';
import type { VmHandle, VmLabContext } from '../provider.ts';
import { buildBox } from './box/box-build.ts';
import { vagrantDetails, vagrantProvider } from './provider.ts';
import { createScratchNet, SCRATCH } from './scratch-net.ts';
import { vagrant } from './vagrant-cli.ts';

const LAB = 'vgbench';
const VM_IP = '10.68.0.20';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = nowMs();
  const value = await work();
  return [value, nowMs() - started];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Resident memory of the VM's QEMU process (libvirt names it with guest=<domain>). */
async function guestRssMb(domain: string): Promise<number> {
  const pid = (await run('pgrep', ['-f', `guest=${domain},`], { allowFailure: true })).stdout.trim().split('\n')[0];
  if (!pid) return Number.NaN;
  return Number((await run('ps', ['-o', 'rss=', '-p', pid])).stdout.trim()) / 1024;
}

async function measure(ctx: VmLabContext, execs: number): Promise<Array<[string, string]>> {
  const rows: Array<[string, string]> = [];
  const [, boxMs] = await timed(() => buildBox());
  rows.push(['box build (warm, recipe unchanged)', formatDuration(boxMs)]);
  const [, prepareMs] = await timed(() => vagrantProvider.prepare(ctx));
  rows.push(['prepare (libvirt, /dev/kvm, box, accel)', formatDuration(prepareMs)]);
  const spec = { name: 'benchvm', kind: 'vm' as const, ip: VM_IP, provider: 'vagrant' as const, memoryMb: 256, cpus: 1, managementNic: false, role: 'base' as const, services: [] };
  const [handle, upMs] = await timed(() => vagrantProvider.start(spec, ctx));
  rows.push([`start = vagrant up + provision (${handle.accel})`, formatDuration(upMs)]);
  try {
    const [, pingMs] = await timed(() => run('ping', ['-c', '1', '-W', '5', VM_IP]));
    rows.push(['first ping from host after start', formatDuration(pingMs)]);
    const node = vagrantProvider.node(handle, ctx);
    const sshTimes: number[] = [];
    for (let i = 0; i < execs; i++) sshTimes.push((await timed(() => node.exec(['true'])))[1]);
    rows.push([`exec over ssh (median of ${execs})`, formatDuration(median(sshTimes))]);
    const projectDir = String(vagrantDetails(handle).projectDir);
    const [, vagrantSshMs] = await timed(() => vagrant(projectDir, ['ssh', spec.name, '-c', 'true'], join(projectDir, 'bench.log')));
    rows.push(['exec via vagrant ssh -c (once)', formatDuration(vagrantSshMs)]);
    rows.push(['guest QEMU RSS', `${(await guestRssMb(String(vagrantDetails(handle).domain))).toFixed(0)} MB`]);
  } finally {
    const [, destroyMs] = await timed(() => vagrantProvider.destroy(handle as VmHandle, ctx));
    rows.push(['destroy (vagrant destroy, networks, project)', formatDuration(destroyMs)]);
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { execs: { type: 'string', default: '5' } } });
  const stateDir = await mkdtemp(join(tmpdir(), 'hl-vgbench-'));
  const ctx: VmLabContext = { labName: LAB, bridgeName: SCRATCH.bridge, prefix: SCRATCH.prefix, gateway: SCRATCH.gateway, dnsServer: '10.68.0.2', dnsDomain: 'vgbench.local', stateDir, reporter: silentReporter };
  const net = await createScratchNet(stateDir);
  try {
    const table = new Table({ head: ['vagrant provider', 'time'] });
    table.push(...(await measure(ctx, Number(values.execs))));
    process.stdout.write(`${table.toString()}\n`);
  } finally {
    for (const leftover of await vagrantProvider.findLeftovers(LAB, ctx)) await leftover.remove();
    await net.remove();
    await rm(stateDir, { recursive: true, force: true });
  }
}

await main();
