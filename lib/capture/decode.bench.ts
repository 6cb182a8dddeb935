/**
 * Benchmark: the whole `hybrid-lab debug --pcap` command beside `tshark -q -z io,stat,0` on a
 * 1,000,000-packet capture of lab-like traffic, and the command's peak memory on 10,000,000 packets.
 * Usage: npm run bench:decode [-- --packets N] [--big-packets N] [--runs N] [--skip-big]
 * Captures are generated once into /tmp and reused. Peak RSS is measured by GNU time (/usr/bin/time).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hasProgram, run } from '../common/run.ts';
import { analyseCapture } from '../debug/analyse/analyse-capture.ts';
import { writePcapFile } from './testing/pcap-writer.ts';
import { syntheticTraffic } from './testing/synthetic-traffic.ts';

const { values } = parseArgs({ options: { packets: { type: 'string', default: '1000000' }, 'big-packets': { type: 'string', default: '10000000' }, runs: { type: 'string', default: '3' }, 'skip-big': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'bin.js'); // the built CLI (npm run build)

async function capture(packets: number): Promise<string> {
  const file = `/tmp/hybrid-lab-bench-${packets}.pcap`;
  if (!existsSync(file)) {
    process.stdout.write(`generating ${packets.toLocaleString('en-US')}-packet capture ${file} ...\n`);
    await writePcapFile(file, syntheticTraffic(packets));
  }
  return file;
}

interface Measured {
  seconds: number;
  maxRssMb: number;
}

/** Runs a program under GNU time: wall seconds and peak resident memory. */
async function measure(command: string, args: string[]): Promise<Measured> {
  const started = process.hrtime.bigint();
  const { stderr } = await run('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', command, ...args], { timeoutMs: 3_600_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds, maxRssMb: kb / 1024 };
}

/** Best of N wall times (the machine is shared: the least disturbed run), with that run's RSS. */
async function best(command: string, args: () => string[]): Promise<Measured> {
  let fastest: Measured | undefined;
  for (let i = 0; i < runs; i++) {
    const result = await measure(command, args());
    if (!fastest || result.seconds < fastest.seconds) fastest = result;
  }
  return fastest!;
}

const reportDirs: string[] = [];

/** The whole command as a user runs it: node start-up (compiled CLI), read, analyse, render, copy the pcap. */
function debugCommand(file: string): () => string[] {
  return () => {
    const out = mkdtempSync(join(tmpdir(), 'hl-bench-report-'));
    reportDirs.push(out);
    return [cli, 'debug', '--pcap', file, '--subnet', '10.66.0.0/24', '--out', out];
  };
}

/** Each report directory holds a copy of the capture: remove them as soon as they are measured. */
function removeReports(): void {
  for (const dir of reportDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} packets/s`;
const line = (label: string, m: Measured, n: number) => `${label.padEnd(44)} ${m.seconds.toFixed(2).padStart(7)} s  ${rate(n, m.seconds).padStart(20)}  peak RSS ${m.maxRssMb.toFixed(0)} MB\n`;

const packets = Number(values.packets);
const file = await capture(packets);
process.stdout.write(`\n${packets.toLocaleString('en-US')} packets: ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB), best of ${runs} runs, node ${process.version}\n`);
const inProcess = await (async () => {
  const started = process.hrtime.bigint();
  await analyseCapture(file, { subnet: '10.66.0.0/24' });
  return Number(process.hrtime.bigint() - started) / 1e9;
})();
process.stdout.write(`${'analyseCapture in process (read+decode+analyse)'.padEnd(44)} ${inProcess.toFixed(2).padStart(7)} s  ${rate(packets, inProcess).padStart(20)}\n`);
const ours = await best(process.execPath, debugCommand(file));
removeReports();
process.stdout.write(line('hybrid-lab debug --pcap (whole command)', ours, packets));
if (await hasProgram('tshark')) {
  const tshark = await best('tshark', () => ['-r', file, '-q', '-z', 'io,stat,0']);
  process.stdout.write(line('tshark -r FILE -q -z io,stat,0', tshark, packets));
  const ratio = tshark.seconds / ours.seconds;
  process.stdout.write(`whole command is ${ratio.toFixed(2)}x tshark's speed (goal >= 2x): ${ratio >= 2 ? 'met' : 'NOT met'}\n`);
} else process.stdout.write('tshark not installed: no reference time\n');

if (!values['skip-big']) {
  const bigPackets = Number(values['big-packets']);
  const bigFile = await capture(bigPackets);
  process.stdout.write(`\n${bigPackets.toLocaleString('en-US')} packets: ${bigFile} (${(statSync(bigFile).size / 1e9).toFixed(1)} GB), one run\n`);
  const big = await measure(process.execPath, debugCommand(bigFile)());
  removeReports();
  process.stdout.write(line('hybrid-lab debug --pcap (whole command)', big, bigPackets));
  process.stdout.write(`peak RSS ${big.maxRssMb.toFixed(0)} MB (goal <= 500 MB): ${big.maxRssMb <= 500 ? 'met' : 'NOT met'}\n`);
}
