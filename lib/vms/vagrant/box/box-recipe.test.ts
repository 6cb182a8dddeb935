import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxName, boxPackages, boxRecipeHash, type BoxRecipeInputs } from './box-recipe.ts';

let dir: string;
let inputs: BoxRecipeInputs;

describe('box recipe hash (the cache key of hybrid-lab box build)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-recipe-'));
    for (const name of ['busybox', 'hl-echo', 'key.pub']) await writeFile(join(dir, name), `${name} v1`);
    inputs = {
      role: 'base',
      mirror: { uri: 'http://deb.debian.org/debian', suite: 'bookworm' },
      busybox: join(dir, 'busybox'),
      echoTool: join(dir, 'hl-echo'),
      insecurePublicKey: join(dir, 'key.pub'),
      boxVagrantfileTemplate: 'Vagrant.configure("2") do |config| end',
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is stable for the same inputs and ignores which mirror serves the packages', async () => {
    const first = await boxRecipeHash(inputs);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await boxRecipeHash({ ...inputs })).toBe(first);
    expect(await boxRecipeHash({ ...inputs, mirror: { uri: 'http://mirror.example/debian', suite: 'bookworm' } })).toBe(first);
  });

  it('changes with the role, the release, the box Vagrantfile and the content of copied binaries', async () => {
    const base = await boxRecipeHash(inputs);
    expect(await boxRecipeHash({ ...inputs, role: 'docker' })).not.toBe(base);
    expect(await boxRecipeHash({ ...inputs, mirror: { ...inputs.mirror, suite: 'trixie' } })).not.toBe(base);
    expect(await boxRecipeHash({ ...inputs, boxVagrantfileTemplate: `${inputs.boxVagrantfileTemplate}\n` })).not.toBe(base);
    await writeFile(join(dir, 'hl-echo'), 'hl-echo v2');
    expect(await boxRecipeHash(inputs)).not.toBe(base);
  });

  it('names boxes by role and adds Docker only to the docker role', () => {
    expect(boxName('base')).toBe('hybrid-lab/debian-base');
    expect(boxPackages('base')).toEqual(expect.arrayContaining(['openssh-server', 'sudo', 'iproute2', 'iputils-ping', 'linux-image-cloud-amd64']));
    expect(boxPackages('base')).not.toContain('docker.io');
    expect(boxPackages('docker')).toContain('docker.io');
  });
});
