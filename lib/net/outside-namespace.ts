import { spawn } from 'node:child_process';
import { run, type RunResult } from '../common/run.ts';
import { cidrContains, formatCidr, intToIp, networkAddress, parseCidr } from '../topology/ipv4.ts';
import { deleteLink, linkInfo } from './bridge.ts';

/**
 * A network namespace of the lab's own that stands in for the host's uplink: NAT and routing are
 * tested against it, so no check ever sends a packet to an address that is not the lab's. The
 * host side of its veth is an ordinary interface with a connected /30, so traffic a lab network
 * sends "out" leaves through it exactly as it would through a real uplink (masqueraded or not).
 */
export interface OutsideNamespace {
  name: string;
  /** The host end of the veth (the "uplink" interface). */
  hostInterface: string;
  hostIp: string;
  /** The address that stands for "somewhere outside". */
  outsideIp: string;
  exec(argv: readonly string[], options?: { allowFailure?: boolean }): Promise<RunResult>;
  /**
   * Source addresses of the first ICMP echo requests that reach the namespace while `during`
   * runs (tcpdump inside it): what the outside world would see.
   */
  echoSourcesDuring(during: () => Promise<unknown>): Promise<string[]>;
  remove(): Promise<void>;
}

const ALIAS_PREFIX = 'hybrid-lab-outside:';

/**
 * Creates the namespace `hlout-<tag>` with a veth to the host on `subnet` (a /30: host .1, outside
 * .2), and routes back to the lab subnets given (what a real upstream router knows about routed
 * segments). A leftover of the same tag is removed first.
 */
export async function createOutsideNamespace(tag: string, subnetText: string, routesBack: readonly string[] = []): Promise<OutsideNamespace> {
  if (!/^[a-z0-9]{1,8}$/.test(tag)) throw new Error(`outside namespace tag ${JSON.stringify(tag)}: use 1-8 lowercase letters and digits`);
  const subnet = parseCidr(subnetText);
  if (!subnet || subnet.prefix !== 30) throw new Error(`outside namespace subnet ${subnetText}: give a /30`);
  const name = `hlout-${tag}`;
  const hostInterface = `hlo-${tag}`;
  const hostIp = intToIp(networkAddress(subnet) + 1);
  const outsideIp = intToIp(networkAddress(subnet) + 2);
  await removeOutsideNamespace(tag);
  await run('ip', ['netns', 'add', name]);
  try {
    await run('ip', ['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
    await run('ip', ['link', 'set', 'dev', hostInterface, 'alias', `${ALIAS_PREFIX}${tag}`]);
    await run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostInterface]);
    await run('ip', ['link', 'set', 'dev', hostInterface, 'up']);
    const inside = (args: string[]) => run('ip', ['netns', 'exec', name, 'ip', ...args]);
    await inside(['addr', 'add', `${outsideIp}/30`, 'dev', 'eth0']);
    await inside(['link', 'set', 'dev', 'eth0', 'up']);
    await inside(['link', 'set', 'dev', 'lo', 'up']);
    for (const route of routesBack) {
      const cidr = parseCidr(route);
      if (!cidr || cidrContains(subnet, cidr.network)) throw new Error(`route back ${route}: not a lab subnet`);
      await inside(['route', 'add', formatCidr(cidr), 'via', hostIp]);
    }
  } catch (error) {
    await removeOutsideNamespace(tag);
    throw error;
  }
  const exec = (argv: readonly string[], options: { allowFailure?: boolean } = {}) => run('ip', ['netns', 'exec', name, ...argv], options);
  return {
    name,
    hostInterface,
    hostIp,
    outsideIp,
    exec,
    echoSourcesDuring: (during) => echoSources(name, during),
    remove: () => removeOutsideNamespace(tag),
  };
}

/** Removes the namespace and its veth, only when the veth carries the outside alias of this tag. */
export async function removeOutsideNamespace(tag: string): Promise<void> {
  const hostInterface = `hlo-${tag}`;
  const link = await linkInfo(hostInterface);
  if (link && link.ifalias === `${ALIAS_PREFIX}${tag}`) await deleteLink(hostInterface);
  await run('ip', ['netns', 'delete', `hlout-${tag}`], { allowFailure: true });
}

async function echoSources(namespace: string, during: () => Promise<unknown>): Promise<string[]> {
  const capture = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-l', '-n', '-p', '-i', 'eth0', 'icmp[icmptype] = icmp-echo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  capture.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // tcpdump says "listening on" once its capture is open: only then is nothing missed.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump in the outside namespace did not start within 10 s')), 10_000);
    capture.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    capture.on('error', reject);
  });
  try {
    await during();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last packet's line
  } finally {
    capture.kill('SIGTERM');
  }
  return [...output.matchAll(/IP (\d+\.\d+\.\d+\.\d+) > \d+\.\d+\.\d+\.\d+: ICMP echo request/g)].map((match) => match[1]);
}
