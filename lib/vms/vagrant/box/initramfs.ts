import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../../../common/errors.ts';
import { run } from '../../../common/run.ts';
import { PROBE_MARKER } from '../../accel.ts';
import { GUEST_MODULES } from '../../qemu/kernel.ts';
import { packInitramfs } from '../../../images/initramfs-archive.ts';

/**
 * Modules the initramfs loads with insmod, in dependency order: the qemu provider's virtio set,
 * the block driver for the root disk, and ext4's chain in case a kernel builds it as a module.
 * Modules built into the kernel are absent from /lib/modules and skipped.
 */
export const HANDOFF_MODULES = [...GUEST_MODULES, 'virtio_blk', 'crc16', 'mbcache', 'jbd2', 'ext4'] as const;

/** The initramfs /init: load drivers, mount the disk root read-write, switch_root to hl-init. */
export const HANDOFF_INIT = `#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
# hl.probe=1: the KVM-or-TCG probe (lib/vms/accel.ts) only needs to see userspace start.
grep -qw hl.probe=1 /proc/cmdline && { echo ${PROBE_MARKER} > /dev/console; poweroff -f; }
for m in ${HANDOFF_MODULES.join(' ')}; do [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null; done
ROOT=/dev/vda
for a in $(cat /proc/cmdline); do case "$a" in hl.root=*) ROOT=\${a#hl.root=};; esac; done
i=0; while [ ! -b "$ROOT" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
mkdir -p /newroot
mount -t ext4 "$ROOT" /newroot || { echo "HYBRID-LAB-ROOT-FAILED $ROOT" > /dev/console; exec sh; }
umount /proc; umount /sys; mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/hl-init
`;

/** Builds a gzip'd busybox initramfs that boots the box's ext4 disk with the given kernel's modules. */
export async function buildHandoffInitramfs(busybox: string, modulesDir: string, output: string): Promise<void> {
  const tree = await mkdtemp(join(tmpdir(), 'hl-initramfs-'));
  try {
    for (const dir of ['bin', 'sbin', 'proc', 'sys', 'dev', 'lib/modules', 'newroot']) await mkdir(join(tree, dir), { recursive: true });
    await copyFile(busybox, join(tree, 'bin/busybox'));
    await chmod(join(tree, 'bin/busybox'), 0o755);
    for (const applet of ['sh', 'mount', 'umount', 'insmod', 'sleep', 'mkdir', 'cat', 'switch_root', 'echo', 'grep', 'poweroff']) {
      await symlink('busybox', join(tree, 'bin', applet));
    }
    await copyModules(modulesDir, join(tree, 'lib/modules'));
    await writeFile(join(tree, 'init'), HANDOFF_INIT, { mode: 0o755 });
    // The kernel opens /dev/console before devtmpfs is mounted: it must exist in the archive.
    await run('mknod', ['-m', '600', join(tree, 'dev/console'), 'c', '5', '1']);
    await packInitramfs(tree, output);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

async function copyModules(modulesDir: string, target: string): Promise<void> {
  const files = (await readdir(modulesDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  for (const name of HANDOFF_MODULES) {
    const found = files.find((entry) => entry.name === `${name}.ko`);
    if (found) await copyFile(join(found.parentPath, found.name), join(target, `${name}.ko`));
    else if (files.some((entry) => entry.name.startsWith(`${name}.ko.`))) {
      throw new SetupError(`module ${name} is compressed in ${modulesDir}; busybox insmod needs plain .ko files`);
    }
  }
  if (!existsSync(join(target, 'virtio_blk.ko')) && !(await builtIn(modulesDir, 'virtio_blk'))) {
    throw new SetupError(`kernel modules in ${modulesDir} have no virtio_blk: the box could not find its disk`);
  }
}

/** Whether modules.builtin lists the driver (then there is nothing to load). */
async function builtIn(modulesDir: string, name: string): Promise<boolean> {
  const list = await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  return list.split('\n').some((line) => line.endsWith(`/${name}.ko`));
}

