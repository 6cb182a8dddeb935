import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../common/run.ts';

/** A host file or directory to place at `target` inside a container, with an optional mode (files). */
export interface FileToCopy {
  source: string;
  target: string;
  mode?: number;
}

/**
 * Packs host files into one tar laid out as the container's root (entries `etc/app/conf`), owned
 * by root, ready for the engine's put-archive at `/`. Only the copied entries are in it, never
 * their parent folders, so extracting cannot change the mode of /etc or any folder it passes.
 */
export async function packFilesForContainer(files: readonly FileToCopy[]): Promise<{ tarball: string; remove: () => Promise<void> }> {
  const stage = await mkdtemp(join(tmpdir(), 'hybrid-lab-files-'));
  const remove = () => rm(stage, { recursive: true, force: true });
  try {
    const root = join(stage, 'root');
    const entries: string[] = [];
    for (const file of files) {
      const entry = file.target.replace(/^\/+/, '').replace(/\/+$/, '');
      const destination = join(root, entry);
      await mkdir(dirname(destination), { recursive: true });
      await cp(file.source, destination, { recursive: true, dereference: true, preserveTimestamps: true });
      if (file.mode !== undefined) await chmod(destination, file.mode);
      entries.push(entry);
    }
    const tarball = join(stage, 'files.tar');
    // A directory entry brings its content (recursion), a file only itself; parents stay out.
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '--', ...entries]);
    return { tarball, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
