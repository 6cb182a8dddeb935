import { readFile } from 'node:fs/promises';
import { run } from '../../common/run.ts';
import { containerPort } from './container-port.ts';
import { collectDocker, containerBridges } from './docker-state.ts';
import { counterWindow, readRuleCounters } from './counter-window.ts';
import { emptySnapshot, type DnsRecordServed, type HostSnapshot, type HostSysctls, type IptablesSnapshot, type NodeDescription, type NodeSnapshot } from './host-snapshot.ts';

export interface SnapshotRequest {
  /** The lab bridge, e.g. hybr0. */
  bridge: string;
  /** The lab subnet, e.g. 10.0.1.0/24. */
  subnet: string;
  nodes: NodeDescription[];
  /** The records the lab DNS serves (the lead's lab state knows them). */
  dnsRecords?: DnsRecordServed[];
  /** Rule counters read before the capture: the snapshot then says which rules moved during it. */
  countersBefore?: { snapshot: IptablesSnapshot; takenAtIso: string };
}

interface IpLink {
  ifindex: number;
  ifname: string;
  master?: string;
  operstate?: string;
  address?: string;
}

/** Runs a program and parses its JSON output; failures are recorded, not thrown. */
async function runJson<T>(snapshot: HostSnapshot, source: string, command: string, args: string[]): Promise<T | undefined> {
  try {
    const { stdout } = await run(command, args, { timeoutMs: 15_000 });
    return stdout.trim() ? (JSON.parse(stdout) as T) : ([] as unknown as T);
  } catch (error) {
    snapshot.errors.push({ source, message: (error as Error).message.split('\n')[0] });
    return undefined;
  }
}

async function readSysctl(path: string): Promise<number | undefined> {
  try {
    return Number((await readFile(`/proc/sys/${path}`, 'utf8')).trim());
  } catch {
    return undefined;
  }
}

export async function readSysctls(): Promise<HostSysctls> {
  return {
    ipForward: await readSysctl('net/ipv4/ip_forward'),
    bridgeNfCallIptables: await readSysctl('net/bridge/bridge-nf-call-iptables'),
    bridgeNfCallIp6tables: await readSysctl('net/bridge/bridge-nf-call-ip6tables'),
    bridgeNfCallArptables: await readSysctl('net/bridge/bridge-nf-call-arptables'),
  };
}

async function collectLinks(snapshot: HostSnapshot, bridge: string): Promise<IpLink[]> {
  const links = (await runJson<IpLink[]>(snapshot, 'ip link', 'ip', ['-j', 'link', 'show'])) ?? [];
  const own = links.find((link) => link.ifname === bridge);
  snapshot.bridge = { exists: own !== undefined, operState: own?.operstate, mac: own?.address, ports: [] };
  if (!own) return links;
  const ports = (await runJson<Array<{ ifname: string; master?: string; state?: string }>>(snapshot, 'bridge link', 'bridge', ['-j', 'link', 'show'])) ?? [];
  snapshot.bridge.ports = ports
    .filter((port) => port.master === bridge)
    .map((port) => {
      const link = links.find((l) => l.ifname === port.ifname);
      return { name: port.ifname, state: port.state ?? 'unknown', operState: link?.operstate ?? 'unknown', mac: link?.address };
    });
  const fdb = (await runJson<Array<{ mac: string; ifname?: string; dev?: string; state?: string; flags?: string[]; vlan?: number }>>(snapshot, 'bridge fdb', 'bridge', ['-j', 'fdb', 'show', 'br', bridge])) ?? [];
  snapshot.fdb = fdb.map((entry) => ({ mac: entry.mac, port: entry.ifname ?? entry.dev ?? '', permanent: entry.state === 'permanent', vlan: entry.vlan }));
  return links;
}

async function collectAddressesAndRoutes(snapshot: HostSnapshot): Promise<void> {
  type IpAddr = { ifname: string; operstate: string; master?: string; addr_info?: Array<{ family: string; local: string; prefixlen: number }> };
  const addresses = (await runJson<IpAddr[]>(snapshot, 'ip addr', 'ip', ['-j', 'addr', 'show'])) ?? [];
  snapshot.addresses = addresses.flatMap((link) =>
    (link.addr_info ?? [])
      .filter((info) => info.family === 'inet' || info.family === 'inet6')
      .map((info) => ({ interface: link.ifname, family: info.family as 'inet' | 'inet6', cidr: `${info.local}/${info.prefixlen}`, operState: link.operstate, master: link.master })),
  );
  const routes = (await runJson<Array<{ dst: string; dev?: string; gateway?: string; prefsrc?: string }>>(snapshot, 'ip route', 'ip', ['-j', 'route', 'show'])) ?? [];
  snapshot.routes = routes.map((route) => ({ destination: route.dst, device: route.dev, gateway: route.gateway, source: route.prefsrc }));
}

async function collectIptables(snapshot: HostSnapshot, before?: { snapshot: IptablesSnapshot; takenAtIso: string }): Promise<void> {
  const { snapshot: counted, errors } = await readRuleCounters();
  snapshot.iptables = counted;
  for (const message of errors) snapshot.errors.push({ source: message.split(':')[0], message });
  if (before) snapshot.counterWindow = counterWindow(before.snapshot, counted, before.takenAtIso, new Date().toISOString());
}

/** Node state and which bridge its NIC hangs off, by kind. */
async function describeNode(snapshot: HostSnapshot, node: NodeDescription, links: IpLink[]): Promise<NodeSnapshot> {
  if (node.kind === 'container' || node.kind === 'dns') {
    const seen = await containerBridges(snapshot, node.containerName ?? node.name);
    const port = seen.state === 'missing' ? undefined : await containerPort(node.containerName ?? node.name, node.ip, links);
    const portFields = port ? { hostInterface: port.name, hostInterfaceMaster: port.master, hostInterfaceOperState: port.operState } : {};
    return { ...node, state: seen.state, attachedBridges: seen.bridges, ...portFields };
  }
  if (node.kind === 'host') {
    return { ...node, state: snapshot.bridge.exists ? 'running' : 'missing', attachedBridges: snapshot.bridge.exists ? [snapshot.bridgeName] : [] };
  }
  const tap = node.hostInterface ? links.find((link) => link.ifname === node.hostInterface) : undefined;
  const master = node.hostInterface ? (tap ? (tap.master ?? '') : undefined) : undefined;
  return {
    ...node,
    state: node.state ?? (tap ? 'running' : 'unknown'),
    attachedBridges: master ? [master] : [],
    hostInterfaceMaster: master,
  };
}

/**
 * Takes the host-side snapshot `hybrid-lab debug` reasons over: bridge, ports, fdb, addresses,
 * routes, sysctls, iptables with counters, Docker networks and each node's attachment.
 * Never throws for a failing program: the step lands in `errors` and the rest is still collected.
 */
export async function collectSnapshot(request: SnapshotRequest): Promise<HostSnapshot> {
  const snapshot = emptySnapshot(request.bridge, request.subnet);
  const links = await collectLinks(snapshot, request.bridge);
  await collectAddressesAndRoutes(snapshot);
  snapshot.sysctls = await readSysctls();
  await collectIptables(snapshot, request.countersBefore);
  snapshot.dockerNetworks = await collectDocker(snapshot);
  snapshot.dnsRecords = request.dnsRecords ?? [];
  for (const node of request.nodes) snapshot.nodes.push(await describeNode(snapshot, node, links));
  return snapshot;
}
