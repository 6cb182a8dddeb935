import { existsSync } from 'node:fs';
import { withBuildLock } from '../build-lock.ts';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { cacheDir } from '../../common/paths.ts';
import { silentReporter, step, type ProgressReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { hostDebianMirror, type DebianMirror } from '../debian/apt-mirror.ts';
import { makeQcow2Disk } from '../../vms/vagrant/box/box-image.ts';
import { removeRootfs } from '../debian/debootstrap.ts';
import { buildEchoTool } from '../static-tools.ts';
import { aptInstall, ensureBaseTree, POLICY_RC_D } from './base-tree.ts';
import { DISABLED_UNITS, GUEST_CONFIG_FILES } from './guest-config.ts';
import { DEBIAN_PACKAGE_NAME, recipePackages, vmDiskRecipeHash, type VmDiskRecipe } from './recipe.ts';

/** A built disk image and the kernel/initrd taken from it for direct kernel boot. */
export interface VmDiskImage {
  recipe: VmDiskRecipe;
  hash: string;
  mirror: DebianMirror;
  /** qcow2 base image: never written (each VM gets a copy-on-write overlay). */
  disk: string;
  kernel: string;
  initrd: string;
  /** Kernel arguments that mount the image's root. */
  rootArgs: string;
  /** False when the cache already held it. */
  built: boolean;
}

const COMPLETE = 'complete.json';

/** Where built disks live: <cache>/vm/disks/<recipe>-<hash>/ */
export function vmDiskCacheRoot(): string {
  return join(cacheDir(), 'vm', 'disks');
}

const pending = new Map<string, Promise<VmDiskImage>>();

/**
 * Builds (or finds in the cache) the disk of a recipe: debootstrap from the host's Debian
 * mirror with the base and extra packages, guest config, an ext4 qcow2 and the image's own
 * kernel and initrd. Concurrent calls for one recipe in a process share one build.
 */
export function ensureVmDisk(recipe: VmDiskRecipe, reporter: ProgressReporter = silentReporter): Promise<VmDiskImage> {
  checkPackageNames(recipe.packages);
  const key = `${recipe.recipe}:${recipePackages(recipe).join(',')}`;
  let build = pending.get(key);
  if (!build) {
    build = buildOrFind(recipe, reporter).finally(() => pending.delete(key));
    pending.set(key, build);
  }
  return build;
}

function checkPackageNames(packages: readonly string[]): void {
  const bad = packages.find((name) => !DEBIAN_PACKAGE_NAME.test(name));
  if (bad !== undefined) {
    throw new SetupError(`"${bad}" is not a Debian package name. Fix: use the name apt knows (lowercase letters, digits, + - .), e.g. postgresql`);
  }
}

function describe(dir: string, recipe: VmDiskRecipe, hash: string, mirror: DebianMirror, built: boolean): VmDiskImage {
  return { recipe, hash, mirror, disk: join(dir, 'disk.qcow2'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), rootArgs: 'root=LABEL=hybrid-root rw', built };
}

async function buildOrFind(recipe: VmDiskRecipe, reporter: ProgressReporter): Promise<VmDiskImage> {
  const mirror = await hostDebianMirror();
  const echoTool = await buildEchoTool();
  const hash = vmDiskRecipeHash(recipe, mirror, await readFile(echoTool));
  const dir = join(vmDiskCacheRoot(), `${recipe.recipe}-${hash}`);
  if (existsSync(join(dir, COMPLETE))) return describe(dir, recipe, hash, mirror, false);
  const extras = recipePackages(recipe);
  const title = `VM disk ${recipe.recipe}${extras.length ? ` + ${extras.join(', ')}` : ''} (Debian ${mirror.suite})`;
  return withBuildLock(`VM disk ${recipe.recipe}-${hash}`, reporter, async () => {
    // Another process may have built it while this one waited for the lock.
    if (existsSync(join(dir, COMPLETE))) return describe(dir, recipe, hash, mirror, false);
    return buildDisk(recipe, hash, mirror, dir, echoTool, title, reporter);
  });
}

async function buildDisk(recipe: VmDiskRecipe, hash: string, mirror: DebianMirror, dir: string, echoTool: string, title: string, reporter: ProgressReporter): Promise<VmDiskImage> {
  const extras = recipePackages(recipe);
  return step(reporter, title, async () => {
    const staged = `${dir}.${process.pid}.tmp`;
    const rootfs = `${staged}-rootfs`;
    await mkdir(dirname(dir), { recursive: true });
    try {
      const base = await ensureBaseTree(mirror);
      await run('cp', ['-a', '--reflink=auto', base, rootfs], { timeoutMs: 10 * 60_000 });
      await aptInstall(rootfs, extras, mirror);
      await configureGuest(rootfs);
      await copyFile(echoTool, join(rootfs, 'usr/local/bin/hl-echo'));
      await chmod(join(rootfs, 'usr/local/bin/hl-echo'), 0o755);
      await rm(staged, { recursive: true, force: true });
      await mkdir(staged, { recursive: true });
      await copyBootFiles(rootfs, staged);
      await makeQcow2Disk(rootfs, join(staged, 'disk.qcow2'));
      await writeFile(join(staged, COMPLETE), `${JSON.stringify({ recipe: recipe.recipe, packages: extras, hash, mirror })}\n`);
      await rm(dir, { recursive: true, force: true });
      await rename(staged, dir);
      await pruneOlderBuilds(recipe.recipe, extras, dir);
    } finally {
      await removeRootfs(rootfs);
      await rm(staged, { recursive: true, force: true });
    }
    return describe(dir, recipe, hash, mirror, true);
  }, (image) => `${image.hash}`);
}

/** Guest config files, fresh host keys per VM, networkd on, periodic jobs off, apt caches gone. */
async function configureGuest(rootfs: string): Promise<void> {
  for (const file of GUEST_CONFIG_FILES) {
    const target = join(rootfs, file.path);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true }); // resolv.conf may be a symlink into the build host
    await writeFile(target, file.content);
    await chmod(target, file.mode);
  }
  const sshDir = join(rootfs, 'etc/ssh');
  for (const name of await readdir(sshDir)) if (name.startsWith('ssh_host_')) await rm(join(sshDir, name));
  await run('systemctl', ['--root', rootfs, 'enable', 'systemd-networkd.service']);
  await run('systemctl', ['--root', rootfs, 'mask', ...DISABLED_UNITS]);
  for (const path of [POLICY_RC_D, '.hybrid-lab-complete']) await rm(join(rootfs, path), { force: true });
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    await rm(join(rootfs, dir), { recursive: true, force: true });
    await mkdir(join(rootfs, dir, 'partial'), { recursive: true });
  }
}

/** The image's own kernel and initrd, booted directly by QEMU (no bootloader, faster under TCG). */
async function copyBootFiles(rootfs: string, target: string): Promise<void> {
  const boot = await readdir(join(rootfs, 'boot'));
  const kernel = boot.find((name) => name.startsWith('vmlinuz-'));
  const initrd = boot.find((name) => name.startsWith('initrd.img-'));
  if (!kernel || !initrd) throw new SetupError(`the built image has no /boot/vmlinuz-* and /boot/initrd.img-* (found: ${boot.join(', ') || 'nothing'}). Fix: check that linux-image-cloud-amd64 and initramfs-tools installed`);
  await copyFile(join(rootfs, 'boot', kernel), join(target, 'vmlinuz'));
  await copyFile(join(rootfs, 'boot', initrd), join(target, 'initrd.img'));
  await chmod(join(target, 'vmlinuz'), 0o644);
  await chmod(join(target, 'initrd.img'), 0o644);
}

/** Images of the same recipe and package set built by an older recipe version: never used again (~600 MB each). */
async function pruneOlderBuilds(recipeName: string, packages: readonly string[], keep: string): Promise<void> {
  for (const entry of await readdir(vmDiskCacheRoot())) {
    const dir = join(vmDiskCacheRoot(), entry);
    if (dir === keep || !entry.startsWith(`${recipeName}-`) || entry.includes('.tmp')) continue;
    const record = JSON.parse(await readFile(join(dir, COMPLETE), 'utf8').catch(() => '{}')) as { packages?: string[] };
    if (JSON.stringify(record.packages) === JSON.stringify(packages)) await rm(dir, { recursive: true, force: true });
  }
}
