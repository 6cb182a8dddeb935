import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { sleep } from './time.ts';

/**
 * Host-wide locks on Linux abstract unix sockets: binding a name is exclusive and the kernel
 * frees it the moment its holder dies (kill -9 included), so a crashed holder never wedges the
 * next one and a reused pid never looks like a live holder. No file is left behind.
 */

/** The socket name of a lock: a namespace, a scope (e.g. the state or cache root, hashed) and a key. */
export function hostLockName(namespace: string, scope: string, key: string): string {
  return `\0hybrid-lab-${namespace}:${createHash('sha256').update(scope).digest('hex').slice(0, 16)}:${key}`;
}

/** Binds the lock's name: the server holds it (unref'd, so it never keeps the process alive), or undefined when another holds it. */
export function tryHostLock(name: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)));
    server.listen(name, () => {
      server.unref();
      resolve(server);
    });
  });
}

export function releaseHostLock(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Runs `work` while holding the lock, waiting for another holder first (it may be a second
 * process building the same thing: `work` should look for the finished result again). `onWait`
 * is called once when the lock was busy.
 */
export async function withHostLock<T>(name: string, work: () => Promise<T>, options: { pollMs?: number; onWait?: () => void } = {}): Promise<T> {
  let server = await tryHostLock(name);
  if (!server) options.onWait?.();
  while (!server) {
    await sleep(options.pollMs ?? 250);
    server = await tryHostLock(name);
  }
  try {
    return await work();
  } finally {
    await releaseHostLock(server);
  }
}
