import { containerRuntime } from '../runtimes/registry.ts';
import { linkExists } from '../net/bridge.ts';
import { silentReporter } from '../common/progress.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
import type { NetworkMode } from '../topology/network-schema.ts';
import { vmIsRunning } from '../vms/registry.ts';
import { dnsContainerName } from './names.ts';
import { readLeases, type DhcpLease } from '../dns/leases.ts';
import { dhcpNetworks } from '../dns/dhcp-config.ts';
import { leaseFile } from './dns-paths.ts';
import { forwardStatuses, type ForwardStatus } from './port-forwards.ts';
import { readState, StateFileError } from './state.ts';
import { vmContext } from './vm-context.ts';
import { impairmentStatuses, type ImpairmentStatus } from './impairment-status.ts';

export interface NodeStatus {
  name: string;
  kind: 'host' | 'dns' | 'container' | 'vm';
  ip: string;
  dnsName: string;
  /** running, exited, missing...; VMs add their accel mode. */
  state: string;
  detail?: string;
  /** The node's link impairment, when the topology gives one. */
  impairment?: ImpairmentStatus;
}

export interface NetworkStatus {
  name: string;
  mode: NetworkMode;
  /** The host interface carrying the gateway: the lab bridge, or a macvlan network's shim. */
  interface: string;
  parent?: string;
  subnet: string;
  /** The interface (and a macvlan network's parent) exists. */
  present: boolean;
}

export interface LabStatus {
  lab: string;
  /** `invalid`: the state file exists but is not a valid state of this lab (see `problem`). */
  status: 'up' | 'creating' | 'failed' | 'down' | 'invalid';
  problem?: string;
  bridge: { name: string; subnet: string; present: boolean };
  /** Every segment with its mode and host interface (a macvlan network: its shim and parent). */
  networks: NetworkStatus[];
  nodes: NodeStatus[];
  /** DHCP leases the lab DNS server has given (MAC, address, name, expiry); absent when no network has DHCP. */
  leases?: DhcpLease[];
  /** Port forwards (host endpoint -> node endpoint) and whether their rules are in place. */
  forwards: ForwardStatus[];
}

/** What the lab is and what actually runs, checked live (not just the state file). */
export async function labStatus(labName: string, topologyIfDown?: Topology): Promise<LabStatus> {
  let state: Awaited<ReturnType<typeof readState>>;
  try {
    state = await readState(labName);
  } catch (error) {
    // One unreadable lab must not hide the others (`status --all`): say what is wrong with it.
    if (!(error instanceof StateFileError)) throw error;
    return { lab: labName, status: 'invalid', problem: error.message, bridge: { name: '', subnet: '', present: false }, networks: [], nodes: [], forwards: [] };
  }
  const topology = state?.topology ?? topologyIfDown;
  if (!topology) return { lab: labName, status: 'down', bridge: { name: '', subnet: '', present: false }, networks: [], nodes: [], forwards: [] };
  const runtime = await containerRuntime(topology.runtime);
  const containers = (await runtime.probe()).reachable ? await runtime.listLabContainers(labName) : [];
  const containerState = (name: string) => containers.find((c) => c.name === name)?.state ?? 'missing';
  const fqdn = (name: string) => `${name}.${topology.dns.domain}`;
  const nodes: NodeStatus[] = [
    { name: 'host', kind: 'host', ip: topology.bridge.gateway, dnsName: fqdn('gateway'), state: (await linkExists(topology.bridge.name)) ? 'running' : 'missing' },
    { name: 'dns', kind: 'dns', ip: topology.dns.address, dnsName: fqdn('dns'), state: containerState(dnsContainerName(labName)) },
  ];
  const impairments = state ? await impairmentStatuses(topology, state.resources, (await runtime.probe()).reachable ? runtime : undefined) : new Map<string, ImpairmentStatus>();
  for (const node of topology.nodes) {
    const resource = state?.resources.find((r) => (r.kind === 'container' || r.kind === 'vm') && r.node === node.name);
    let nodeState = 'missing';
    let detail: string | undefined;
    if (resource?.kind === 'container') nodeState = containerState(resource.id);
    if (resource?.kind === 'vm' && resource.handle) {
      nodeState = (await vmIsRunning(resource.provider, resource.handle, vmContext(topology, silentReporter))) ? 'running' : 'stopped';
      detail = `${resource.provider}, ${resource.handle.accel === 'kvm' ? 'KVM' : 'emulated (TCG)'}`;
    }
    // A VM's address is the one it has: for a dynamic DHCP lease, what the provider read back after boot.
    const ip = resource?.kind === 'vm' && resource.handle?.ip ? resource.handle.ip : node.ip;
    nodes.push({ name: node.name, kind: node.kind, ip, dnsName: fqdn(node.name), state: nodeState, detail, impairment: impairments.get(node.name) ?? (node.impair ? { ...node.impair, applied: false } : undefined) });
  }
  const dhcp = dhcpNetworks(topology);
  return {
    lab: labName,
    status: state ? state.status : 'down',
    bridge: { name: topology.bridge.name, subnet: topology.bridge.subnet, present: await linkExists(topology.bridge.name) },
    networks: await Promise.all(labNetworks(topology).map(async (network) => ({
      name: network.name,
      mode: network.mode,
      interface: network.bridge,
      ...(network.parent ? { parent: network.parent } : {}),
      subnet: network.subnet,
      present: (await linkExists(network.bridge)) && (network.parent === undefined || (await linkExists(network.parent))),
    }))),
    nodes,
    ...(dhcp.length > 0 ? { leases: await readLeases(leaseFile(labName), dhcp) } : {}),
    forwards: state ? await forwardStatuses(topology) : [],
  };
}
