import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { shortHash } from '../common/hash.ts';

/**
 * Content hash of a build context: every entry's relative path, type, executable bit and content
 * (a symlink's target), in sorted order. The same context gives the same hash wherever it lies.
 */
export async function contextHash(contextDir: string, extra: readonly string[] = []): Promise<string> {
  const parts: Array<string | Buffer> = [...extra];
  const walk = async (relative: string): Promise<void> => {
    const entries = (await readdir(join(contextDir, relative))).sort();
    for (const name of entries) {
      const path = join(relative, name);
      const info = await lstat(join(contextDir, path));
      if (info.isDirectory()) {
        parts.push(`d ${path}`);
        await walk(path);
      } else if (info.isSymbolicLink()) parts.push(`l ${path} ${await readlink(join(contextDir, path))}`);
      else if (info.isFile()) parts.push(`f ${path} ${info.mode & 0o111 ? 'x' : '-'}`, await readFile(join(contextDir, path)));
    }
  };
  await walk('');
  return shortHash(parts);
}
