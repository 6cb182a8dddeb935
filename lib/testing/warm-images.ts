import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { reportsDir } from '../common/paths.ts';

/**
 * vitest globalSetup of the lab project: on a whole run (no file filter, scenarios included),
 * builds in the background every image the later test files will ask for — the Vagrant box, the
 * VM disks, the workload and scenario images — with `hybrid-lab image prepare`, at the lowest CPU
 * and I/O priority. On a clean CI machine those builds are most of the run; here they overlap the
 * tests that need no image instead of following them. A test that needs an image still being
 * built waits for that build (the build lock), then finds it cached; the timing checks hardly see
 * the builder, which only gets the CPU the tests leave idle. HYBRID_LAB_WARM_IMAGES=0 turns it off.
 */

/** In the order the test files tend to need them: the slow VM builds first. */
const TOPOLOGIES = [
  'lab/examples/vagrant.yaml',
  'lab/examples/vm-disk.yaml',
  'lab/examples/workloads.yaml',
  'lab/examples/microservices/microservices.yaml',
  'lab/examples/load-balancer/load-balancer.yaml',
  'lab/examples/monitoring/monitoring.yaml',
  'lab/examples/dev-env/dev-env.yaml',
  'lab/examples/podman.yaml',
];

export default async function warmImages(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const vitest = project.vitest as unknown as { filenamePattern?: string[]; projects: Array<{ name: string }> };
  const wholeRun = !vitest.filenamePattern?.length && vitest.projects.some((p) => p.name === 'scenarios');
  if (!wholeRun || process.env.HYBRID_LAB_WARM_IMAGES === '0') return undefined;
  const root = join(import.meta.dirname, '..', '..');
  await mkdir(reportsDir(), { recursive: true });
  const logPath = join(reportsDir(), 'warm-images.log');
  const log = createWriteStream(logPath);
  const started = Date.now();
  // nice 19 + idle-ish I/O class: the tests come first; --no-setup: `npm test`'s pretest set the host up.
  const child: ChildProcess = spawn('nice', ['-n', '19', 'ionice', '-c', '2', '-n', '7', process.execPath, join(root, 'dist', 'cli', 'bin.js'), 'image', 'prepare', '--no-setup', ...TOPOLOGIES], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' },
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const finished = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  process.stderr.write(`warm-images: building the images later tests need in the background (log: ${logPath})\n`);
  void finished.then((code) => process.stderr.write(`warm-images: ${code === 0 ? 'done' : `exit ${code} (the tests build what they need themselves; see the log)`} after ${Math.round((Date.now() - started) / 1000)} s\n`));
  return async () => {
    if (child.exitCode === null) child.kill('SIGTERM'); // only when the run ended early
    await finished;
    log.end();
  };
}
