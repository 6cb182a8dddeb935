import { join } from 'node:path';
import { run } from '../common/run.ts';

/**
 * vitest globalSetup: compiles lib/ into dist/ (incremental: about a second when nothing
 * changed) so tests that run the CLI as a process run the code under test, not a stale build.
 */
export default async function buildDist(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..');
  await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, timeoutMs: 300_000 });
}
