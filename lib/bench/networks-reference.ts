/**
 * The networks benchmark's reference: the resources of lab/examples/networks/networks.yaml made
 * and removed by hand, with nothing of hybrid-lab's orchestration around them (no state file,
 * lock, ownership checks, plan or progress): the bridges with `ip`, the engine's networks and
 * containers (the DNS server with its DHCP range, the nodes) through the Docker Engine API in
 * parallel, the two VMs' QEMU processes started to their boot marker (DHCP leases taken), and the
 * firewall (per-bridge rules, INPUT guard, port forward, lab chain with its policies) in one
 * iptables-restore per family. Not in it: sysctls and the rate limit's tc qdiscs (0.1-0.6 s of `up`).
 *
 * It runs under its own names (lab `hlnb`, bridges hybr86-hybr89, subnets 10.0.86-88.0/24 and
 * 10.0.90.0/24, fd00:86::/64) so it never meets the lab itself; every resource carries the
 * `hlnb` marks, so `downLab('hlnb')` finds whatever a crashed run left.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { CONTAINER_LEASE_DIR, dhcpCapabilities, dhcpNetworks, LEASE_FILE_NAME } from '../dns/dhcp-config.ts';
import { CONTAINER_CONFIG_DIR, renderDnsmasqConfig, renderServersFile, SERVERS_FILE } from '../dns/dnsmasq-config.ts';
import { dnsCapabilities } from '../dns/dnsmasq-ipv6.ts';
import { LiveRecords } from '../dns/live-records.ts';
import { labRecords } from '../dns/records.ts';
import { bridgeAlias, dnsContainerName, engineNetworkName } from '../lab/names.ts';
import { nodeContainerSpec } from '../lab/node-container-spec.ts';
import { labForwardRules } from '../lab/port-forwards.ts';
import { createBridge, deleteLink, linkInfo } from '../net/bridge.ts';
import { hostInputRules, labRules, tableOf, type IptablesRule } from '../net/iptables.ts';
import { labChainJumps, labChainName, labChainRules } from '../net/lab-chain.ts';
import { policyRules } from '../net/policy-rules.ts';
import { logLines } from '../runtimes/engine-api/logs.ts';
import { labLabels, LAB_LABEL, type ContainerEndpoint, type ContainerSpec } from '../runtimes/runtime.ts';
import { networkFamilies } from '../topology/families.ts';
import { parseTopology } from '../topology/load.ts';
import { labNetworks, type ResolvedVmNode, type Topology } from '../topology/topology.ts';
import { guestArtefacts } from '../vms/qemu/artefacts.ts';
import { destroyQemuVm } from '../vms/qemu/cleanup.ts';
import { startQemuVm } from '../vms/qemu/start-vm.ts';
import { vmContext } from '../lab/vm-context.ts';

export const REFERENCE_LAB = 'hlnb';

/** The example's text with the reference's names: lab, bridges, subnets, the reserved MACs and the forwarded port. */
const RENAMES: Array<[RegExp, string]> = [
  [/\bnw14\b/g, REFERENCE_LAB], [/\bhybr76\b/g, 'hybr86'], [/\bhybr77\b/g, 'hybr87'], [/\bhybr78\b/g, 'hybr88'], [/\bhybr79\b/g, 'hybr89'],
  [/\b10\.0\.76\./g, '10.0.86.'], [/\b10\.0\.77\./g, '10.0.87.'], [/\b10\.0\.78\./g, '10.0.88.'], [/\b10\.0\.80\./g, '10.0.90.'],
  [/fd00:76:/g, 'fd00:86:'], [/52:54:00:77:/g, '52:54:00:87:'], [/\b18076\b/g, '18086'],
];

/** The example topology under the reference's names; refuses a file in which anything of the lab's own names is left. */
export async function referenceTopology(file: string): Promise<Topology> {
  const text = RENAMES.reduce((out, [pattern, to]) => out.replace(pattern, to), await readFile(file, 'utf8'));
  const left = /nw14|hybr7\d|10\.0\.(7\d|80)\.|fd00:76|18076/.exec(text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n'));
  if (left) throw new Error(`the reference topology still names "${left[0]}" of the example: extend RENAMES in networks-reference.ts`);
  return parseTopology(text, `${file} (renamed for the reference)`);
}

export interface ReferenceFigures {
  upMs: number;
  downMs: number;
  accel: string;
}

/** Every firewall rule the lab has, as hybrid-lab renders them (the chain's drops towards other bridges left out). */
function firewallRules(topology: Topology): IptablesRule[] {
  const networks = labNetworks(topology);
  return [
    ...networks.flatMap((network) => networkFamilies(network).flatMap((family) => labRules(topology.name, network.bridge, family))),
    ...networks.flatMap((network) => hostInputRules(topology.name, network.bridge, topology.host.acceptFromLab ?? [])),
    ...labForwardRules(topology),
    ...labChainRules(topology.name, networks, policyRules(topology)),
    ...labChainJumps(topology.name),
  ];
}

const quote = (arg: string) => (/^[A-Za-z0-9_.,:/!+-]+$/.test(arg) ? arg : `"${arg.replaceAll('"', '\\"')}"`);

/** One iptables-restore --noflush per family: the chain declared, each rule added (or deleted), the chain dropped on removal. */
async function restoreFirewall(topology: Topology, action: 'add' | 'delete'): Promise<void> {
  const chain = labChainName(topology.name);
  const rules = firewallRules(topology);
  await Promise.all((['ipv4', 'ipv6'] as const).map(async (family) => {
    const mine = rules.filter((rule) => (rule.family ?? 'ipv4') === family);
    // Rules that go at the top of their chain keep their order there (positions 1, 2, ...).
    const inserted = new Map<string, number>();
    const line = (rule: IptablesRule) => {
      const top = rule.chain === 'DOCKER-USER' || rule.chain === 'INPUT' || rule.top;
      if (top && action === 'add') inserted.set(rule.chain, (inserted.get(rule.chain) ?? 0) + 1);
      const verb = action === 'delete' ? `-D ${rule.chain}` : top ? `-I ${rule.chain} ${inserted.get(rule.chain)}` : `-A ${rule.chain}`;
      return `${verb} ${rule.spec.map(quote).join(' ')}`;
    };
    // Deleting: the jumps first, then the chain's rules and the chain itself.
    const filter = action === 'add'
      ? [`:${chain} - [0:0]`, ...mine.filter((rule) => tableOf(rule) === 'filter').map(line)]
      : [...mine.filter((rule) => tableOf(rule) === 'filter' && rule.chain !== chain).map(line), `-F ${chain}`, `-X ${chain}`];
    const nat = mine.filter((rule) => tableOf(rule) === 'nat').map(line);
    const input = [`*filter\n${filter.join('\n')}\nCOMMIT\n`, ...(nat.length > 0 ? [`*nat\n${nat.join('\n')}\nCOMMIT\n`] : [])].join('');
    await run(family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore', ['-w', '--noflush'], { input });
  }));
}

/** Deletes a bridge only when it carries the reference's alias (what createBridge set). */
async function removeOwnBridge(name: string, alias: string): Promise<void> {
  if ((await linkInfo(name))?.ifalias === alias) await deleteLink(name);
}

const endpoint = (e: ContainerEndpoint): Docker.EndpointSettings => ({ IPAMConfig: { IPv4Address: e.ip, ...(e.ipv6 ? { IPv6Address: e.ipv6 } : {}) } });

/** create, connect the further networks, start, and wait for the readiness line: the Engine API calls `up` makes, bare. */
async function startContainer(client: Docker, spec: ContainerSpec): Promise<void> {
  const container = await client.createContainer({
    name: spec.name, Hostname: spec.hostname, Image: spec.image, Cmd: spec.command, Labels: spec.labels,
    HostConfig: {
      NetworkMode: spec.network, Init: true, CapDrop: ['ALL'], CapAdd: spec.capabilities,
      Dns: spec.dnsServer ? [spec.dnsServer] : undefined, DnsSearch: spec.dnsSearch ? [spec.dnsSearch] : undefined,
      Binds: spec.bindMounts?.map((mount) => `${mount.source}:${mount.target}:${mount.mode}`),
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: endpoint({ network: spec.network, ip: spec.ip!, ipv6: spec.ipv6 }) } },
  });
  for (const extra of spec.extraNetworks ?? []) await client.getNetwork(extra.network).connect({ Container: container.id, EndpointConfig: endpoint(extra) });
  await container.start();
  const pattern = spec.readiness?.kind === 'log' ? spec.readiness.pattern : undefined;
  if (!pattern) return;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 60_000);
  try {
    for await (const line of logLines(client, container.id, { follow: true, signal: abort.signal })) if (pattern.test(line)) return;
    throw new Error(`reference container ${spec.name} never printed ${pattern}`);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** The DNS server's files in a folder of the reference's own (config, upstreams, one hosts file per record, the lease folder). */
async function dnsFiles(topology: Topology, dir: string): Promise<{ config: string; leases: string }> {
  const config = join(dir, 'dns');
  const leases = join(dir, 'dhcp');
  await mkdir(join(config, 'hosts.d'), { recursive: true, mode: 0o755 });
  await mkdir(leases, { recursive: true, mode: 0o700 });
  await writeFile(join(config, 'dnsmasq.conf'), renderDnsmasqConfig(topology));
  await writeFile(join(config, SERVERS_FILE), renderServersFile(topology.dns.upstreams));
  await new LiveRecords(join(config, 'hosts.d'), topology.dns.domain).sync(labRecords(topology));
  return { config, leases };
}

function dnsSpec(topology: Topology, image: string, files: { config: string; leases: string }): ContainerSpec {
  const [primary, ...others] = labNetworks(topology);
  const at = (network: (typeof others)[number]) => ({ network: engineNetworkName(topology, network.name), ip: network.dns, ...(network.ipv6 ? { ipv6: network.ipv6.dns } : {}) });
  return {
    name: dnsContainerName(topology.name), hostname: 'dns', image, ...at(primary), extraNetworks: others.map(at),
    labels: labLabels(topology.name, 'dns', 'dns'), command: [],
    bindMounts: [{ source: files.config, target: CONTAINER_CONFIG_DIR, mode: 'ro' }, ...(dhcpNetworks(topology).length > 0 ? [{ source: files.leases, target: CONTAINER_LEASE_DIR, mode: 'rw' as const }] : [])],
    capabilities: [...new Set([...dnsCapabilities(topology), ...dhcpCapabilities(topology)])],
    readiness: { kind: 'log', pattern: /started, version/ },
  };
}

/**
 * Makes the reference lab and removes it, timing both. Every step is as parallel as the
 * dependencies allow: bridges; then networks and the firewall; then the DNS server, the node
 * containers and the VMs at once (a VM's DHCP client retries until dnsmasq answers). Only while
 * nothing of the reference exists: the caller sweeps `hlnb` first.
 */
export async function referenceFigures(topology: Topology, client: Docker, images: { node: string; dns: string }): Promise<ReferenceFigures> {
  const artefacts = await guestArtefacts(silentReporter); // built or checked outside the timed part
  const dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-netbench-'));
  const ctx = { ...vmContext(topology, silentReporter), stateDir: join(dir, 'vms'), leaseFile: join(dir, 'dhcp', LEASE_FILE_NAME) };
  const networks = labNetworks(topology);
  const vms = topology.nodes.filter((node): node is ResolvedVmNode => node.kind === 'vm');
  const containers = topology.nodes.flatMap((node) => (node.kind === 'container' ? [nodeContainerSpec(topology, node, images.node)] : []));
  const names = [dnsContainerName(topology.name), ...containers.map((spec) => spec.name)];
  // Timed removal: by the names this run just made. After a failure: only what carries the reference's label.
  const ignoreGone = (error: { statusCode?: number }) => {
    if (error.statusCode !== 404) throw error;
  };
  const removeContainers = () => Promise.all(names.map((name) => client.getContainer(name).remove({ force: true }).catch(ignoreGone)));
  const removeNetworks = () => Promise.all(networks.map((network) => client.getNetwork(engineNetworkName(topology, network.name)).remove().catch(ignoreGone)));
  const labelled = { filters: JSON.stringify({ label: [`${LAB_LABEL}=${topology.name}`] }) };
  const sweepContainers = async () => Promise.all((await client.listContainers({ all: true, ...labelled })).map((c) => client.getContainer(c.Id).remove({ force: true }).catch(ignoreGone)));
  const sweepNetworks = async () => Promise.all((await client.listNetworks(labelled)).map((n) => client.getNetwork(n.Id).remove().catch(ignoreGone)));
  let firewall = false;
  try {
    const started = performance.now();
    await Promise.all(networks.map((network) => createBridge(network.bridge, [`${network.gateway}/${network.prefix}`, ...(network.ipv6 ? [`${network.ipv6.gateway}/${network.ipv6.prefix}`] : [])], bridgeAlias(topology, network))));
    const [files] = await Promise.all([
      dnsFiles(topology, dir),
      ...networks.map((network) => client.createNetwork({
        Name: engineNetworkName(topology, network.name), Driver: 'bridge', ...(network.ipv6 ? { EnableIPv6: true } : {}),
        IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet, Gateway: network.gateway }, ...(network.ipv6 ? [{ Subnet: network.ipv6.subnet, Gateway: network.ipv6.gateway }] : [])] },
        Options: { 'com.docker.network.bridge.name': network.bridge, ...(network.mode === 'bridged' || network.mode === 'nat' ? {} : { 'com.docker.network.bridge.enable_ip_masquerade': 'false' }) },
        Labels: { [LAB_LABEL]: topology.name },
      })),
      restoreFirewall(topology, 'add').then(() => void (firewall = true)),
    ]);
    await Promise.all([
      startContainer(client, dnsSpec(topology, images.dns, files)),
      ...containers.map((spec) => startContainer(client, spec)),
      ...vms.map((vm) => startQemuVm(vm, ctx, artefacts)),
    ]);
    const upMs = performance.now() - started;
    const stopping = performance.now();
    await Promise.all([removeContainers(), ...vms.map((vm) => destroyQemuVm(topology.name, vm.name, ctx.stateDir))]);
    await Promise.all([removeNetworks(), restoreFirewall(topology, 'delete').then(() => void (firewall = false))]);
    await Promise.all(networks.map((network) => removeOwnBridge(network.bridge, bridgeAlias(topology, network))));
    return { upMs, downMs: performance.now() - stopping, accel: artefacts.accel.mode };
  } finally {
    // After a failure: whatever is left, best effort (the caller's sweep of `hlnb` catches the rest).
    await Promise.all([sweepContainers().catch(() => undefined), ...vms.map((vm) => destroyQemuVm(topology.name, vm.name, ctx.stateDir).catch(() => undefined))]);
    await sweepNetworks().catch(() => undefined);
    if (firewall) await restoreFirewall(topology, 'delete').catch(() => undefined);
    await Promise.all(networks.map((network) => removeOwnBridge(network.bridge, bridgeAlias(topology, network)).catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}
