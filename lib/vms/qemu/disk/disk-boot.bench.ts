/**
 * Disk VM benchmark: the Debian recipe's build (cold if not cached, then warm = cache lookup),
 * then one disk VM on a scratch bridge (hlvd1, 10.69.0.0/24, never the lab's) — boot to SSH
 * answering, to cloud-init done, RSS, mean `exec true` over SSH — beside the busybox initramfs VM
 * of the same provider booted in the same run as the reference. One VM at a time (2 shared cores).
 * Aims (issue 11): boot to SSH-ready <= 30 s under TCG, <= 5 s with KVM.
 *   npm run bench:vm-disk [-- --package nginx-light --memory 512]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { terminalReporter } from '../../../common/progress.ts';
import { formatDuration } from '../../../common/time.ts';
import { ensureVmDisk } from '../../../images/vm-disk/build.ts';
import type { VmLabContext, VmStartSpec } from '../../provider.ts';
import { guestArtefacts } from '../artefacts.ts';
import { qemuProvider } from '../index.ts';
import { residentKb } from '../qemu-process.ts';
import { createScratchNet } from '../scratch-net.ts';

const EXEC_ROUNDS = 10;

interface Row {
  vm: string;
  accel: string;
  readyMs: number;
  rssMb: number;
  execMs: number;
}

async function bootAndMeasure(spec: VmStartSpec, ctx: VmLabContext): Promise<Row> {
  const started = performance.now();
  const handle = await qemuProvider.start(spec, ctx);
  const readyMs = performance.now() - started;
  try {
    const node = qemuProvider.node(handle, ctx);
    await node.exec(['true']); // opens the shared SSH connection outside the timed rounds
    const execStarted = performance.now();
    for (let round = 0; round < EXEC_ROUNDS; round++) await node.exec(['true']);
    const execMs = (performance.now() - execStarted) / EXEC_ROUNDS;
    const rssMb = ((await residentKb(Number(handle.details.pid))) ?? 0) / 1024;
    return { vm: spec.disk ? `disk (${spec.memoryMb} MB)` : `busybox initramfs (${spec.memoryMb} MB)`, accel: handle.accel, readyMs, rssMb, execMs };
  } finally {
    await qemuProvider.destroy(handle, ctx);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { package: { type: 'string', multiple: true, default: ['nginx-light'] }, memory: { type: 'string', default: '512' } } });
  const reporter = terminalReporter();
  const recipe = { recipe: 'debian' as const, packages: values.package ?? [] };
  const buildStarted = performance.now();
  const first = await ensureVmDisk(recipe, reporter);
  const firstMs = performance.now() - buildStarted;
  const warmStarted = performance.now();
  await ensureVmDisk(recipe, reporter);
  const warmMs = performance.now() - warmStarted;
  console.log(`image build (${recipe.packages.join(', ') || 'no extra packages'}): ${first.built ? 'cold' : 'already cached'} ${formatDuration(firstMs)}, warm ${formatDuration(warmMs)}`);
  await guestArtefacts(reporter);
  const net = await createScratchNet({ bridge: 'hlvd1', gateway: '10.69.0.1', peerIp: '10.69.0.50', namespace: 'hlvdbench' });
  const ctx: VmLabContext = { labName: 'hlvdbench', bridgeName: net.bridge, prefix: 24, gateway: net.gateway, dnsServer: net.peerIp, dnsDomain: net.domain, stateDir: await mkdtemp(join(tmpdir(), 'hlvb-')), reporter };
  const base = { kind: 'vm' as const, provider: 'qemu' as const, cpus: 1, managementNic: false, role: 'base' as const, services: [] };
  try {
    const rows = [
      await bootAndMeasure({ ...base, name: 'disk', ip: '10.69.0.10', memoryMb: Number(values.memory), disk: recipe }, ctx),
      await bootAndMeasure({ ...base, name: 'initramfs', ip: '10.69.0.11', memoryMb: 128, services: ['http'] }, ctx),
    ];
    const table = new Table({ head: ['VM', 'accel', 'start → ready', 'RSS', 'exec round trip'] });
    for (const row of rows) table.push([row.vm, row.accel, formatDuration(row.readyMs), `${row.rssMb.toFixed(0)} MB`, formatDuration(row.execMs)]);
    console.log(table.toString());
    console.log('ready: disk = SSH answers + cloud-init done; initramfs = boot marker on the serial console (reference).');
  } finally {
    for (const leftover of await qemuProvider.findLeftovers(ctx.labName, ctx)) await leftover.remove().catch(() => undefined);
    await net.teardown();
    await rm(ctx.stateDir, { recursive: true, force: true });
  }
}

await main();
