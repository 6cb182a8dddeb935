import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { shortHash } from '../common/hash.ts';
import { cacheDir } from '../common/paths.ts';

/** Any package install or upgrade changes this file: it stands for the shared libraries ldd would list. */
const DPKG_STATUS = '/var/lib/dpkg/status';

const memoPath = () => join(cacheDir(), 'images', 'content-keys.json');

/** Identity of files without reading them: path, size, mtime and inode. */
async function fingerprint(paths: readonly string[]): Promise<string> {
  const parts = await Promise.all([...paths, DPKG_STATUS].map(async (path) => {
    const info = await stat(path).catch(() => undefined);
    return info ? `${path}:${info.size}:${info.mtimeMs}:${info.ino}` : `${path}:absent`;
  }));
  return shortHash([parts.join('\n')]);
}

async function readMemo(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(memoPath(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * An image's content key (the hash of everything that goes in) remembered by its inputs'
 * fingerprint: an unchanged host skips ldd and reading megabytes of binaries on every `up`.
 * Any change of an input file or of the installed packages computes it anew.
 */
export async function memoizedContentKey(name: string, inputs: readonly string[], compute: () => Promise<string>): Promise<string> {
  const key = `${name}:${await fingerprint(inputs)}`;
  const memo = await readMemo();
  if (memo[key]) return memo[key];
  const value = await compute();
  await writeFileAtomic(memoPath(), `${JSON.stringify({ ...(await readMemo()), [key]: value })}\n`);
  return value;
}
