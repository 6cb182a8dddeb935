import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { execa } from 'execa';
import { SetupError } from '../../common/errors.ts';
import { shortHash } from '../../common/hash.ts';
import { cacheDir } from '../../common/paths.ts';
import { run } from '../../common/run.ts';
import { buildEchoTool } from '../../images/static-tools.ts';
import { LAB_DIR } from '../../topology/load.ts';
import type { GuestKernel } from './kernel.ts';

/** Guest scripts: PID 1 and the serial exec agent (lab/images/vm). */
export const GUEST_INIT = join(LAB_DIR, 'images', 'vm', 'init.sh');
export const GUEST_AGENT = join(LAB_DIR, 'images', 'vm', 'hl-agent.sh');

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
    await packCpioGz(staging, temp);
    await rename(temp, output);
    return output;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function collectGuestFiles(kernel: GuestKernel): Promise<GuestFile[]> {
  const busybox = await findProgram('busybox');
  const iperf3 = await findProgram('iperf3');
  const files: GuestFile[] = [
    { source: GUEST_INIT, target: 'init', mode: 0o755 },
    { source: GUEST_AGENT, target: 'bin/hl-agent', mode: 0o755 },
    { source: busybox, target: 'bin/busybox', mode: 0o755 },
    { source: await buildEchoTool(), target: 'bin/hl-echo', mode: 0o755 },
    { source: iperf3, target: 'usr/bin/iperf3', mode: 0o755 },
  ];
  for (const library of await sharedLibraries(iperf3)) files.push({ source: library, target: library.slice(1), mode: 0o755 });
  for (const module of kernel.modules) files.push({ source: module, target: `lib/modules/${module.split('/').pop()}`, mode: 0o644 });
  return files;
}

async function findProgram(name: string): Promise<string> {
  const found = await run('sh', ['-c', 'command -v "$1"', 'sh', name], { allowFailure: true });
  const path = found.stdout.trim();
  if (found.exitCode !== 0 || !path) throw new SetupError(`${name} is not installed; the VM initramfs needs it. Fix: apt-get install ${name === 'busybox' ? 'busybox-static' : name}`);
  return path;
}

/** Libraries and loader a dynamic binary needs, as absolute paths (from ldd's output). */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) paths.add(match[1]);
  }
  return [...paths];
}

async function sharedLibraries(binary: string): Promise<string[]> {
  return parseLdd((await run('ldd', [binary])).stdout);
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

/** `cpio -o -H newc` over every path in the staging tree, gzip-compressed (what the kernel unpacks). */
async function packCpioGz(staging: string, output: string): Promise<void> {
  const entries = await readdir(staging, { recursive: true, withFileTypes: true });
  const paths = entries.map((entry) => relative(staging, join(entry.parentPath, entry.name))).sort();
  const raw = `${output}.cpio`;
  const cpio = await execa('cpio', ['-o', '-H', 'newc', '--quiet', '-R', '0:0'], {
    cwd: staging,
    input: `.\n${paths.join('\n')}\n`,
    stdout: { file: raw },
    reject: false,
  });
  if (cpio.exitCode !== 0) throw new SetupError(`cpio failed to pack the initramfs: ${String(cpio.stderr)}`);
  try {
    await pipeline(createReadStream(raw), createGzip({ level: 6 }), createWriteStream(output));
  } finally {
    await rm(raw, { force: true });
  }
}
