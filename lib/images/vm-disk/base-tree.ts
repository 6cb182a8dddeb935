import { existsSync } from 'node:fs';
import { silentReporter } from '../../common/progress.ts';
import { withBuildLock } from '../build-lock.ts';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, SetupError } from '../../common/errors.ts';
import { shortHash } from '../../common/hash.ts';
import { cacheDir } from '../../common/paths.ts';
import { run } from '../../common/run.ts';
import type { DebianMirror } from '../debian/apt-mirror.ts';
import { removeRootfs } from '../debian/debootstrap.ts';
import { missingPackagesError } from './apt-errors.ts';
import { BASE_PACKAGES } from './recipe.ts';

/** Forbids starting services while packages are configured in the build tree (on the host!). */
export const POLICY_RC_D = 'usr/sbin/policy-rc.d';

const CHROOT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const LONG = 40 * 60_000;
/** Bump when the base tree's steps change. */
const BASE_VERSION = '1';

/**
 * The recipe's common part, built once per mirror and base package list and kept: minbase
 * debootstrap (two stages, a policy-rc.d in between), then the base packages with apt (apt
 * resolves virtual packages, which debootstrap's own resolver does not). Recipes copy it.
 */
export async function ensureBaseTree(mirror: DebianMirror): Promise<string> {
  const tree = join(cacheDir(), 'vm', 'disks', `base-${shortHash([BASE_VERSION, mirror.uri, mirror.suite, BASE_PACKAGES.join(',')])}`);
  if (existsSync(join(tree, '.hybrid-lab-complete'))) return tree;
  return withBuildLock(`VM disk base tree ${tree}`, silentReporter, async () => {
    if (existsSync(join(tree, '.hybrid-lab-complete'))) return tree; // built by another process meanwhile
    return buildBaseTree(tree, mirror);
  });
}

async function buildBaseTree(tree: string, mirror: DebianMirror): Promise<string> {
  const temp = `${tree}.${process.pid}.tmp`;
  try {
    await debootstrapMinbase(temp, mirror);
    await aptInstall(temp, BASE_PACKAGES, mirror);
    await run('chroot', [temp, 'apt-get', 'clean'], { env: CHROOT_ENV });
    await writeFile(join(temp, '.hybrid-lab-complete'), '');
    await removeRootfs(tree);
    await rename(temp, tree);
    // Base trees of an older package list or mirror are never copied again (~700 MB each).
    for (const entry of await readdir(join(tree, '..'))) {
      if (entry.startsWith('base-') && !entry.includes('.tmp') && join(tree, '..', entry) !== tree) await removeRootfs(join(tree, '..', entry));
    }
  } finally {
    await removeRootfs(temp);
  }
  return tree;
}

async function debootstrapMinbase(rootfs: string, mirror: DebianMirror): Promise<void> {
  await removeRootfs(rootfs);
  // --cache-dir keeps the .debs across rebuilds of the base.
  const debs = join(cacheDir(), 'vm', 'debs');
  await mkdir(debs, { recursive: true });
  try {
    await run('debootstrap', ['--foreign', '--variant=minbase', `--cache-dir=${debs}`, mirror.suite, rootfs, mirror.uri], { timeoutMs: LONG, env: CHROOT_ENV });
    await writeFile(join(rootfs, POLICY_RC_D), '#!/bin/sh\n# hybrid-lab image build: never start services in the build tree\nexit 101\n', { mode: 0o755 });
    await run('chroot', [rootfs, '/debootstrap/debootstrap', '--second-stage'], { timeoutMs: LONG, env: CHROOT_ENV });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const log = await readFile(join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => `${error.stdout}\n${error.stderr}`);
    throw new SetupError(`debootstrap of Debian ${mirror.suite} from ${mirror.uri} failed:\n${tail(log)}\nFix: check that the mirror answers (apt-get update) and read the lines above`, { cause: error });
  }
}

/**
 * apt-get install inside the tree (the tree's sources.list is the host's mirror, written by
 * debootstrap), with /proc mounted for install scripts. An unknown name gives one error naming it.
 */
export async function aptInstall(rootfs: string, packages: readonly string[], mirror: DebianMirror): Promise<void> {
  if (packages.length === 0) return;
  await run('mount', ['-t', 'proc', 'proc', join(rootfs, 'proc')]);
  try {
    if ((await readdir(join(rootfs, 'var/lib/apt/lists'))).filter((name) => name.endsWith('_Packages')).length === 0) {
      await run('chroot', [rootfs, 'apt-get', '-q', 'update'], { timeoutMs: LONG, env: CHROOT_ENV });
    }
    await run('chroot', [rootfs, 'apt-get', '-q', '-y', 'install', '--no-install-recommends', ...packages], { timeoutMs: LONG, env: CHROOT_ENV });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw missingPackagesError(error, mirror) ?? new SetupError(`apt-get install ${packages.join(' ')} failed in the image:\n${tail(`${error.stdout}\n${error.stderr}`)}\nFix: read the lines above (a package's install script failed or the mirror is unreachable)`, { cause: error });
  } finally {
    await run('umount', ['-l', join(rootfs, 'proc')], { allowFailure: true });
  }
}

function tail(text: string, count = 20): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
