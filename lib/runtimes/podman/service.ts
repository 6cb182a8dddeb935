import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { hasProgram } from '../../common/run.ts';
import { waitFor } from '../../common/time.ts';

export const PODMAN_SERVICE_LOG = '/var/log/hybrid-lab-podman.log';

/** Where podman's Docker-compatible API answers ($PODMAN_SOCKET, default the rootful system socket). */
export function podmanSocket(): string {
  return process.env.PODMAN_SOCKET ?? '/run/podman/podman.sock';
}

/**
 * Starts `podman system service` on the socket when nothing answers there (no systemd socket
 * unit on this kind of machine), and waits until it does. `-t 0`: the service never exits on
 * idle, so the lab's `down` and the suites find it. Returns true when it had to start one.
 */
export async function ensurePodmanService(answers: () => Promise<boolean>): Promise<boolean> {
  if (await answers()) return false;
  if (!(await hasProgram('podman'))) throw new SetupError('podman is not installed. Fix: run `npx hybrid-lab setup --with podman` (installs podman, catatonit, netavark)');
  const socket = podmanSocket();
  await mkdir(dirname(socket), { recursive: true });
  const log = openSync(PODMAN_SERVICE_LOG, 'a');
  // cwd /: the service outlives the caller; if the caller's directory is removed, conmon cannot start containers ("Failed to get working directory").
  const child = spawn('podman', ['system', 'service', '--time', '0', `unix://${socket}`], { detached: true, cwd: '/', stdio: ['ignore', log, log] });
  child.unref();
  try {
    await waitFor('the podman API service to answer', async () => ((await answers()) ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
  } catch {
    throw new SetupError(`started \`podman system service\` but ${socket} does not answer after 60 s. Fix: read ${PODMAN_SERVICE_LOG}`);
  }
  return true;
}
