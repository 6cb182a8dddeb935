import { appendFile, chmod, chown, copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inChroot } from '../../../images/debian/debootstrap.ts';
import { GUEST_FILES } from './guest-files.ts';

/** Host files the box carries: busybox (udhcpc, httpd, ...), the echo tool, the insecure key. */
export interface RootfsInputs {
  busybox: string;
  echoTool: string;
  insecurePublicKey: string;
}

/** Turns a debootstrapped tree into the Vagrant box's root: init, users, keys, services. */
export async function customizeRootfs(rootfs: string, inputs: RootfsInputs): Promise<void> {
  for (const file of GUEST_FILES) {
    const target = join(rootfs, file.path);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true });
    await writeFile(target, file.content);
    await chmod(target, file.mode);
  }
  await copyExecutable(inputs.busybox, join(rootfs, 'bin/busybox'));
  await copyExecutable(inputs.echoTool, join(rootfs, 'usr/local/bin/hl-echo'));
  // shutdown/halt/reboot would talk to an init system the box does not run.
  for (const name of ['shutdown', 'halt', 'reboot']) {
    for (const dir of ['sbin', 'usr/sbin']) await rm(join(rootfs, dir, name), { force: true });
    await symlink('poweroff', join(rootfs, 'usr/sbin', name));
  }
  await addVagrantUser(rootfs, await readFile(inputs.insecurePublicKey, 'utf8'));
  await appendFile(join(rootfs, 'etc/ssh/sshd_config'), '\n# hybrid-lab box: no reverse lookups (no DNS off the lab)\nUseDNS no\n');
  await trimRootfs(rootfs);
}

async function copyExecutable(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await copyFile(source, target);
  await chmod(target, 0o755);
}

/** The Vagrant convention (vagrant/vagrant, passwordless sudo, insecure key) plus root by key for fast exec. */
async function addVagrantUser(rootfs: string, publicKey: string): Promise<void> {
  await inChroot(rootfs, ['useradd', '-m', '-u', '1000', '-s', '/bin/bash', 'vagrant']);
  await inChroot(rootfs, ['chpasswd'], 'vagrant:vagrant\n');
  for (const [home, uid] of [['home/vagrant', 1000], ['root', 0]] as const) {
    const sshDir = join(rootfs, home, '.ssh');
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    await writeFile(join(sshDir, 'authorized_keys'), publicKey, { mode: 0o600 });
    await chown(sshDir, uid, uid);
    await chown(join(sshDir, 'authorized_keys'), uid, uid);
  }
}

/** Drops what a booted box never reads: apt caches and lists, Debian's own initrd. */
async function trimRootfs(rootfs: string): Promise<void> {
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    await rm(join(rootfs, dir), { recursive: true, force: true });
    await mkdir(join(rootfs, dir, 'partial'), { recursive: true });
  }
  await inChroot(rootfs, ['sh', '-c', 'rm -f /boot/initrd.img*']);
}
