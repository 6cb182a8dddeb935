import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { run } from '../../common/run.ts';
import type { DebianMirror } from './apt-mirror.ts';

/** Options for a minimal Debian root filesystem. */
export interface DebootstrapOptions {
  mirror: DebianMirror;
  /** Extra packages installed by debootstrap itself (no apt run inside the guest later). */
  include: readonly string[];
}

/**
 * Builds a minbase Debian tree in `rootfs` from the host's mirror. Downloads go only to that
 * mirror; the guest never needs the network to install anything.
 */
export async function debootstrapRootfs(rootfs: string, options: DebootstrapOptions): Promise<void> {
  const args = ['--variant=minbase', `--include=${options.include.join(',')}`, options.mirror.suite, rootfs, options.mirror.uri];
  await run('debootstrap', args, {
    timeoutMs: 30 * 60_000,
    env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
  });
  if (!existsSync(`${rootfs}/usr/sbin/sshd`)) {
    throw new Error(`debootstrap finished but ${rootfs}/usr/sbin/sshd is missing`);
  }
}

/** Runs a command inside the tree with chroot (for useradd, chpasswd...). */
export async function inChroot(rootfs: string, argv: readonly string[], input?: string): Promise<void> {
  await run('chroot', [rootfs, ...argv], { input, env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
}

/**
 * Removes a (possibly half-built) tree. debootstrap mounts /proc and /sys inside it while it
 * runs; those are unmounted first so a failed build never makes rm walk the host's /proc.
 */
export async function removeRootfs(rootfs: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1]).filter(Boolean);
  const inside = mounts.filter((point) => point === rootfs || point.startsWith(`${rootfs}/`)).sort().reverse();
  for (const point of inside) await run('umount', ['-l', point], { allowFailure: true });
  await rm(rootfs, { recursive: true, force: true });
}
