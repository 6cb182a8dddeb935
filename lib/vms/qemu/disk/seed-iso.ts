import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../../common/errors.ts';
import { hasProgram, run } from '../../../common/run.ts';
import type { SeedFiles } from './seed.ts';

/** Writes the seed as an ISO9660 volume labelled `cidata`, which cloud-init's NoCloud finds. */
export async function writeSeedIso(files: SeedFiles, output: string): Promise<void> {
  if (!(await hasProgram('genisoimage'))) {
    throw new SetupError('genisoimage is not installed; the lab writes each disk VM\'s cloud-init seed with it. Fix: apt-get install genisoimage (or hybrid-lab setup)');
  }
  const staging = await mkdtemp(`${output}.files-`);
  try {
    const names = Object.keys(files) as Array<keyof SeedFiles>;
    for (const name of names) await writeFile(join(staging, name), files[name], { mode: 0o600 });
    await run('genisoimage', ['-quiet', '-output', output, '-volid', 'cidata', '-joliet', '-rock', ...names.map((name) => join(staging, name))]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
