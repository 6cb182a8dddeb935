/**
 * What the host looked like while we captured: typed so findings can reason over it and
 * reports can render it. Every field is optional-by-content: a collector step that failed
 * leaves its part empty and records why in `errors`.
 */

export interface BridgePort {
  /** Interface name (veth..., tap..., vnet...). */
  name: string;
  /** forwarding, disabled, blocking, listening, learning. */
  state: string;
  operState: string;
  mac?: string;
}

export interface FdbEntry {
  mac: string;
  port: string;
  permanent: boolean;
  vlan?: number;
}

export interface InterfaceAddress {
  interface: string;
  family: 'inet' | 'inet6';
  /** Address with prefix, e.g. 10.0.1.1/24. */
  cidr: string;
  operState: string;
  master?: string;
}

export interface RouteEntry {
  destination: string;
  device?: string;
  gateway?: string;
  source?: string;
}

export interface HostSysctls {
  ipForward?: number;
  /** Undefined when br_netfilter is not loaded (bridged traffic bypasses iptables). */
  bridgeNfCallIptables?: number;
  bridgeNfCallIp6tables?: number;
  bridgeNfCallArptables?: number;
}

export interface IptablesChain {
  /** Built-in chains have a policy (ACCEPT/DROP); user chains have '-'. */
  policy: string;
  packets: number;
  bytes: number;
}

export interface IptablesRuleCounted {
  /** iptables (IPv4) or ip6tables (IPv6); absent means IPv4 (older snapshots). */
  family?: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  /** The rule as iptables-save printed it, without the counter and "-A CHAIN". */
  text: string;
  target?: string;
  inInterface?: string;
  inNegated?: boolean;
  outInterface?: string;
  outNegated?: boolean;
  packets: number;
  bytes: number;
}

export interface IptablesSnapshot {
  /** table -> chain -> policy and counters. */
  chains: Record<string, Record<string, IptablesChain>>;
  rules: IptablesRuleCounted[];
}

export interface DockerNetworkInfo {
  name: string;
  driver: string;
  /** The Linux bridge Docker uses (com.docker.network.bridge.name, or br-<id>). */
  bridgeName?: string;
  subnets: string[];
  containers: Array<{ name: string; ipv4?: string; mac?: string }>;
}

export interface DnsRecordServed {
  name: string;
  ip: string;
}

/** A lab node as the caller knows it (from the lab state); the collector adds what it sees. */
export interface NodeDescription {
  name: string;
  ip: string;
  kind: 'host' | 'container' | 'vm' | 'dns';
  /** State from the lab's own bookkeeping (VM providers), when known. */
  state?: string;
  mac?: string;
  /** The host side of the node's NIC (tap for VMs), when known. */
  hostInterface?: string;
  /** Docker container name when it differs from the node name (labs prefix theirs: hybrid-web-server). */
  containerName?: string;
}

export interface NodeSnapshot extends NodeDescription {
  /** running, exited, paused, missing, unknown... */
  state: string;
  /** Linux bridges this node's NIC is attached to, as seen on the host (empty when none). */
  attachedBridges: string[];
  /** The host interface's master, when hostInterface is known ('' when it has none, undefined when missing). */
  hostInterfaceMaster?: string;
  /** The host interface's link state (UP, DOWN, LOWERLAYERDOWN), when known. */
  hostInterfaceOperState?: string;
}

/** How much a rule's counter moved while we captured: the rule, where it sits, and the packets it took. */
export interface RuleCounterDelta {
  family: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  /** 1-based position in its chain, as `iptables -L CHAIN --line-numbers` shows it. */
  position: number;
  text: string;
  target?: string;
  packets: number;
  bytes: number;
}

/** A built-in chain's policy counter over the capture window (packets the policy decided). */
export interface PolicyCounterDelta {
  family: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  policy: string;
  packets: number;
  bytes: number;
}

/** Rule and policy counters read before the capture and again after it: what moved in between. */
export interface CounterWindow {
  fromIso: string;
  toIso: string;
  rules: RuleCounterDelta[];
  policies: PolicyCounterDelta[];
}

export interface HostSnapshot {
  takenAtIso: string;
  bridgeName: string;
  subnet: string;
  bridge: { exists: boolean; operState?: string; mac?: string; ports: BridgePort[] };
  fdb: FdbEntry[];
  addresses: InterfaceAddress[];
  routes: RouteEntry[];
  sysctls: HostSysctls;
  /** iptables and ip6tables rules (family tells which), with counters as read after the capture. */
  iptables: IptablesSnapshot;
  /** Counters that moved during the capture (live debug only). */
  counterWindow?: CounterWindow;
  dockerNetworks: DockerNetworkInfo[];
  dnsRecords: DnsRecordServed[];
  nodes: NodeSnapshot[];
  /** Collector steps that failed (program missing, permission...): the snapshot is partial. */
  errors: Array<{ source: string; message: string }>;
}

/** An empty snapshot to fill in; also what offline analysis uses when no host state is known. */
export function emptySnapshot(bridgeName: string, subnet: string): HostSnapshot {
  return {
    takenAtIso: new Date().toISOString(),
    bridgeName,
    subnet,
    bridge: { exists: false, ports: [] },
    fdb: [],
    addresses: [],
    routes: [],
    sysctls: {},
    iptables: { chains: {}, rules: [] },
    dockerNetworks: [],
    dnsRecords: [],
    nodes: [],
    errors: [],
  };
}
