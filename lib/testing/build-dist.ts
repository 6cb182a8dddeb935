import { join } from 'node:path';
import { run } from '../common/run.ts';

/**
 * vitest globalSetup: compiles lib/ into dist/ (incremental: about a second when nothing
 * changed), and the built-in suites into dist/suites, so tests that run the CLI as a process run
 * the code under test, not a stale build.
 */
export default async function buildDist(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..');
  await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, timeoutMs: 300_000 });
  // `hybrid-lab test` runs the compiled built-in suites.
  await run(process.execPath, ['--no-warnings', join(root, 'dist', 'build', 'compile-suites.js'), join(root, 'suites'), join(root, 'dist', 'suites')], { cwd: root });
}
