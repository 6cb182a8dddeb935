import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostLockName, releaseHostLock, tryHostLock } from '../common/host-lock.ts';
import { LockError } from '../common/errors.ts';
import { assertLabName } from '../common/lab-name.ts';
import { insideRoot, stateRoot } from '../common/paths.ts';
import { sleep } from '../common/time.ts';
import { ensureStateRoot } from './state.ts';

/** Held while a command changes a lab; a second `up`/`down` of the same lab is refused. */
export interface LabLock {
  release(): Promise<void>;
}

/**
 * The lock is a Linux abstract unix socket bound to a name derived from the state root and the
 * lab: binding is exclusive and the kernel releases it the moment its holder dies (kill -9
 * included), so a crashed `up` can never wedge the next `down`, and a reused pid can never look
 * like a live holder. A small file beside it only says who holds it, for the error message.
 */
export async function acquireLabLock(labName: string, purpose: string, waitMs = 2_000): Promise<LabLock> {
  assertLabName(labName, 'lab name');
  await ensureStateRoot();
  const name = hostLockName('lock', stateRoot(), labName);
  const infoPath = insideRoot(stateRoot(), `${labName}.lock`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const server = await tryHostLock(name);
    if (server) {
      await writeFile(infoPath, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), { mode: 0o600 });
      return {
        release: async () => {
          await rm(infoPath, { force: true });
          await releaseHostLock(server);
        },
      };
    }
    if (Date.now() >= deadline) {
      const holder = await readHolder(infoPath);
      const who = holder ? `pid ${holder.pid} is running \`${holder.purpose}\` since ${holder.since}` : 'another hybrid-lab process holds it';
      throw new LockError(`lab "${labName}" is busy: ${who}. Fix: wait for it to finish`);
    }
    await sleep(100);
  }
}

async function readHolder(path: string): Promise<{ pid: number; purpose: string; since: string } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
