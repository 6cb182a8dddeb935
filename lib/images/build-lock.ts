import { hostLockName, withHostLock } from '../common/host-lock.ts';
import { shortHash } from '../common/hash.ts';
import { cacheDir } from '../common/paths.ts';
import type { ProgressReporter } from '../common/progress.ts';

/**
 * One builder per cached artefact on this host: a second process (a parallel `up`, `image
 * prepare` warming the cache, another test file) waits for the first instead of building the
 * same image again beside it, then finds it in the cache. `build` must look for the finished
 * artefact before building. Keyed by what is built (a recipe hash or an image reference).
 */
export function withBuildLock<T>(what: string, reporter: ProgressReporter, build: () => Promise<T>): Promise<T> {
  return withHostLock(hostLockName('build', cacheDir(), shortHash([what])), build, {
    onWait: () => reporter.note(`waiting: another hybrid-lab process is building ${what}`),
  });
}
