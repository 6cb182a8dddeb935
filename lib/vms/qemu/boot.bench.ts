/**
 * Boot benchmark for the qemu provider: boots N VMs (default 1, `-- --vms 3`) on a scratch
 * bridge (hlvm0, 10.67.0.0/24, never the lab's) and prints per VM: time to the boot marker, time
 * to the first ping reply from the host, resident memory, the accel mode, and the mean round
 * trip of `exec true` over the serial console.
 * Targets (issue 3): first ping <= 10 s under TCG, <= 200 MB RSS per VM.
 *   npm run bench:vm [-- --vms 3 --memory 128]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { execa } from 'execa';
import { formatDuration } from '../../common/time.ts';
import { terminalReporter } from '../../common/progress.ts';
import type { VmHandle, VmLabContext } from '../provider.ts';
import { guestArtefacts } from './artefacts.ts';
import { qemuDetails } from './start-vm.ts';
import { qemuProvider } from './index.ts';
import { residentKb } from './qemu-process.ts';
import { createScratchNet } from './scratch-net.ts';

const TARGET_PING_MS = 10_000;
const TARGET_RSS_MB = 200;
const EXEC_ROUNDS = 10;

interface BootFigures {
  name: string;
  accel: string;
  markerMs: number;
  firstPingMs: number;
  rssMb: number;
  /** Mean round trip of `true` over the serial exec channel. */
  execMs: number;
}

/** Resolves with ms since `t0` at the first echo reply from `ip` (busybox ping every 100 ms). */
function firstPingAfter(ip: string, t0: number, timeoutMs = 60_000): Promise<number> {
  const pinger = execa('busybox', ['ping', '-i', '0.1', '-W', '1', '-w', String(timeoutMs / 1000), ip], { reject: false, buffer: false });
  return new Promise((resolve, reject) => {
    pinger.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('bytes from')) {
        resolve(performance.now() - t0);
        pinger.kill();
      }
    });
    void pinger.then(() => reject(new Error(`no ping reply from ${ip} within ${timeoutMs} ms`)));
  });
}

async function bootOne(index: number, ctx: VmLabContext, memoryMb: number): Promise<{ handle: VmHandle; figures: BootFigures }> {
  const name = `bench${index}`;
  const ip = `10.67.0.${20 + index}`;
  const t0 = performance.now();
  const ping = firstPingAfter(ip, t0);
  const handle = await qemuProvider.start({ name, kind: 'vm', ip, provider: 'qemu', memoryMb, cpus: 1, managementNic: false, role: 'base', services: ['http', 'tcp-echo', 'udp-echo', 'iperf3'] }, ctx);
  const markerMs = performance.now() - t0;
  const firstPingMs = await ping;
  // Settle a moment: RSS right at the marker misses the services' first pages.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssMb = ((await residentKb(Number(qemuDetails(handle).pid))) ?? 0) / 1024;
  const node = qemuProvider.node(handle, ctx);
  const execStarted = performance.now();
  for (let round = 0; round < EXEC_ROUNDS; round++) await node.exec(['true']);
  const execMs = (performance.now() - execStarted) / EXEC_ROUNDS;
  return { handle, figures: { name, accel: handle.accel, markerMs, firstPingMs, rssMb, execMs } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vms: { type: 'string', default: '1' }, memory: { type: 'string', default: '128' } } });
  const count = Number(values.vms);
  const reporter = terminalReporter();
  await guestArtefacts(reporter); // build outside the timed part
  const net = await createScratchNet({ bridge: 'hlvm0', gateway: '10.67.0.1', peerIp: '10.67.0.50', namespace: 'hlvmpeer' });
  const stateDir = await mkdtemp(join(tmpdir(), 'hlb-'));
  const ctx: VmLabContext = { labName: 'hlbench', bridgeName: net.bridge, prefix: 24, gateway: net.gateway, dnsServer: net.peerIp, dnsDomain: net.domain, stateDir, reporter };
  const started = performance.now();
  try {
    const results = await Promise.all(Array.from({ length: count }, (_, index) => bootOne(index + 1, ctx, Number(values.memory))));
    printFigures(results.map((result) => result.figures), performance.now() - started, Number(values.memory));
  } finally {
    for (const leftover of await qemuProvider.findLeftovers('hlbench', ctx)) await leftover.remove().catch(() => undefined);
    await net.teardown();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function printFigures(figures: BootFigures[], wallMs: number, memoryMb: number): void {
  const table = new Table({ head: ['VM', 'accel', 'boot → marker', 'boot → first ping', 'RSS', 'exec round trip'] });
  for (const row of figures) {
    table.push([row.name, row.accel, formatDuration(row.markerMs), formatDuration(row.firstPingMs), `${row.rssMb.toFixed(0)} MB`, formatDuration(row.execMs)]);
  }
  console.log(table.toString());
  const worstPing = Math.max(...figures.map((row) => row.firstPingMs));
  const worstRss = Math.max(...figures.map((row) => row.rssMb));
  console.log(
    `${figures.length} VM(s) at -m ${memoryMb} in ${formatDuration(wallMs)}; worst first ping ${formatDuration(worstPing)} ` +
      `(target <= ${TARGET_PING_MS / 1000} s: ${worstPing <= TARGET_PING_MS ? 'met' : 'MISSED'}), worst RSS ${worstRss.toFixed(0)} MB ` +
      `(target <= ${TARGET_RSS_MB} MB: ${worstRss <= TARGET_RSS_MB ? 'met' : 'MISSED'})`,
  );
}

await main();
