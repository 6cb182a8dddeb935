import { access, constants } from 'node:fs/promises';
import { SetupError } from '../common/errors.ts';

/** The Docker socket the lab's engine client uses ($DOCKER_SOCKET), else the docker CLI's (DOCKER_HOST=unix://...), else the default. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_SOCKET) return env.DOCKER_SOCKET;
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/**
 * Fails with the real cause when this user may not use the Docker socket: otherwise every
 * container looks "missing" and the engine "not reachable", which is not true.
 */
export async function assertDockerSocketAccess(): Promise<void> {
  const socket = dockerSocketPath();
  try {
    await access(socket, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return; // no socket yet: the engine is not started, which `up`/doctor handle
    const uid = process.getuid?.();
    throw new SetupError(
      `permission denied on the Docker socket ${socket} (running as uid ${uid}). ` +
        'Fix: run hybrid-lab as root (e.g. `sudo npx hybrid-lab ...`); the lab also creates bridges and iptables rules, which need root',
    );
  }
}
