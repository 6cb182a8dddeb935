import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { execa } from 'execa';
import { SetupError } from '../common/errors.ts';

/**
 * Packs a directory tree as a gzip'd newc cpio, owned by root: the format the kernel unpacks as
 * an initramfs. Used by the qemu provider's guest and the vagrant box's boot stage.
 */
export async function packInitramfs(tree: string, output: string): Promise<void> {
  const entries = await readdir(tree, { recursive: true, withFileTypes: true });
  const paths = entries.map((entry) => relative(tree, join(entry.parentPath, entry.name))).sort();
  const raw = `${output}.cpio`;
  const cpio = await execa('cpio', ['-o', '-H', 'newc', '--quiet', '-R', '0:0'], {
    cwd: tree,
    input: `.\n${paths.join('\n')}\n`,
    stdout: { file: raw },
    reject: false,
  });
  if (cpio.exitCode !== 0) throw new SetupError(`cpio failed to pack the initramfs: ${String(cpio.stderr)}`);
  try {
    await pipeline(createReadStream(raw), createGzip({ level: 6 }), createWriteStream(output));
    await chmod(output, 0o644); // QEMU may run as another user (libvirt): it must read the file
  } finally {
    await rm(raw, { force: true });
  }
}
