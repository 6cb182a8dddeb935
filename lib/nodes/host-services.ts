import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEchoTool } from '../images/static-tools.ts';
import { waitFor } from '../common/time.ts';
import { run } from '../common/run.ts';

export interface HostServices {
  stop(): Promise<void>;
}

/**
 * Runs the node services on the host for checks that go *to* the host: busybox httpd on the
 * gateway address only (port 80 elsewhere on the host stays untouched) and hl-echo on port 7.
 */
export async function startHostServices(gatewayIp: string, hostName = 'host'): Promise<HostServices> {
  const www = await mkdtemp(join(tmpdir(), 'hybrid-lab-www-'));
  await writeFile(join(www, 'index.html'), `hello from ${hostName}\n`);
  const children: ChildProcess[] = [
    spawn('busybox', ['httpd', '-f', '-p', `${gatewayIp}:80`, '-h', www], { stdio: 'ignore' }),
    spawn(await buildEchoTool(), ['serve', '7'], { stdio: 'ignore' }),
  ];
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(www, { recursive: true, force: true });
  };
  try {
    await waitFor('host services to listen', async () => {
      const listening = (await run('ss', ['-Hltn'], { allowFailure: true })).stdout;
      return listening.includes(`${gatewayIp}:80`) && /[:*]7\s/.test(listening) ? true : undefined;
    }, { timeoutMs: 5000 });
  } catch (error) {
    await stop();
    throw new Error(`could not start HTTP on ${gatewayIp}:80 and echo on port 7 on the host (port in use?): ${(error as Error).message}`);
  }
  return { stop };
}
