import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../common/run.ts';
import { createBridge, deleteLink } from '../../net/bridge.ts';
import { ensureRule, removeRule, type IptablesRule } from '../../net/iptables.ts';

/**
 * A throw-away bridge for the vagrant provider's integration test and benchmark (hlvg0,
 * 10.68.0.0/24: never the lab's hybr0), with a namespace at .50 serving HTTP as a stand-in
 * for a container, and the FORWARD accept rule bridged traffic needs on a Docker host.
 */
export const SCRATCH = {
  bridge: 'hlvg0',
  gateway: '10.68.0.1',
  prefix: 24,
  netns: 'hlvgns',
  veth: 'hlvgv0',
  peerIp: '10.68.0.50',
  peerPage: 'hello from the netns\n',
} as const;

const FORWARD_RULE: IptablesRule = {
  chain: 'FORWARD',
  spec: ['-i', SCRATCH.bridge, '-o', SCRATCH.bridge, '-m', 'comment', '--comment', 'hybrid-lab:vagrant scratch bridge', '-j', 'ACCEPT'],
  purpose: 'bridged VM <-> netns traffic despite Docker FORWARD policy DROP',
};

export interface ScratchNet {
  /** Runs argv inside the namespace; never throws for a non-zero exit. */
  inNetns(argv: readonly string[]): ReturnType<typeof run>;
  remove(): Promise<void>;
}

/** Creates the bridge, rule and namespace (removing any earlier copy first); serves `wwwDir`. */
export async function createScratchNet(wwwDir: string): Promise<ScratchNet> {
  await removeScratchNet(undefined);
  await createBridge(SCRATCH.bridge, `${SCRATCH.gateway}/${SCRATCH.prefix}`, 'hybrid-lab:vagrant-scratch:bridge');
  await ensureRule(FORWARD_RULE);
  await run('ip', ['netns', 'add', SCRATCH.netns]);
  await run('ip', ['link', 'add', SCRATCH.veth, 'type', 'veth', 'peer', 'name', `${SCRATCH.veth}p`]);
  await run('ip', ['link', 'set', `${SCRATCH.veth}p`, 'netns', SCRATCH.netns]);
  await run('ip', ['link', 'set', SCRATCH.veth, 'master', SCRATCH.bridge, 'up']);
  await run('ip', ['-n', SCRATCH.netns, 'addr', 'add', `${SCRATCH.peerIp}/${SCRATCH.prefix}`, 'dev', `${SCRATCH.veth}p`]);
  await run('ip', ['-n', SCRATCH.netns, 'link', 'set', `${SCRATCH.veth}p`, 'up']);
  await run('ip', ['-n', SCRATCH.netns, 'link', 'set', 'lo', 'up']);
  // Like a container: default route via the bridge's gateway, so replies to other networks
  // (e.g. a VM's management address) depend on the host's forwarding, as in a real lab.
  await run('ip', ['-n', SCRATCH.netns, 'route', 'add', 'default', 'via', SCRATCH.gateway]);
  await writeFile(join(wwwDir, 'index.html'), SCRATCH.peerPage);
  const httpd = spawn('ip', ['netns', 'exec', SCRATCH.netns, 'busybox', 'httpd', '-f', '-p', '80', '-h', wwwDir], { stdio: 'ignore' });
  return {
    inNetns: (argv) => run('ip', ['netns', 'exec', SCRATCH.netns, ...argv], { allowFailure: true, timeoutMs: 30_000 }),
    remove: () => removeScratchNet(httpd),
  };
}

/** Removes everything createScratchNet made; safe to call when nothing exists. */
export async function removeScratchNet(httpd: ChildProcess | undefined): Promise<void> {
  httpd?.kill('SIGKILL');
  await run('ip', ['netns', 'del', SCRATCH.netns], { allowFailure: true });
  await deleteLink(SCRATCH.veth).catch(() => undefined); // usually gone with the namespace already
  await deleteLink(SCRATCH.bridge);
  await removeRule(FORWARD_RULE);
}
