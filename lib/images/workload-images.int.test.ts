import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopologyError } from '../common/errors.ts';
import { silentReporter, type ProgressReporter } from '../common/progress.ts';
import { nowMs } from '../common/time.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import type { EngineApiRuntime } from '../runtimes/engine-api/engine-runtime.ts';
import { runCli } from '../testing/cli-process.ts';
import { topologyFromYaml } from '../testing/lab-fixture.ts';
import { ensureDebianImage } from './debian/base-image.ts';
import { resolveNodeImages } from './workload-images.ts';

// Real engine, real debootstrap: the Debian base is built once and cached under /var/cache/hybrid-lab
// and in the engine (a later run finds it). No registry is ever reached: the only pull goes to a
// loopback address where nothing listens.
let runtime: ContainerRuntime;
let dir: string;
const notes: string[] = [];
const recorder: ProgressReporter = { ...silentReporter, note: (line) => notes.push(line), stepDone: (title) => notes.push(`done: ${title}`) };
const lab = (nodes: string) => `name: wlimg\nbridge: { name: hybr11, subnet: 10.0.11.0/24 }\nnodes:\n${nodes}`;

beforeAll(async () => {
  runtime = await containerRuntime('docker');
  await runtime.ensureRunning();
  dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-wlimg-'));
});
const built: string[] = [];
afterAll(async () => {
  // Images this test built for itself (the Debian base stays: it is the shared cache).
  const client = (runtime as EngineApiRuntime).client;
  for (const reference of built) await client.getImage(reference).remove().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function contextWith(name: string, dockerfile: string, files: Record<string, string> = {}): Promise<string> {
  const context = join(dir, name);
  await rm(context, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(context, { recursive: true }));
  await writeFile(join(context, 'Dockerfile'), dockerfile);
  for (const [file, text] of Object.entries(files)) await writeFile(join(context, file), text);
  return context;
}

describe('local Debian base image (debootstrap, cached by recipe hash)', () => {
  it('builds hybrid-lab/debian:bookworm-HASH with the alias, then finds it cached', async () => {
    const first = await ensureDebianImage(runtime, [], { reporter: recorder });
    expect(first.reference).toMatch(/^hybrid-lab\/debian:bookworm-[0-9a-f]{12}$/);
    expect(first.alias).toBe('hybrid-lab/debian:bookworm');
    expect(await runtime.imageExists('hybrid-lab/debian:bookworm')).toBe(true);
    const started = nowMs();
    const again = await ensureDebianImage(runtime, []);
    expect(again).toMatchObject({ reference: first.reference, built: false, imported: false });
    expect(nowMs() - started, 'a cached base image is a lookup, not a build').toBeLessThan(10_000);
  });

  it('gives a recipe with packages its own hash, whatever the order', async () => {
    const { debianImageReference, debianRecipe } = await import('./debian/base-image.ts');
    const a = debianImageReference(debianRecipe('bookworm', ['python3', 'curl']));
    expect(a).toBe(debianImageReference(debianRecipe('bookworm', ['curl', 'python3', 'curl'])));
    expect(a).not.toBe(debianImageReference(debianRecipe('bookworm', [])));
  });

  it('refuses an unknown package before debootstrap, naming it and the fix', async () => {
    const error = await ensureDebianImage(runtime, ['no-such-package-hl11'], { field: '--package' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as Error).message).toMatch(/--package: no such Debian package in the mirror this host uses \(got "no-such-package-hl11"\)\. Fix: check the name with `apt-cache search/);
  });

  it('`hybrid-lab image build debian --json` prints the reference (cached here)', async () => {
    const result = await runCli(['image', 'build', 'debian', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { reference: string; alias: string; built: boolean };
    expect(printed).toMatchObject({ alias: 'hybrid-lab/debian:bookworm', built: false });
    expect(printed.reference).toMatch(/^hybrid-lab\/debian:bookworm-[0-9a-f]{12}$/);
  });
});

describe('node images: build:, local image:, and no registry', () => {
  it('builds a Dockerfile context through the runtime, tag = content hash, cached; a changed file is a new tag', async () => {
    const context = await contextWith('svc', 'FROM hybrid-lab/debian:bookworm\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n', { 'hello.txt': 'one\n', 'run.txt': `${process.pid}-${Date.now()}\n` }); // a context no earlier run built
    const topology = await topologyFromYaml(lab(`  - { name: svc, kind: container, build: { context: ${context} } }\n`));
    notes.length = 0;
    const first = (await resolveNodeImages(topology, runtime, 'unused', recorder)).get('svc')!;
    built.push(first);
    expect(first).toMatch(/^hybrid-lab\/build-svc:[0-9a-f]{12}$/);
    expect(await runtime.imageExists(first)).toBe(true);
    expect(notes.some((line) => /^Step 2\/\d+ : COPY hello\.txt/.test(line)), `build progress shown: ${notes.join(' | ')}`).toBe(true);
    notes.length = 0;
    expect((await resolveNodeImages(topology, runtime, 'unused', recorder)).get('svc')).toBe(first);
    expect(notes.filter((line) => line.startsWith('done: build')), 'second resolve reuses the tag').toEqual([]);
    await writeFile(join(context, 'hello.txt'), 'two\n');
    const changed = (await resolveNodeImages(topology, runtime, 'unused', silentReporter)).get('svc')!;
    built.push(changed);
    expect(changed).not.toBe(first);
  });

  it('uses a local image as it is and keeps `node` for the built-in image', async () => {
    const topology = await topologyFromYaml(lab('  - { name: a, kind: container, image: hybrid-lab/debian:bookworm }\n  - { name: b, kind: container }\n'));
    const images = await resolveNodeImages(topology, runtime, 'hybrid-lab/node:builtin', silentReporter);
    expect(Object.fromEntries(images)).toEqual({ a: 'hybrid-lab/debian:bookworm', b: 'hybrid-lab/node:builtin' });
  });

  it('an image that is not here and whose registry does not answer: one error with field, image and alternatives', async () => {
    const image = '127.0.0.1:1/hybrid-lab-test/absent:1';
    const topology = await topologyFromYaml(lab(`  - { name: a, kind: container, image: "${image}" }\n`));
    const error = await resolveNodeImages(topology, runtime, 'unused', silentReporter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    const message = (error as Error).message;
    expect(message).toContain('nodes[0].image: image is not on this machine and cannot be pulled: no registry is reachable');
    expect(message).toContain(`(got "${image}")`);
    expect(message).toMatch(/Fix: build it here instead with build: .*docker images.*docker load -i IMAGE\.tar/);
  });

  it('a Dockerfile FROM an image that is not here is refused before the build, naming the line', async () => {
    const context = await contextWith('from-absent', 'FROM 127.0.0.1:1/hybrid-lab-test/base:1\nCMD ["true"]\n');
    const topology = await topologyFromYaml(lab(`  - { name: a, kind: container, build: ${context} }\n`));
    const previous = process.env.HYBRID_LAB_PULL;
    process.env.HYBRID_LAB_PULL = 'never';
    try {
      const error = await resolveNodeImages(topology, runtime, 'unused', silentReporter).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/nodes\[0\]\.build \(Dockerfile line 1: FROM 127\.0\.0\.1:1\/hybrid-lab-test\/base:1\): image is not on this machine and cannot be pulled: pulling is off/);
    } finally {
      if (previous === undefined) delete process.env.HYBRID_LAB_PULL;
      else process.env.HYBRID_LAB_PULL = previous;
    }
  });

  it('a failing build step is one error naming the field, the Dockerfile and the engine\'s words', async () => {
    const context = await contextWith('broken', 'FROM hybrid-lab/debian:bookworm\nRUN exit 3\n');
    const topology = await topologyFromYaml(lab(`  - { name: a, kind: container, build: ${context} }\n`));
    const error = await resolveNodeImages(topology, runtime, 'unused', silentReporter).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/nodes\[0\]\.build: building .*broken\/Dockerfile failed: .*returned a non-zero code: 3[\s\S]*Fix: correct the Dockerfile/);
  });
});
