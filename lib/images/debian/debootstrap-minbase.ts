import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, SetupError, TopologyError } from '../../common/errors.ts';
import { cacheDir } from '../../common/paths.ts';
import { run } from '../../common/run.ts';
import type { DebianMirror } from './apt-mirror.ts';

/** Downloaded .deb files, shared by every Debian image build: a second recipe downloads only what is new. */
export function debCacheDir(): string {
  return join(cacheDir(), 'debian', 'debs');
}

/**
 * Refuses package names the host's apt does not know, before minutes of debootstrap: the host's
 * package lists come from the same mirror. Without lists on the host the check is left to
 * debootstrap (whose error is mapped the same way).
 */
export async function checkPackagesKnown(packages: readonly string[], field: string): Promise<void> {
  const lists = await readdir('/var/lib/apt/lists').catch(() => [] as string[]);
  if (!lists.some((file) => file.includes('_Packages'))) return;
  for (const name of packages) {
    const known = await run('apt-cache', ['show', '--no-all-versions', name], { allowFailure: true });
    if (known.exitCode !== 0 || known.stdout.trim() === '') throw unknownPackage(name, field);
  }
}

function unknownPackage(name: string, field: string): TopologyError {
  return new TopologyError(field, name, 'no such Debian package in the mirror this host uses', `check the name with \`apt-cache search ${name}\` (or apt-cache policy) and correct it`);
}

/**
 * A minbase Debian tree in `root` from the host's mirror with `packages` (and their dependencies)
 * installed by debootstrap itself: nothing runs apt inside the image later.
 */
export async function debootstrapMinbase(root: string, mirror: DebianMirror, packages: readonly string[], field: string): Promise<void> {
  if (!existsSync('/usr/sbin/debootstrap')) throw new SetupError('debootstrap is not installed; the Debian base image is built with it. Fix: apt-get install debootstrap (or `npx hybrid-lab setup --with vagrant`, which installs it)');
  await mkdir(debCacheDir(), { recursive: true });
  const include = packages.length > 0 ? [`--include=${packages.join(',')}`] : [];
  try {
    await run('debootstrap', ['--variant=minbase', `--cache-dir=${debCacheDir()}`, ...include, mirror.suite, root, mirror.uri], {
      timeoutMs: 20 * 60_000,
      env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
  } catch (error) {
    const missing = /Couldn't find these debs: (.*)/.exec(error instanceof CommandError ? `${error.stderr}\n${error.stdout}` : String(error));
    if (missing) throw unknownPackage(missing[1].trim(), field);
    throw error;
  }
}
