import { TopologyError } from '../common/errors.ts';
import { run } from '../common/run.ts';
import { labRuleComment, splitRuleLine } from '../net/iptables.ts';
import { hostEndpointsOverlap, portForwards, type PortForward } from './port-forwards.ts';
import { ALL_IPV4_ADDRESSES, formatHostEndpoint, isLoopbackAddress, isWildcardAddress, type HostPublish } from './port-publish.ts';
import type { Topology } from './topology.ts';

/** Something on the host that already takes packets for a host endpoint: a listening socket or a DNAT rule. */
export interface HostPortUser {
  protocol: 'tcp' | 'udp';
  host: Pick<HostPublish, 'address' | 'port' | 'family'>;
  /** Who it is, for the error: `process "nginx" (pid 812)`, `lab "other"`, `iptables nat rule -A DOCKER ...`. */
  owner: string;
}

/** Reads the address part of an ss local address: 127.0.0.1, *, [::], 127.0.0.53%lo, [::ffff:10.0.0.1]. */
function listenerAddress(text: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const bare = text.replace(/%[^\]]*$/, '').replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (bare === '*') return { address: ALL_IPV4_ADDRESSES, family: 'ipv4' };
  // A dual-stack socket on [::] takes IPv4 too; a mapped address is the IPv4 one.
  if (bare === '::') return { address: ALL_IPV4_ADDRESSES, family: 'ipv4' };
  if (bare.startsWith('::ffff:') && bare.includes('.')) return { address: bare.slice(7), family: 'ipv4' };
  return { address: bare, family: bare.includes(':') ? 'ipv6' : 'ipv4' };
}

/** Parses `ss -H -l -n -t -u -p` lines (Netid State Recv-Q Send-Q Local Peer [users]). */
export function parseListeners(ssOutput: string): HostPortUser[] {
  return ssOutput.split('\n').flatMap((line) => {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5 || (columns[0] !== 'tcp' && columns[0] !== 'udp')) return [];
    const local = columns[4];
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) return [];
    const process = /\("([^"]+)",pid=(\d+)/.exec(columns.slice(6).join(' '));
    return [{ protocol: columns[0], host: { ...listenerAddress(local.slice(0, colon)), port }, owner: process ? `process "${process[1]}" (pid ${process[2]}) listening on ${local}` : `a socket listening on ${local}` }];
  });
}

/** Parses `iptables-save -t nat`: every DNAT rule with a destination port, except this lab's own. */
export function parseForeignDnatRules(natSave: string, labName: string): HostPortUser[] {
  const mine = labRuleComment(labName);
  return natSave.split('\n').flatMap((line) => {
    if (!line.startsWith('-A ')) return [];
    const args = splitRuleLine(line.slice(3));
    const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
    const protocol = value('-p');
    const port = Number(value('--dport'));
    if (value('-j') !== 'DNAT' || (protocol !== 'tcp' && protocol !== 'udp') || !Number.isInteger(port)) return [];
    const comment = value('--comment');
    if (comment === mine) return [];
    const destination = value('-d')?.replace(/\/32$/, '');
    const owner = comment?.startsWith('hybrid-lab:') ? `a port forward of lab "${comment.slice('hybrid-lab:'.length)}"` : `the iptables nat rule ${line}`;
    return [{ protocol, host: { address: destination ?? ALL_IPV4_ADDRESSES, port, family: 'ipv4' as const }, owner }];
  });
}

/** The host's own addresses (every family, every interface). */
async function readHostAddresses(): Promise<Array<{ address: string; device: string }>> {
  const links = JSON.parse((await run('ip', ['-j', 'addr', 'show'])).stdout) as Array<{ ifname: string; addr_info?: Array<{ local: string }> }>;
  return links.flatMap((link) => (link.addr_info ?? []).map((info) => ({ address: info.local, device: link.ifname })));
}

/**
 * A forward's host address must be the host's own: loopback, every address (0.0.0.0), the lab's
 * gateway (the bridge `up` makes) or an address an interface has now.
 */
export function checkForwardAddress(forward: PortForward, topology: Pick<Topology, 'bridge' | 'source'>, hostAddresses: ReadonlyArray<{ address: string; device: string }>): void {
  const { address } = forward.host;
  if (isLoopbackAddress(address) || isWildcardAddress(address) || address === topology.bridge.gateway) return;
  if (hostAddresses.some((entry) => entry.address === address)) return;
  const known = [...new Set(hostAddresses.filter((entry) => !entry.address.startsWith('fe80:') && entry.address.includes('.') === address.includes('.')).map((entry) => `${entry.address} (${entry.device})`))];
  throw new TopologyError(
    forward.field,
    formatHostEndpoint(forward.host),
    `${address} is not an address of this host, so nothing would ever arrive for it`,
    `publish on 127.0.0.1 (the default), the lab gateway ${topology.bridge.gateway}, or one of the host's addresses: ${known.join(', ')}`,
    topology.source,
  );
}

/** A host endpoint already taken by another process or another forward (not this lab's) stops `up` before anything is made. */
export function checkForwardPortFree(forward: PortForward, users: readonly HostPortUser[], source: string): void {
  const user = users.find((candidate) => hostEndpointsOverlap(candidate, forward));
  if (!user) return;
  throw new TopologyError(
    forward.field,
    formatHostEndpoint(forward.host),
    `host port ${forward.host.port}/${forward.protocol} on ${forward.host.address} is already taken by ${user.owner}`,
    'choose another host port, or stop what holds it',
    source,
  );
}

/** `up`'s and `validate`'s pre-flight for port forwards: host addresses exist, host ports are free. */
export async function checkPortForwardsAgainstHost(topology: Topology): Promise<void> {
  const forwards = portForwards(topology);
  if (forwards.length === 0) return;
  const [addresses, listening, nat] = await Promise.all([
    readHostAddresses(),
    run('ss', ['-H', '-l', '-n', '-t', '-u', '-p']),
    run('iptables-save', ['-t', 'nat'], { allowFailure: true }),
  ]);
  const users = [...parseListeners(listening.stdout), ...parseForeignDnatRules(nat.stdout, topology.name)];
  for (const forward of forwards) {
    checkForwardAddress(forward, topology, addresses);
    checkForwardPortFree(forward, users, topology.source);
  }
}
