import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../common/run.ts';

/** Size of the guest's root disk; sparse, so only the used blocks cost space. */
export const BOX_DISK_GIB = 2;

/** Makes an ext4 filesystem holding `rootfs` (mkfs.ext4 -d, no loop mount) and converts it to qcow2. */
export async function makeQcow2Disk(rootfs: string, output: string): Promise<void> {
  const raw = `${output}.raw`;
  const handle = await open(raw, 'w');
  try {
    await handle.truncate(BOX_DISK_GIB * 1024 ** 3);
  } finally {
    await handle.close();
  }
  try {
    await run('mkfs.ext4', ['-q', '-F', '-L', 'hybrid-root', '-d', rootfs, raw], { timeoutMs: 10 * 60_000 });
    await run('qemu-img', ['convert', '-O', 'qcow2', raw, output], { timeoutMs: 10 * 60_000 });
  } finally {
    await rm(raw, { force: true });
  }
}

/**
 * Packs a vagrant-libvirt box: metadata.json, the box Vagrantfile and box.img in an
 * uncompressed tar (local only, so speed beats size).
 */
export async function packBox(workDir: string, boxVagrantfile: string, output: string): Promise<void> {
  const metadata = { provider: 'libvirt', format: 'qcow2', virtual_size: BOX_DISK_GIB };
  await writeFile(join(workDir, 'metadata.json'), `${JSON.stringify(metadata)}\n`);
  await writeFile(join(workDir, 'Vagrantfile'), boxVagrantfile);
  await run('tar', ['-cf', output, '-C', workDir, 'metadata.json', 'Vagrantfile', 'box.img'], { timeoutMs: 10 * 60_000 });
}
