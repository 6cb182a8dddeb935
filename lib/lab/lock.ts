import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LockError } from '../common/errors.ts';
import { stateRoot } from '../common/paths.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Held while a command changes a lab; a second `up`/`down` of the same lab is refused. */
export interface LabLock {
  release(): Promise<void>;
}

/**
 * Takes the lab's lock file (O_EXCL). A lock left by a process that died is taken over; one held
 * by a live process is refused with its pid, so two `up`s never race.
 */
export async function acquireLabLock(labName: string, purpose: string): Promise<LabLock> {
  await mkdir(stateRoot(), { recursive: true });
  const path = join(stateRoot(), `${labName}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readHolder(path);
      if (holder && isAlive(holder.pid) && holder.pid !== process.pid) {
        throw new LockError(`lab "${labName}" is busy: pid ${holder.pid} is running \`${holder.purpose}\` since ${holder.since}. Wait for it to finish (lock: ${path})`);
      }
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  throw new LockError(`could not take the lock ${path}`);
}

async function readHolder(path: string): Promise<{ pid: number; purpose: string; since: string } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
