/**
 * npm run bench:scale — `up`, no-op `up` and `down` of labs of 1, 5, 20 and 50 containers, each
 * beside the engine's own figures for the same work measured in the same run: N containers
 * created and started through the Engine API in parallel on a network of their own, then
 * removed (`rm -f`) in parallel. Library times (no CLI start-up) and the `up` process's peak RSS.
 * Usage: npm run bench:scale [-- 1,5,20]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../common/run.ts';
import { buildNodeImage } from '../images/lab-images.ts';
import { dockerRuntime } from '../runtimes/docker/index.ts';

const sizes = (process.argv[2] ?? '1,5,20,50').split(',').map(Number);
const repoRoot = join(import.meta.dirname, '..', '..');
const node = process.execPath;
const dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-scale-'));
const client = dockerRuntime.client;
const image = (await buildNodeImage(dockerRuntime)).reference;

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

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`hybrid-lab scale benchmark, ${new Date().toISOString()}, library times (no CLI start-up), warm images`);
console.log('containers  up (engine, ratio)          no-op up   down (engine, ratio)        up peak RSS');
for (const count of sizes) {
  const file = join(dir, `scale-${count}.yaml`);
  const nodes = Array.from({ length: count }, (_, i) => `  - { name: n${i}, kind: container }`).join('\n');
  await writeFile(file, `name: scale${count}\nbridge: { name: hlscale0, subnet: 10.0.45.0/24 }\nnodes:\n${nodes}\n`);
  await child('down', file);
  const engine = await engineFigures(count);
  const up = await child('up', file);
  const again = await child('up', file);
  const down = await child('down', file);
  console.log(
    `${String(count).padStart(10)}  ${s(up.elapsedMs).padStart(8)} (${s(engine.upMs)}, ${(up.elapsedMs / engine.upMs).toFixed(2)}x)`.padEnd(40) +
      `${s(again.elapsedMs).padStart(8)}   ${s(down.elapsedMs).padStart(7)} (${s(engine.downMs)}, ${(down.elapsedMs / engine.downMs).toFixed(2)}x)`.padEnd(38) +
      `${Math.round(up.maxRssKb / 1024)} MB`,
  );
}
