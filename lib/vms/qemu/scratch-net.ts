import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { run } from '../../common/run.ts';
import { buildEchoTool } from '../../images/static-tools.ts';

/**
 * A throwaway network for the qemu provider's integration test and benchmark: its own bridge
 * (never the lab's hybr0), a FORWARD accept rule for it (Docker's DROP policy with br_netfilter
 * would drop bridged traffic), and a namespace "peer" on it running echo, HTTP and DNS.
 */
export interface ScratchNet {
  bridge: string;
  subnetPrefix: number;
  gateway: string;
  peerIp: string;
  namespace: string;
  domain: string;
  /** Runs a program inside the peer namespace. */
  inPeer(argv: readonly string[], timeoutMs?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  teardown(): Promise<void>;
}

export interface ScratchNetOptions {
  bridge: string;
  gateway: string;
  peerIp: string;
  namespace: string;
  /** Name the peer's dnsmasq answers for `peer.<domain>`. */
  domain?: string;
}

const RULE_COMMENT = 'hybrid-lab qemu test bridge';

/** The accept rule for bridge->bridge traffic, without the chain. */
function forwardRule(bridge: string): string[] {
  return ['-i', bridge, '-o', bridge, '-m', 'comment', '--comment', RULE_COMMENT, '-j', 'ACCEPT'];
}

/** Creates bridge, rule, namespace and the peer's services. Tears down whatever it made if a step fails. */
export async function createScratchNet(options: ScratchNetOptions): Promise<ScratchNet> {
  const domain = options.domain ?? 'hybrid.local';
  const veth = `${options.namespace.slice(0, 10)}-v`;
  const services: ResultPromise[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'hl-scratch-'));
  const inPeer: ScratchNet['inPeer'] = (argv, timeoutMs = 15_000) =>
    run('ip', ['netns', 'exec', options.namespace, ...argv], { allowFailure: true, timeoutMs });
  const removeNet = async () => {
    await run('ip', ['netns', 'del', options.namespace], { allowFailure: true });
    await run('ip', ['link', 'del', veth], { allowFailure: true });
    await run('ip', ['link', 'del', options.bridge], { allowFailure: true });
    while ((await run('iptables', ['-D', 'FORWARD', ...forwardRule(options.bridge)], { allowFailure: true })).exitCode === 0);
  };
  const teardown = async () => {
    for (const service of services) service.kill('SIGKILL');
    await Promise.allSettled(services);
    await removeNet();
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    await removeNet(); // leftovers of an earlier, interrupted run
    await run('ip', ['link', 'add', options.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${options.gateway}/24`, 'dev', options.bridge]);
    await run('ip', ['link', 'set', options.bridge, 'up']);
    await run('iptables', ['-I', 'FORWARD', '1', ...forwardRule(options.bridge)]);
    await run('ip', ['netns', 'add', options.namespace]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', options.namespace]);
    await run('ip', ['link', 'set', veth, 'master', options.bridge, 'up']);
    await inPeerOrThrow(options.namespace, ['ip', 'addr', 'add', `${options.peerIp}/24`, 'dev', 'eth0']);
    await inPeerOrThrow(options.namespace, ['ip', 'link', 'set', 'eth0', 'up']);
    await inPeerOrThrow(options.namespace, ['ip', 'link', 'set', 'lo', 'up']);
    services.push(...(await startPeerServices(options, domain, workDir)));
  } catch (error) {
    await teardown();
    throw error;
  }
  return { bridge: options.bridge, subnetPrefix: 24, gateway: options.gateway, peerIp: options.peerIp, namespace: options.namespace, domain, inPeer, teardown };
}

async function inPeerOrThrow(namespace: string, argv: string[]): Promise<void> {
  await run('ip', ['netns', 'exec', namespace, ...argv]);
}

/** hl-echo (TCP+UDP 7), busybox httpd (80) and dnsmasq (53, only peer.<domain>, no upstream) in the namespace. */
async function startPeerServices(options: ScratchNetOptions, domain: string, workDir: string): Promise<ResultPromise[]> {
  await writeFile(join(workDir, 'index.html'), `hello from peer (${options.peerIp})\n`);
  const inNs = (argv: string[]) => execa('ip', ['netns', 'exec', options.namespace, ...argv], { reject: false, stdio: 'ignore' });
  const started = [
    inNs([await buildEchoTool(), 'serve', '7', 'both']),
    inNs(['busybox', 'httpd', '-f', '-p', '80', '-h', workDir]),
    inNs([
      'dnsmasq', '--keep-in-foreground', '--no-resolv', '--no-hosts', '--no-dhcp-interface=eth0', '--bind-interfaces',
      `--listen-address=${options.peerIp}`, `--host-record=peer.${domain},${options.peerIp}`, `--local=/${domain}/`,
      `--pid-file=${join(workDir, 'dnsmasq.pid')}`, '--user=root',
    ]),
  ];
  // Give the servers a moment to bind before the first probe.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return started;
}
