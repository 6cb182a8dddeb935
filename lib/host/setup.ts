import { SetupError } from '../common/errors.ts';
import { step, type ProgressReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { containerRuntime, CONTAINER_RUNTIME_NAMES } from '../runtimes/registry.ts';
import { ensureDockerEngine } from './docker-engine.ts';
import { HOST_PACKAGES, type HostPackage } from './packages.ts';

/** Packages of the given features that are not installed (dpkg's view, one query for all). */
export async function missingPackages(features: ReadonlyArray<HostPackage['neededFor']>): Promise<string[]> {
  const wanted = HOST_PACKAGES.filter((pkg) => features.includes(pkg.neededFor)).map((pkg) => pkg.name);
  // dpkg-query prints the status of the known ones and exits 1 when some are unknown: both are answers.
  const result = await run('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...wanted], { allowFailure: true });
  const installed = new Set(result.stdout.split('\n').filter((line) => line.endsWith('install ok installed')).map((line) => line.split(' ')[0]));
  return wanted.filter((name) => !installed.has(name));
}

/** Installs missing Debian packages and starts the Docker engine (and the engine of each runtime feature asked for). Safe to run again. */
export async function setupHost(reporter: ProgressReporter, features: ReadonlyArray<HostPackage['neededFor']>): Promise<void> {
  const missing = await missingPackages(features);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) throw new SetupError(`missing packages ${missing.join(' ')} and not root. Fix: run as root, or apt-get install them`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await step(reporter, 'apt-get update', () => run('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 }));
    await step(reporter, `install ${missing.join(' ')}`, () =>
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, timeoutMs: 1_800_000 }),
    );
  }
  await step(reporter, 'Docker engine', async () => ((await ensureDockerEngine()) ? 'started dockerd' : 'already running'), (how) => how);
  for (const name of CONTAINER_RUNTIME_NAMES.filter((runtime) => features.includes(runtime as HostPackage['neededFor']))) {
    const runtime = await containerRuntime(name);
    await step(reporter, `${name} engine`, async () => ((await runtime.ensureRunning()) ? 'started' : 'already running'), (how) => how);
  }
}
