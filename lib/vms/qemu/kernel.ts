import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { cacheDir } from '../../common/paths.ts';
import { run } from '../../common/run.ts';

/** Debian's meta-package for the small cloud kernel: virtio drivers as modules, no firmware. */
export const KERNEL_META_PACKAGE = 'linux-image-cloud-amd64';

/**
 * Modules the guest loads with insmod, in dependency order (insmod does not resolve
 * dependencies). Those built into the kernel are simply absent from the package and skipped.
 */
export const GUEST_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  'failover',
  'net_failover',
  'virtio_net',
] as const;

/**
 * Modules shipped in the initramfs but loaded only when asked for (not at boot): netem and what
 * redirects the guest's incoming traffic through an ifb, for link impairments applied inside the
 * guest when the host's kernel has no netem (lib/net/guest-impairment.ts).
 */
export const ON_DEMAND_MODULES = ['sch_netem', 'ifb', 'sch_ingress', 'cls_u32', 'act_mirred'] as const;

/** Written into a cached kernel directory once its on-demand modules are there (older caches lack them). */
const ON_DEMAND_MARKER = 'on-demand-modules';

/** A kernel image and the guest modules taken from one Debian kernel package. */
export interface GuestKernel {
  /** Package name and version, e.g. linux-image-6.1.0-56-cloud-amd64_6.1.192-2. */
  id: string;
  vmlinuz: string;
  /** Module files in load order (only those that exist as modules). */
  modules: string[];
  /** Module files loaded on demand (ON_DEMAND_MODULES that exist as modules). */
  onDemandModules: string[];
}

function kernelRoot(): string {
  return join(cacheDir(), 'vm', 'kernel');
}

/** Returns the cached guest kernel, downloading and unpacking Debian's cloud kernel the first time. */
export async function ensureGuestKernel(): Promise<GuestKernel> {
  const cached = await findCachedKernel();
  if (cached) return cached;
  const { name, version } = await resolveKernelPackage();
  return unpackKernel(name, version);
}

/** Any complete kernel already in the cache (marked by a `complete` file), so later runs need no apt. */
async function findCachedKernel(): Promise<GuestKernel | undefined> {
  if (!existsSync(kernelRoot())) return undefined;
  for (const id of (await readdir(kernelRoot())).sort().reverse()) {
    const dir = join(kernelRoot(), id);
    if (!existsSync(join(dir, 'complete'))) continue;
    // Without them only guest impairments fail (clearly, when asked for): never a VM start.
    if (!existsSync(join(dir, ON_DEMAND_MARKER))) await addOnDemandModules(id, dir).catch(() => undefined);
    return describeKernelDir(id, dir);
  }
  return undefined;
}

async function describeKernelDir(id: string, dir: string): Promise<GuestKernel> {
  const present = new Set(await readdir(join(dir, 'modules')));
  const modules = GUEST_MODULES.filter((name) => present.has(`${name}.ko`)).map((name) => join(dir, 'modules', `${name}.ko`));
  const onDemandModules = ON_DEMAND_MODULES.filter((name) => present.has(`${name}.ko`)).map((name) => join(dir, 'modules', `${name}.ko`));
  return { id, vmlinuz: join(dir, 'vmlinuz'), modules, onDemandModules };
}

/** The versioned kernel package the meta-package points at (apt's own metadata, no download). */
async function resolveKernelPackage(): Promise<{ name: string; version: string }> {
  const show = await run('apt-cache', ['show', '--no-all-versions', KERNEL_META_PACKAGE], { allowFailure: true });
  const depends = /^Depends:\s*(linux-image-[^\s,(]+)\s*\(=\s*([^)\s]+)\)/m.exec(show.stdout);
  if (show.exitCode !== 0 || !depends) {
    throw new SetupError(
      `cannot find the guest kernel package ${KERNEL_META_PACKAGE} in apt's lists. Fix: run \`apt-get update\` (the Debian mirror must be reachable)`,
    );
  }
  return { name: depends[1], version: depends[2] };
}

/** Downloads the .deb (no install), extracts vmlinuz and the virtio modules into the cache. */
async function unpackKernel(name: string, version: string): Promise<GuestKernel> {
  const id = `${name}_${version}`;
  await mkdir(join(cacheDir(), 'vm'), { recursive: true }); // a fresh machine has no cache yet
  const work = await mkdtemp(join(cacheDir(), 'vm', '.kernel-'));
  try {
    await run('apt-get', ['download', `${name}=${version}`], { cwd: work, timeoutMs: 600_000 });
    const deb = (await readdir(work)).find((file) => file.endsWith('.deb'));
    if (!deb) throw new SetupError(`apt-get download ${name} produced no .deb file`);
    const tree = join(work, 'tree');
    await run('dpkg-deb', ['-x', join(work, deb), tree]);
    const staged = join(work, 'out');
    await copyKernelFiles(tree, staged);
    await writeFile(join(staged, ON_DEMAND_MARKER), `${ON_DEMAND_MODULES.join('\n')}\n`);
    await writeFile(join(staged, 'complete'), `${id}\n`);
    await mkdir(kernelRoot(), { recursive: true });
    const dir = join(kernelRoot(), id);
    // Another process may have finished the same kernel meanwhile: keep its copy, drop ours.
    if (!existsSync(join(dir, 'complete'))) {
      await rm(dir, { recursive: true, force: true });
      await rename(staged, dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    }
    return describeKernelDir(id, dir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function copyKernelFiles(tree: string, staged: string): Promise<void> {
  await mkdir(join(staged, 'modules'), { recursive: true });
  const image = (await readdir(join(tree, 'boot'))).find((file) => file.startsWith('vmlinuz-'));
  if (!image) throw new SetupError(`the kernel package has no /boot/vmlinuz-*`);
  await copyFile(join(tree, 'boot', image), join(staged, 'vmlinuz'));
  await copyModules(tree, join(staged, 'modules'), [...GUEST_MODULES, ...ON_DEMAND_MODULES]);
}

/**
 * A kernel cached before on-demand modules existed gets them from the same package version: one
 * more download, once per cache. Each file lands by rename, so a reader never sees half a module.
 */
async function addOnDemandModules(id: string, dir: string): Promise<void> {
  const [name, version] = id.split('_');
  const work = await mkdtemp(join(cacheDir(), 'vm', '.kernel-modules-'));
  try {
    await run('apt-get', ['download', `${name}=${version}`], { cwd: work, timeoutMs: 600_000 });
    const deb = (await readdir(work)).find((file) => file.endsWith('.deb'));
    if (!deb) throw new SetupError(`apt-get download ${name}=${version} produced no .deb file`);
    await run('dpkg-deb', ['-x', join(work, deb), join(work, 'tree')]);
    await copyModules(join(work, 'tree'), join(work, 'out'), ON_DEMAND_MODULES);
    for (const file of await readdir(join(work, 'out'))) await rename(join(work, 'out', file), join(dir, 'modules', file));
    await writeFile(join(dir, ON_DEMAND_MARKER), `${ON_DEMAND_MODULES.join('\n')}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function copyModules(tree: string, target: string, names: readonly string[]): Promise<void> {
  await mkdir(target, { recursive: true });
  const moduleFiles = await listFiles(join(tree, 'lib', 'modules'));
  for (const name of names) {
    const found = moduleFiles.find((file) => file.endsWith(`/${name}.ko`));
    if (found) await copyFile(found, join(target, `${name}.ko`));
    else if (moduleFiles.some((file) => file.includes(`/${name}.ko.`))) {
      throw new SetupError(`module ${name} is compressed in this kernel package; busybox insmod needs plain .ko files`);
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
