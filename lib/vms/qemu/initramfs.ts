import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { shortHash } from '../../common/hash.ts';
import { cacheDir } from '../../common/paths.ts';
import { run } from '../../common/run.ts';
import { buildEchoTool } from '../../images/static-tools.ts';
import { packInitramfs } from '../../images/initramfs-archive.ts';
import { sharedLibraries } from '../../images/rootfs.ts';
import { LAB_DIR } from '../../topology/load.ts';
import type { GuestKernel } from './kernel.ts';

/** Guest scripts: PID 1 and the serial exec agent (lab/images/vm). */
export const GUEST_INIT = join(LAB_DIR, 'images', 'vm', 'init.sh');
export const GUEST_AGENT = join(LAB_DIR, 'images', 'vm', 'hl-agent.sh');
/** udhcpc's event script (DHCP NICs). */
export const GUEST_DHCP_SCRIPT = join(LAB_DIR, 'images', 'vm', 'hl-dhcp.sh');

/** Bump when the archive layout changes without any input file changing. */
const LAYOUT_VERSION = '2';

/** One file placed in the guest: where it comes from on the host and where it lands. */
interface GuestFile {
  source: string;
  target: string;
  mode: number;
}

/**
 * Builds (or reuses) the guest initramfs: busybox, hl-echo, iperf3 with its libraries, the
 * virtio modules and the init scripts. Cached under cacheDir()/vm/initramfs by a hash of
 * every input's content. Returns the .cpio.gz path.
 */
export async function ensureInitramfs(kernel: GuestKernel): Promise<string> {
  const files = await collectGuestFiles(kernel);
  const contents = await Promise.all(files.map((file) => readFile(file.source)));
  const key = shortHash([LAYOUT_VERSION, ...files.flatMap((file, index) => [file.target, String(file.mode), contents[index]])], 16);
  const output = join(cacheDir(), 'vm', 'initramfs', `initramfs-${key}.cpio.gz`);
  if (existsSync(output)) return output;
  await mkdir(dirname(output), { recursive: true });
  const staging = await mkdtemp(join(dirname(output), '.staging-'));
  try {
    await stageFiles(staging, files, kernel);
    const temp = `${output}.${process.pid}.tmp`;
    await packInitramfs(staging, temp);
    await rename(temp, output);
    return output;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function collectGuestFiles(kernel: GuestKernel): Promise<GuestFile[]> {
  const busybox = await findProgram('busybox');
  const iperf3 = await findProgram('iperf3');
  // iproute2's tc (busybox's cannot add netem) for impairments applied inside the guest, at Debian's
  // path; callers name it by that path, since busybox sh runs its own tc applet for a bare `tc`.
  const tc = await findProgram('tc');
  const files: GuestFile[] = [
    { source: GUEST_INIT, target: 'init', mode: 0o755 },
    { source: GUEST_AGENT, target: 'bin/hl-agent', mode: 0o755 },
    { source: GUEST_DHCP_SCRIPT, target: 'bin/hl-dhcp', mode: 0o755 },
    { source: busybox, target: 'bin/busybox', mode: 0o755 },
    { source: await buildEchoTool(), target: 'bin/hl-echo', mode: 0o755 },
    { source: iperf3, target: 'usr/bin/iperf3', mode: 0o755 },
    { source: tc, target: 'usr/sbin/tc', mode: 0o755 },
  ];
  const libraries = new Set([...(await sharedLibraries(iperf3)), ...(await sharedLibraries(tc))]);
  for (const library of libraries) files.push({ source: library, target: library.slice(1), mode: 0o755 });
  for (const module of [...kernel.modules, ...kernel.onDemandModules]) files.push({ source: module, target: `lib/modules/${module.split('/').pop()}`, mode: 0o644 });
  return files;
}

async function findProgram(name: string): Promise<string> {
  const found = await run('sh', ['-c', 'command -v "$1"', 'sh', name], { allowFailure: true });
  const path = found.stdout.trim();
  if (found.exitCode !== 0 || !path) throw new SetupError(`${name} is not installed; the VM initramfs needs it. Fix: apt-get install ${name === 'busybox' ? 'busybox-static' : name}`);
  return path;
}

async function stageFiles(staging: string, files: GuestFile[], kernel: GuestKernel): Promise<void> {
  for (const directory of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'run', 'etc', 'www', 'lib/modules']) {
    await mkdir(join(staging, directory), { recursive: true });
  }
  for (const file of files) {
    await mkdir(dirname(join(staging, file.target)), { recursive: true });
    await copyFile(file.source, join(staging, file.target));
    await chmod(join(staging, file.target), file.mode);
  }
  // The kernel runs /init via its #!/bin/sh line, before init can install busybox's applet links.
  await symlink('busybox', join(staging, 'bin/sh'));
  const loadOrder = kernel.modules.map((module) => module.split('/').pop()!.replace(/\.ko$/, ''));
  await writeFile(join(staging, 'lib/modules/load-order'), `${loadOrder.join('\n')}\n`);
  // The kernel opens /dev/console for init's stdio before init can mount devtmpfs.
  await run('mknod', ['-m', '600', join(staging, 'dev/console'), 'c', '5', '1']);
  await run('mknod', ['-m', '666', join(staging, 'dev/null'), 'c', '1', '3']);
}

