import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { cacheDir } from '../../common/paths.ts';
import { hasProgram, succeeds, run } from '../../common/run.ts';
import { waitFor } from '../../common/time.ts';
import { LIBVIRT_URI } from './env.ts';

/** Programs the vagrant provider calls; each comes from a package in lib/host/packages.ts. */
const REQUIRED_PROGRAMS = ['vagrant', 'virsh', 'libvirtd', 'virtlogd', 'debootstrap', 'qemu-img', 'mkfs.ext4', 'cpio', 'busybox', 'ssh'];

/** Throws a SetupError naming the missing programs and the install command. */
export async function checkVagrantPrograms(): Promise<void> {
  const missing: string[] = [];
  for (const program of REQUIRED_PROGRAMS) if (!(await hasProgram(program))) missing.push(program);
  if (missing.length > 0) {
    throw new SetupError(
      `the vagrant provider needs ${missing.join(', ')}. Fix: apt-get install --no-install-recommends vagrant vagrant-libvirt libvirt-daemon-system libvirt-clients debootstrap qemu-utils cpio busybox-static openssh-client`,
    );
  }
}

/** Starts virtlogd and libvirtd as daemons when they are not running (no systemd on this host). */
export async function ensureLibvirtDaemons(): Promise<void> {
  if (await libvirtAnswers()) return;
  for (const daemon of ['virtlogd', 'libvirtd']) {
    if (!(await succeeds('pgrep', ['-x', daemon]))) {
      // -d daemonizes; the child outlives us on purpose, like dockerd.
      spawn(daemon, ['-d'], { stdio: 'ignore', detached: true }).unref();
    }
  }
  await waitFor('libvirtd to answer on qemu:///system', async () => ((await libvirtAnswers()) ? true : undefined), { timeoutMs: 30_000, intervalMs: 250 });
}

async function libvirtAnswers(): Promise<boolean> {
  return succeeds('virsh', ['-c', LIBVIRT_URI, 'version'], { timeoutMs: 10_000 });
}

/** Where the original /dev/kvm owner and mode are kept so they can be put back. */
export function kvmPermsRecord(): string {
  return join(cacheDir(), 'vagrant', 'kvm-perms.orig.json');
}

/**
 * Gives /dev/kvm group kvm and mode 0660 (Debian's udev default). With a root-only 0600 device,
 * libvirt (checking access as libvirt-qemu) re-probes QEMU's capabilities on every define: 43 s
 * each here instead of 0.04 s. The original owner/mode is recorded once, before the change;
 * restoreKvmPermissions() puts it back. We keep the change across labs (it is a host setting,
 * like ip_forward) rather than flip it per lab while other labs may run.
 */
export async function ensureKvmPermissions(device = '/dev/kvm'): Promise<void> {
  if (!existsSync(device)) return;
  const info = await stat(device);
  const kvmGid = await groupId('kvm');
  if (kvmGid === undefined || (info.gid === kvmGid && (info.mode & 0o777) === 0o660)) return;
  const record = kvmPermsRecord();
  if (!existsSync(record)) {
    await mkdir(dirname(record), { recursive: true });
    await writeFile(record, JSON.stringify({ device, uid: info.uid, gid: info.gid, mode: info.mode & 0o777 }));
  }
  await chown(device, info.uid, kvmGid);
  await chmod(device, 0o660);
}

/** Puts /dev/kvm back as it was before ensureKvmPermissions changed it. Returns whether it did. */
export async function restoreKvmPermissions(): Promise<boolean> {
  const record = kvmPermsRecord();
  if (!existsSync(record)) return false;
  const saved = JSON.parse(await readFile(record, 'utf8')) as { device: string; uid: number; gid: number; mode: number };
  if (existsSync(saved.device)) {
    await chown(saved.device, saved.uid, saved.gid);
    await chmod(saved.device, saved.mode);
  }
  await rm(record, { force: true });
  return true;
}

async function groupId(name: string): Promise<number | undefined> {
  const result = await run('getent', ['group', name], { allowFailure: true });
  const gid = Number(result.stdout.split(':')[2]);
  return result.exitCode === 0 && Number.isInteger(gid) ? gid : undefined;
}
