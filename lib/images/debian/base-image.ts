import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withBuildLock } from '../build-lock.ts';
import { shortHash } from '../../common/hash.ts';
import { cacheDir } from '../../common/paths.ts';
import { silentReporter, step, type ProgressReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { IMAGE_LABEL, type ContainerRuntime } from '../../runtimes/runtime.ts';
import { hostDebianMirror, type DebianMirror } from './apt-mirror.ts';
import { removeRootfs } from './debootstrap.ts';
import { checkPackagesKnown, debootstrapMinbase } from './debootstrap-minbase.ts';

/** Bump when the build steps change in a way the recipe does not show. */
const RECIPE_VERSION = '1';
export const DEBIAN_IMAGE_REPO = 'hybrid-lab/debian';

/** What decides a Debian base image: the release and the extra packages. */
export interface DebianRecipe {
  suite: string;
  packages: string[];
}

export interface DebianImage {
  /** hybrid-lab/debian:SUITE-HASH, the hash being the recipe's. */
  reference: string;
  /** hybrid-lab/debian:SUITE for the plain recipe (no extra packages); absent otherwise. */
  alias?: string;
  recipe: DebianRecipe;
  /** Whether debootstrap ran (false: the image or its cached tarball was there). */
  built: boolean;
  /** Whether the image was imported from the cached tarball (no debootstrap). */
  imported: boolean;
}

/** The recipe for a release and packages: sorted and deduplicated, so order never changes the hash. */
export function debianRecipe(suite: string, packages: readonly string[]): DebianRecipe {
  return { suite, packages: [...new Set(packages)].sort() };
}

export function debianImageReference(recipe: DebianRecipe): string {
  return `${DEBIAN_IMAGE_REPO}:${recipe.suite}-${shortHash([RECIPE_VERSION, recipe.suite, 'minbase', recipe.packages.join(',')])}`;
}

/** The rootfs tarball kept in the cache: re-importing it skips debootstrap if the engine lost the image. */
function cachedTarball(reference: string): string {
  return join(cacheDir(), 'images', `${reference.replace(/[/:]/g, '_')}.tar`);
}

/**
 * A minimal Debian image built here (debootstrap minbase from the host's apt mirror, plus
 * `packages`), imported into the runtime and cached by the recipe's hash: no registry anywhere.
 * `field` names where the packages came from, for the unknown-package error.
 */
export async function ensureDebianImage(runtime: ContainerRuntime, packages: readonly string[], options: { reporter?: ProgressReporter; field?: string; mirror?: DebianMirror } = {}): Promise<DebianImage> {
  const reporter = options.reporter ?? silentReporter;
  const mirror = options.mirror ?? (await hostDebianMirror());
  const recipe = debianRecipe(mirror.suite, packages);
  const reference = debianImageReference(recipe);
  const alias = recipe.packages.length === 0 ? `${DEBIAN_IMAGE_REPO}:${recipe.suite}` : undefined;
  const result: DebianImage = { reference, alias, recipe, built: false, imported: false };
  if (!(await runtime.imageExists(reference))) await withBuildLock(reference, reporter, async () => {
    if (await runtime.imageExists(reference)) return; // another process built it while this one waited
    const tarball = cachedTarball(reference);
    if (!existsSync(tarball)) {
      await checkPackagesKnown(recipe.packages, options.field ?? 'packages');
      const title = `debootstrap ${recipe.suite} minbase${recipe.packages.length ? ` + ${recipe.packages.join(' ')}` : ''} from ${mirror.uri}`;
      await step(reporter, title, () => buildTarball(mirror, recipe, tarball, options.field ?? 'packages'));
      result.built = true;
    }
    await step(reporter, `import ${reference}`, () => runtime.importImage(tarball, reference, ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'ENV LANG=C.UTF-8', 'CMD ["bash"]', `LABEL ${IMAGE_LABEL}=debian`]));
    result.imported = !result.built;
  });
  // The alias is re-pointed every time: it always names the image of the current plain recipe.
  if (alias) await runtime.tagImage(reference, alias);
  return result;
}

async function buildTarball(mirror: DebianMirror, recipe: DebianRecipe, tarball: string, field: string): Promise<void> {
  const root = join(cacheDir(), 'images', `debian-rootfs-${process.pid}`);
  await mkdir(join(cacheDir(), 'images'), { recursive: true });
  await removeRootfs(root);
  try {
    await debootstrapMinbase(root, mirror, recipe.packages, field);
    // Package caches and lists are the build's, not the image's (as Debian's own images do).
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) await run('find', [join(root, dir), '-mindepth', '1', '-type', 'f', '-delete']);
    await rm(join(root, 'var/cache/apt/pkgcache.bin'), { force: true });
    await rm(join(root, 'var/cache/apt/srcpkgcache.bin'), { force: true });
    const partial = `${tarball}.${process.pid}.partial`;
    await run('tar', ['--numeric-owner', '--xattrs', '-C', root, '-cf', partial, '.'], { timeoutMs: 10 * 60_000 });
    await rename(partial, tarball);
  } finally {
    await removeRootfs(root);
  }
}
