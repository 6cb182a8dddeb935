/**
 * Debian base image build figures (issue 11): cold (empty cache: every .deb downloaded from the
 * host's mirror), warm (image present), re-import from the cached tarball (engine lost the image),
 * and rebuild with the .deb cache. Uses a recipe of its own (+hello) in a cache folder of its own,
 * so the lab's real images are never touched.   npx tsx lib/bench/debian-image.bench.ts
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs } from '../common/time.ts';
import { ensureDebianImage } from '../images/debian/base-image.ts';
import type { EngineApiRuntime } from '../runtimes/engine-api/engine-runtime.ts';
import { containerRuntime } from '../runtimes/registry.ts';

const cache = await mkdtemp(join(tmpdir(), 'hybrid-lab-bench-debian-'));
process.env.HYBRID_LAB_CACHE = cache;
const runtime = (await containerRuntime('docker')) as EngineApiRuntime;
const packages = ['hello'];

async function timed(label: string): Promise<string> {
  const started = nowMs();
  const image = await ensureDebianImage(runtime, packages);
  const seconds = (nowMs() - started) / 1000;
  process.stdout.write(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(7)} s  (${image.built ? 'debootstrap' : image.imported ? 'import' : 'cached'})\n`);
  return image.reference;
}

try {
  const reference = await timed('cold (empty cache, downloads every .deb)');
  await timed('warm (image present)');
  await runtime.client.getImage(reference).remove();
  await timed('engine lost the image (cached tarball)');
  await runtime.client.getImage(reference).remove();
  for (const file of await readdir(join(cache, 'images'))) if (file.endsWith('.tar')) await rm(join(cache, 'images', file));
  await timed('rebuild with the .deb cache (no download)');
  const size = (await runtime.client.getImage(reference).inspect()).Size;
  process.stdout.write(`image ${reference}: ${(size / 1e6).toFixed(0)} MB\n`);
  await runtime.client.getImage(reference).remove();
} finally {
  await rm(cache, { recursive: true, force: true });
}
