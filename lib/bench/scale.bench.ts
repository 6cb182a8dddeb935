/**
 * npm run bench:scale — `up`, no-op `up` and `down` of labs of 1, 5, 20 and 50 containers and
 * of 4 qemu VMs, each beside the engine's own figures for the same work measured in the same
 * run: N containers created and started through the Engine API in parallel on a network of
 * their own, then removed (`rm -f`) in parallel; for VMs, the same QEMU processes started by
 * hand in parallel to the same readiness point (boot marker), then stopped. Library times (no
 * CLI start-up) and the `up` process's peak RSS.
 * Usage: npm run bench:scale [-- 1,5,20,50,4vm]; HL_SCALE_ROUNDS=3 repeats each row (medians; on
 * a loaded host the rounds' own ratios are steadier than the times); the labs' names, bridge and subnet: HL_SCALE_LAB
 * (prefix, default scale), HL_SCALE_BRIDGE, HL_SCALE_SUBNET (default hlscale0, 10.0.45.0/24); the
 * engine's reference network: 10.0.46.0/24.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../common/run.ts';
import { buildNodeImage } from '../images/lab-images.ts';
import { dockerRuntime } from '../runtimes/docker/index.ts';
import { loadTopology } from '../topology/load.ts';
import { vmReferenceFigures } from './scale-vm-reference.ts';

const rounds = Number(process.env.HL_SCALE_ROUNDS ?? 1);
const rows = (process.argv[2] ?? '1,5,20,50,4vm').split(',').map((row) => ({ count: Number.parseInt(row, 10), vms: row.endsWith('vm') }));
const repoRoot = join(import.meta.dirname, '..', '..');
const node = process.execPath;
const dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-scale-'));
const client = dockerRuntime.client;
const image = (await buildNodeImage(dockerRuntime)).reference;
const labBridge = { name: process.env.HL_SCALE_BRIDGE ?? 'hlscale0', subnet: process.env.HL_SCALE_SUBNET ?? '10.0.45.0/24' };
const labPrefix = process.env.HL_SCALE_LAB ?? 'scale';

/** The engine alone: create+start N containers in parallel, then remove them in parallel. */
async function engineFigures(count: number): Promise<{ upMs: number; downMs: number }> {
  const network = await client.createNetwork({ Name: 'hl-scale-ref', Driver: 'bridge', IPAM: { Config: [{ Subnet: '10.0.46.0/24' }] }, Labels: { 'hybrid-lab.bench': 'scale' } });
  try {
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const container = await client.createContainer({
        name: `hl-scale-ref-${i}`, Image: image, Cmd: ['http', 'tcp-echo', 'udp-echo', 'iperf3'],
        HostConfig: { NetworkMode: 'hl-scale-ref', Init: true },
        NetworkingConfig: { EndpointsConfig: { 'hl-scale-ref': { IPAMConfig: { IPv4Address: `10.0.46.${10 + i}` } } } },
      });
      await container.start();
      return container.id;
    }));
    const upMs = performance.now() - started;
    const removing = performance.now();
    await Promise.all(ids.map((id) => client.getContainer(id).remove({ force: true })));
    return { upMs, downMs: performance.now() - removing };
  } finally {
    await network.remove();
  }
}

async function child(action: 'up' | 'down', file: string): Promise<{ elapsedMs: number; maxRssKb: number }> {
  const result = await run(node, ['--import', 'tsx', join(import.meta.dirname, 'scale-child.ts'), action, file], { cwd: repoRoot, timeoutMs: 900_000 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { elapsedMs: number; maxRssKb: number };
}

async function topologyFile(count: number, vms: boolean): Promise<string> {
  const file = join(dir, `scale-${count}${vms ? 'vm' : ''}.yaml`);
  const nodes = Array.from({ length: count }, (_, i) => (vms ? `  - { name: v${i}, kind: vm, provider: qemu }` : `  - { name: n${i}, kind: container }`)).join('\n');
  await writeFile(file, `name: ${labPrefix}${count}${vms ? 'vm' : ''}\nbridge: { name: ${labBridge.name}, subnet: ${labBridge.subnet} }\nnodes:\n${nodes}\n`);
  return file;
}

/** One round of a row: the reference, then our up, no-op up and down (the lab is down before and after). */
async function round(count: number, vms: boolean, file: string) {
  await child('down', file);
  const reference = vms ? await vmReferenceFigures(await loadTopology(file)) : { ...(await engineFigures(count)), accel: undefined };
  const up = await child('up', file);
  const again = await child('up', file);
  const down = await child('down', file);
  return { reference, up, again, down, load: loadavg()[0] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (value: number) => `${value.toFixed(2)}x`;
console.log(`hybrid-lab scale benchmark, ${new Date().toISOString()}, library times (no CLI start-up), warm images, median of ${rounds} round(s); ratios are medians of each round's own ratio`);
console.log('nodes         up (reference, ratio)       no-op up   down (reference, ratio)     up peak RSS  load');
for (const { count, vms } of rows) {
  const file = await topologyFile(count, vms);
  const results: Array<Awaited<ReturnType<typeof round>>> = [];
  for (let i = 0; i < rounds; i++) results.push(await round(count, vms, file));
  const m = (pick: (result: (typeof results)[number]) => number) => median(results.map(pick));
  const label = vms ? `${count} VMs (${results[0].reference.accel})` : `${count} containers`;
  console.log(
    `${label.padEnd(13)} ${s(m((r) => r.up.elapsedMs)).padStart(7)} (${s(m((r) => r.reference.upMs))}, ${ratio(m((r) => r.up.elapsedMs / r.reference.upMs))})`.padEnd(42) +
      `${s(m((r) => r.again.elapsedMs)).padStart(8)}   ${s(m((r) => r.down.elapsedMs)).padStart(7)} (${s(m((r) => r.reference.downMs))}, ${ratio(m((r) => r.down.elapsedMs / r.reference.downMs))})`.padEnd(38) +
      `${Math.round(Math.max(...results.map((r) => r.up.maxRssKb)) / 1024)} MB`.padStart(11) +
      `  ${results.map((r) => r.load.toFixed(1)).join('/')}`,
  );
}
