import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { SetupError } from '../common/errors.ts';
import { engineGet } from '../runtimes/engine-api/engine-http.ts';
import { hasProgram } from '../common/run.ts';
import { waitFor } from '../common/time.ts';

export const DOCKERD_LOG = '/var/log/hybrid-lab-dockerd.log';

/** Whether a Docker engine answers on its socket: an API ping (a `docker version` costs 100+ ms of CLI start-up). */
export async function dockerEngineReachable(): Promise<boolean> {
  return engineGet(process.env.DOCKER_SOCKET ?? '/var/run/docker.sock', '/_ping').then(() => true, () => false);
}

/**
 * Starts dockerd in the background when no engine answers (machines without systemd, like CI
 * containers), and waits until it does. Returns true when it had to start one.
 */
export async function ensureDockerEngine(): Promise<boolean> {
  if (await dockerEngineReachable()) return false;
  if (!(await hasProgram('dockerd'))) throw new SetupError('the Docker engine (dockerd) is not installed. Fix: run `npx hybrid-lab setup` (installs docker.io)');
  const log = openSync(DOCKERD_LOG, 'a');
  // cwd /: the daemon outlives the caller, whose directory may be removed.
  const child = spawn('dockerd', [], { detached: true, cwd: '/', stdio: ['ignore', log, log] });
  child.unref();
  try {
    await waitFor('the Docker engine to answer', async () => ((await dockerEngineReachable()) ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
  } catch {
    throw new SetupError(`started dockerd but it does not answer after 60 s. Fix: read ${DOCKERD_LOG}`);
  }
  return true;
}
