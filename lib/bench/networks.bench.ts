/**
 * npm run bench:networks — issue 14's benchmark: `up` and `down` of lab/examples/networks
 * (4 networks, DNS + DHCP, 4 containers, 2 qemu VMs, policies, a forward, a rate limit), cold
 * (nothing of the lab exists; the images and the VM kernel/initramfs are built and cached before
 * the clock starts: image builds are not included) and warm (a no-op `up` of the lab that is up),
 * beside a reference measured in the same run: the same resources made and removed by hand
 * (networks-reference.ts). Library times (a child process each, as scale-child.ts, with its
 * peak RSS) and CLI times (dist/cli/bin.js as a user runs it: wall time, peak RSS).
 * Usage: npm run bench:networks [-- --json]; HL_NETBENCH_ROUNDS=3 for medians of 3 rounds.
 * Owns lab nw14 (the example's) and the reference's names (hlnb, hybr86-89): run it only where
 * nobody else uses them.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { buildDnsImage, buildNodeImage } from '../images/lab-images.ts';
import { downLab } from '../lab/down.ts';
import { dockerRuntime } from '../runtimes/docker/index.ts';
import { CLI_BIN, REPO_ROOT } from '../testing/cli-process.ts';
import { loadTopology } from '../topology/load.ts';
import { guestArtefacts } from '../vms/qemu/artefacts.ts';
import { REFERENCE_LAB, referenceFigures, referenceTopology, type ReferenceFigures } from './networks-reference.ts';

const FILE = join(REPO_ROOT, 'lab', 'examples', 'networks', 'networks.yaml');
const rounds = Math.max(1, Number(process.env.HL_NETBENCH_ROUNDS ?? 1));
const json = process.argv.includes('--json');
const node = process.execPath;
const TIME = '/usr/bin/time'; // GNU time: the CLI process's peak RSS (%M, KB)

interface Figure {
  elapsedMs: number;
  maxRssKb: number;
}

/** One up/down in a process of its own through the library (no CLI start-up in the time). */
async function library(action: 'up' | 'down'): Promise<Figure> {
  const result = await run(node, ['--import', 'tsx', join(import.meta.dirname, 'scale-child.ts'), action, FILE], { cwd: REPO_ROOT, timeoutMs: 900_000 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Figure;
}

/** One up/down through the compiled CLI: wall time from spawn to exit, and the process's peak RSS. */
async function cli(action: 'up' | 'down'): Promise<Figure & { libraryMs: number }> {
  const argv = [CLI_BIN, action, '-t', FILE, '--json'];
  const timed = existsSync(TIME);
  const started = performance.now();
  const result = await run(timed ? TIME : node, timed ? ['-f', 'maxrss %M', node, ...argv] : argv, { cwd: REPO_ROOT, timeoutMs: 900_000 });
  const elapsedMs = performance.now() - started;
  const maxRssKb = Number(/maxrss (\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { elapsedMs, maxRssKb, libraryMs: (JSON.parse(result.stdout) as { elapsedMs: number }).elapsedMs };
}

interface Round {
  reference: ReferenceFigures;
  lib: { up: Figure; again: Figure; down: Figure };
  cli: { up: Figure & { libraryMs: number }; again: Figure & { libraryMs: number }; down: Figure & { libraryMs: number } };
  load: number;
}

const topology = await loadTopology(FILE);
const reference = await referenceTopology(FILE);
// Images and VM artefacts are built (or found cached) before anything is timed.
const images = { node: (await buildNodeImage(dockerRuntime)).reference, dns: (await buildDnsImage(dockerRuntime)).reference };
await guestArtefacts(silentReporter);
const sweepReference = async () => {
  const result = await downLab(REFERENCE_LAB, reference, silentReporter);
  if (result.failures.length > 0) throw new Error(`could not clear the reference lab ${REFERENCE_LAB}: ${result.failures.join('; ')}`);
};

async function round(): Promise<Round> {
  await library('down'); // cold: nothing of the lab exists
  await sweepReference();
  const ref = await referenceFigures(reference, dockerRuntime.client, images);
  const lib = { up: await library('up'), again: await library('up'), down: await library('down') };
  const viaCli = { up: await cli('up'), again: await cli('up'), down: await cli('down') };
  return { reference: ref, lib, cli: viaCli, load: loadavg()[0] };
}

const results: Round[] = [];
try {
  for (let i = 0; i < rounds; i++) results.push(await round());
} finally {
  await library('down').catch(() => undefined);
  await sweepReference().catch(() => undefined);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const m = (pick: (r: Round) => number) => median(results.map(pick));
const figures = {
  lab: topology.name, rounds, accel: results[0].reference.accel, imagesIncluded: false, loads: results.map((r) => Number(r.load.toFixed(2))),
  reference: { upMs: m((r) => r.reference.upMs), downMs: m((r) => r.reference.downMs) },
  library: {
    coldUpMs: m((r) => r.lib.up.elapsedMs), warmUpMs: m((r) => r.lib.again.elapsedMs), downMs: m((r) => r.lib.down.elapsedMs),
    upRatio: m((r) => r.lib.up.elapsedMs / r.reference.upMs), downRatio: m((r) => r.lib.down.elapsedMs / r.reference.downMs),
    peakRssKb: Math.max(...results.flatMap((r) => [r.lib.up.maxRssKb, r.lib.again.maxRssKb, r.lib.down.maxRssKb])),
  },
  cli: {
    coldUpMs: m((r) => r.cli.up.elapsedMs), warmUpMs: m((r) => r.cli.again.elapsedMs), downMs: m((r) => r.cli.down.elapsedMs),
    upRatio: m((r) => r.cli.up.elapsedMs / r.reference.upMs), downRatio: m((r) => r.cli.down.elapsedMs / r.reference.downMs),
    peakRssKb: Math.max(...results.flatMap((r) => [r.cli.up.maxRssKb, r.cli.again.maxRssKb, r.cli.down.maxRssKb])),
  },
  perRound: results,
};

if (json) console.log(JSON.stringify(figures, null, 2));
else {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const x = (ratio: number) => `${ratio.toFixed(2)}x`;
  const mb = (kb: number) => (kb > 0 ? `${Math.round(kb / 1024)} MB` : '-');
  console.log(`hybrid-lab networks benchmark (${FILE.replace(`${REPO_ROOT}/`, '')}: 4 networks, DNS+DHCP, 4 containers, 2 VMs ${figures.accel}), ${new Date().toISOString()}`);
  console.log(`median of ${rounds} round(s); images and VM kernel/initramfs cached (builds not included); ratios are medians of each round's own ratio; load ${figures.loads.join('/')}`);
  console.log('step          hybrid-lab (library)   hybrid-lab (CLI wall)   reference   ratio lib / CLI');
  const row = (name: string, lib: number, viaCli: number, ref?: number, ratios?: [number, number]) =>
    console.log(`${name.padEnd(14)}${s(lib).padStart(20)}   ${s(viaCli).padStart(21)}   ${(ref === undefined ? '-' : s(ref)).padStart(9)}   ${ratios ? `${x(ratios[0])} / ${x(ratios[1])}` : '-'}`);
  row('cold up', figures.library.coldUpMs, figures.cli.coldUpMs, figures.reference.upMs, [figures.library.upRatio, figures.cli.upRatio]);
  row('warm up', figures.library.warmUpMs, figures.cli.warmUpMs);
  row('down', figures.library.downMs, figures.cli.downMs, figures.reference.downMs, [figures.library.downRatio, figures.cli.downRatio]);
  console.log(`peak RSS: library ${mb(figures.library.peakRssKb)}, CLI ${mb(figures.cli.peakRssKb)}`);
}
