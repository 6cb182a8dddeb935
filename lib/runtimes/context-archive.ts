import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../common/run.ts';

/** A build context folder packed as the tar the engine's build endpoint takes (owned by root, symlinks kept). */
export async function packContext(contextDir: string): Promise<{ tarball: string; remove: () => Promise<void> }> {
  const stage = await mkdtemp(join(tmpdir(), 'hybrid-lab-context-'));
  const tarball = join(stage, 'context.tar');
  const remove = () => rm(stage, { recursive: true, force: true });
  try {
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', contextDir, '-cf', tarball, '.']);
    return { tarball, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
