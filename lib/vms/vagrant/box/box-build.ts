import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withBuildLock } from '../../../images/build-lock.ts';
import { shortHash } from '../../../common/hash.ts';
import { silentReporter, step, type ProgressReporter } from '../../../common/progress.ts';
import { run } from '../../../common/run.ts';
import { buildEchoTool } from '../../../images/static-tools.ts';
import { hostDebianMirror } from '../../../images/debian/apt-mirror.ts';
import { makeQcow2Disk, packBox } from './box-image.ts';
import { boxName, boxPackages, boxRecipeHash, type BoxRecipeInputs, type BoxRole } from './box-recipe.ts';
import { debootstrapRootfs, removeRootfs } from '../../../images/debian/debootstrap.ts';
import { boxCacheDir, insecureKeyPair, vagrantEnv, vagrantHome } from '../env.ts';
import { checkVagrantPrograms, ensureKvmPermissions, ensureLibvirtDaemons } from '../host-setup.ts';
import { buildHandoffInitramfs } from './initramfs.ts';
import { listVolumes, removeVolume } from '../libvirt.ts';
import { customizeRootfs } from './rootfs.ts';
import { readTemplate, renderTemplate } from '../template.ts';

export interface BoxBuildOptions {
  role?: BoxRole;
  /** Rebuild even when the recipe hash says the installed box is current. */
  force?: boolean;
  reporter?: ProgressReporter;
}

/** A box registered with Vagrant, and the host files its Vagrantfile points at. */
export interface BuiltBox {
  name: string;
  role: BoxRole;
  hash: string;
  kernel: string;
  initrd: string;
  /** True when nothing had to be built. */
  cached: boolean;
}

const BUSYBOX = '/bin/busybox';

/** Builds the Vagrant box for a role from Debian packages (no downloads but the Debian mirror) and adds it. */
export async function buildBox(options: BoxBuildOptions = {}): Promise<BuiltBox> {
  const role = options.role ?? 'base';
  const reporter = options.reporter ?? silentReporter;
  await checkVagrantPrograms();
  const inputs = await step(reporter, 'resolve box recipe', () => gatherInputs(role), (value) => `${value.mirror.uri} ${value.mirror.suite}`);
  const hash = await boxRecipeHash(inputs);
  const dir = join(boxCacheDir(), `${role}-${hash}`);
  const box: BuiltBox = { name: boxName(role), role, hash, kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.gz'), cached: true };
  const upToDate = async () => !options.force && (await installedHash(role)) === hash && existsSync(join(dir, 'complete')) && existsSync(boxImagePath(role));
  if (await upToDate()) {
    reporter.note(`box ${box.name} is up to date (recipe ${hash})`);
    return box;
  }
  return withBuildLock(`box ${box.name} ${hash}`, reporter, async () => {
    if (await upToDate()) return box; // built by another process while this one waited
    return buildBoxInto(box, inputs, dir, reporter);
  });
}

async function buildBoxInto(box: BuiltBox, inputs: BoxRecipeInputs, dir: string, reporter: ProgressReporter): Promise<BuiltBox> {
  const work = join(boxCacheDir(), `.build-${box.role}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    await buildInto(box, inputs, dir, work, reporter);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { ...box, cached: false };
}

async function gatherInputs(role: BoxRole): Promise<BoxRecipeInputs> {
  return {
    role,
    mirror: await hostDebianMirror(),
    busybox: BUSYBOX,
    echoTool: await buildEchoTool(),
    insecurePublicKey: insecureKeyPair().publicKey,
    boxVagrantfileTemplate: await readTemplate('box.Vagrantfile'),
  };
}

async function buildInto(box: BuiltBox, inputs: BoxRecipeInputs, dir: string, work: string, reporter: ProgressReporter): Promise<void> {
  const rootfs = join(work, 'rootfs');
  const pristine = await step(reporter, 'debootstrap minimal Debian', () => debootstrapCached(inputs), (tree) => `${tree.cached ? 'cached ' : ''}${tree.path}`);
  await step(reporter, 'copy root filesystem', async () => {
    await run('cp', ['-a', pristine.path, rootfs], { timeoutMs: 10 * 60_000 });
    await rm(join(rootfs, '.hybrid-lab-complete'), { force: true });
  });
  await step(reporter, 'add init, vagrant user, insecure key, services', () => customizeRootfs(rootfs, inputs));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await step(reporter, 'extract kernel, build initramfs', () => kernelAndInitramfs(rootfs, box));
  await mkdir(join(work, 'box'), { recursive: true });
  await step(reporter, 'make ext4 root disk (qcow2)', () => makeQcow2Disk(rootfs, join(work, 'box', 'box.img')));
  const boxFile = join(work, 'hybrid-lab.box');
  const boxVagrantfile = renderTemplate(inputs.boxVagrantfileTemplate, { kernel: box.kernel, initrd: box.initrd }, 'box.Vagrantfile');
  await step(reporter, 'pack box', () => packBox(join(work, 'box'), boxVagrantfile, boxFile));
  await step(reporter, 'start libvirt, drop stale box image', async () => {
    await ensureLibvirtDaemons();
    await ensureKvmPermissions();
    await dropStaleBoxVolumes(box.role);
  });
  await step(reporter, `vagrant box add ${box.name}`, () =>
    run('vagrant', ['box', 'add', '--force', '--name', box.name, boxFile], { env: vagrantEnv(), timeoutMs: 10 * 60_000 }),
  );
  await writeFile(join(dir, 'complete'), `${box.hash}\n`);
  await writeFile(installedHashFile(box.role), `${box.hash}\n`);
  await pruneOldBuilds(box.role, dir);
}

/** Kernels and initrds of earlier recipes of this role: the box that pointed at them is gone. */
async function pruneOldBuilds(role: BoxRole, keep: string): Promise<void> {
  for (const entry of await readdir(boxCacheDir())) {
    const path = join(boxCacheDir(), entry);
    if (entry.startsWith(`${role}-`) && path !== keep) await rm(path, { recursive: true, force: true });
  }
}

/**
 * debootstrap is the slow step (minutes): its pristine tree is kept, keyed by release and
 * package list, so changing only the box's own files does not download Debian again.
 */
async function debootstrapCached(inputs: BoxRecipeInputs): Promise<{ path: string; cached: boolean }> {
  const packages = boxPackages(inputs.role);
  const target = join(boxCacheDir(), `rootfs-${inputs.role}-${shortHash([inputs.mirror.suite, packages.join(',')])}`);
  if (existsSync(join(target, '.hybrid-lab-complete'))) return { path: target, cached: true };
  const temp = `${target}.${process.pid}.tmp`;
  await removeRootfs(temp);
  try {
    await debootstrapRootfs(temp, { mirror: inputs.mirror, include: packages });
  } catch (error) {
    await removeRootfs(temp);
    throw error;
  }
  await writeFile(join(temp, '.hybrid-lab-complete'), '');
  await rm(target, { recursive: true, force: true });
  await rename(temp, target);
  // Trees of older package lists of this role are dead weight (~400 MB each).
  for (const entry of await readdir(boxCacheDir())) {
    const path = join(boxCacheDir(), entry);
    if (entry.startsWith(`rootfs-${inputs.role}-`) && path !== target && !entry.endsWith('.tmp')) await removeRootfs(path);
  }
  return { path: target, cached: false };
}

async function kernelAndInitramfs(rootfs: string, box: BuiltBox): Promise<void> {
  const image = (await readdir(join(rootfs, 'boot'))).find((name) => name.startsWith('vmlinuz-'));
  if (!image) throw new Error(`no /boot/vmlinuz-* in the box root filesystem (is linux-image-cloud-amd64 installed?)`);
  const version = image.slice('vmlinuz-'.length);
  await copyFile(join(rootfs, 'boot', image), box.kernel);
  await buildHandoffInitramfs(BUSYBOX, join(rootfs, 'lib/modules', version), box.initrd);
}

/** vagrant-libvirt reuses a pool volume named after box and version: a rebuilt box must not meet the old one. */
async function dropStaleBoxVolumes(role: BoxRole): Promise<void> {
  const prefix = `${boxName(role).replace('/', '-VAGRANTSLASH-')}_vagrant_box_image_`;
  for (const volume of await listVolumes()) if (volume.startsWith(prefix)) await removeVolume(volume);
}

/** The image `vagrant box add` stored (version 0: a box added from a file has no version). */
export function boxImagePath(role: BoxRole): string {
  return join(vagrantHome(), 'boxes', boxName(role).replace('/', '-VAGRANTSLASH-'), '0', 'libvirt', 'box.img');
}

function installedHashFile(role: BoxRole): string {
  return join(boxCacheDir(), `${role}.installed`);
}

async function installedHash(role: BoxRole): Promise<string | undefined> {
  return (await readFile(installedHashFile(role), 'utf8').catch(() => '')).trim() || undefined;
}
