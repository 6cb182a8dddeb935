import { HybridLabError } from '../common/errors.ts';
import { readState } from '../lab/state.ts';
import { parseIpv4 } from '../capture/decode/addresses.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import type { DnsRecordServed, NodeDescription } from './snapshot/host-snapshot.ts';

/** What an offline analysis knows about the network a capture came from. */
export interface OfflineContext {
  bridge: string;
  subnet: string;
  domain?: string;
  nodes: NodeDescription[];
  dnsRecords: DnsRecordServed[];
}

export interface OfflineContextRequest {
  topologyFile?: string;
  labName?: string;
  bridge?: string;
  subnet?: string;
  /** `--node NAME=IP`, repeatable: names for addresses the topology does not know. */
  nodeFlags?: string[];
}

/** Parses `NAME=IP` flags into node descriptions; a bad one is a sentence naming it. */
export function parseNodeFlags(flags: readonly string[]): NodeDescription[] {
  return flags.map((flag) => {
    const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$/.exec(flag);
    if (!match || (parseIpv4(match[2]) === undefined && !match[2].includes(':'))) {
      throw new HybridLabError(`--node ${flag} is not NAME=IP. Fix: give e.g. --node web=10.0.1.20 (repeat --node for more nodes)`);
    }
    return { name: match[1], ip: match[2], kind: 'container' as const };
  });
}

function topologyNodes(topology: Topology): NodeDescription[] {
  return [
    { name: 'host', ip: topology.bridge.gateway, kind: 'host' },
    { name: 'dns', ip: topology.dns.address, kind: 'dns' },
    ...topology.nodes.map((node): NodeDescription => ({ name: node.name, ip: node.ip, kind: node.kind === 'vm' ? 'vm' : 'container' })),
  ];
}

async function topologyFor(request: OfflineContextRequest): Promise<Topology | undefined> {
  if (request.labName) {
    const state = await readState(request.labName);
    if (state) return state.topology;
    if (!request.topologyFile) throw new HybridLabError(`--lab ${request.labName}: no lab of that name has been brought up on this host. Fix: give its topology with -t FILE`);
  }
  return request.topologyFile ? loadTopology(request.topologyFile) : undefined;
}

/**
 * The network an offline capture came from: the lab's (by --lab or -t) with its node names, then
 * --bridge/--subnet overrides and --node names on top; the default lab's bridge and subnet else.
 */
export async function offlineContext(request: OfflineContextRequest): Promise<OfflineContext> {
  const topology = await topologyFor(request);
  const flagged = parseNodeFlags(request.nodeFlags ?? []);
  const fromTopology = topology ? topologyNodes(topology) : [];
  // A --node flag wins over the topology for the same address.
  const nodes = [...flagged, ...fromTopology.filter((node) => !flagged.some((f) => f.ip === node.ip))];
  return {
    bridge: request.bridge ?? topology?.bridge.name ?? 'hybr0',
    subnet: request.subnet ?? topology?.bridge.subnet ?? '10.0.1.0/24',
    ...(topology ? { domain: topology.dns.domain } : {}),
    nodes,
    dnsRecords: topology ? fromTopology.filter((n) => n.kind !== 'host').map((n) => ({ name: `${n.name}.${topology.dns.domain}`, ip: n.ip })) : [],
  };
}
