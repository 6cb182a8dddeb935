import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { shortHash } from '../common/hash.ts';
import { ProvisionError } from '../common/errors.ts';
import { step, type ProgressReporter } from '../common/progress.ts';
import { SPEC_LABEL, labLabels, type ContainerRuntime, type ContainerSpec } from '../runtimes/runtime.ts';
import { nodeContainerSpec } from './node-container-spec.ts';
import { CONTAINER_CONFIG_DIR, SERVERS_FILE, renderDnsmasqConfig, renderServersFile } from '../dns/dnsmasq-config.ts';
import { CONTAINER_LEASE_DIR, dhcpCapabilities, dhcpNetworks } from '../dns/dhcp-config.ts';
import { LiveRecords } from '../dns/live-records.ts';
import { labRecords } from '../dns/records.ts';
import { dnsCapabilities } from '../dns/dnsmasq-ipv6.ts';
import { createBridge, linkExists } from '../net/bridge.ts';
import { createShim } from '../net/macvlan.ts';
import { hostInputRules, labRules, type IptablesRule } from '../net/iptables.ts';
import { addRules, presentRules } from '../net/iptables-batch.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
import { isBuiltinNode } from '../topology/schema.ts';
import { networkFamilies } from '../topology/families.ts';
import { dhcpDir, dnsDir, hostsDir } from './dns-paths.ts';
import { bridgeAlias, dnsContainerName, engineNetworkName } from './names.ts';
import { ensureLabChain } from './lab-chain-step.ts';
import type { LabResource, StateStore } from './state.ts';
import { labForwardRules } from './port-forwards.ts';
import { applySysctls } from './sysctls.ts';
import { describeResource, removeResource } from './teardown.ts';

export type Track = (resource: LabResource) => void;

/**
 * Creates a resource unless it is recorded and still there. The record is written before the
 * resource is made, so a crash in between still leaves `down` something to find.
 */
export async function ensureResource(store: StateStore, resource: LabResource, exists: () => Promise<boolean>, create: () => Promise<void>, reporter: ProgressReporter, track: Track): Promise<void> {
  const recorded = store.find(resource.kind, resource.id);
  if (recorded?.phase === 'created' && (await exists())) return;
  const entry = await store.plan(resource);
  track(resource); // before creating: a half-made resource is rolled back too
  await step(reporter, describeResource(resource), create);
  await store.markCreated(entry);
}

/**
 * Every network's bridge with the host's addresses (the runtime's networks are made on them); a
 * macvlan network's shim on its parent instead, carrying the same addresses.
 */
export async function ensureBridge(topology: Topology, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  // `up` checked before anything was made that each bridge (shim) is absent or carries this lab's alias, and each parent is usable.
  await Promise.all(labNetworks(topology).map((network) => {
    const addresses = [`${network.gateway}/${network.prefix}`, ...(network.ipv6 ? [`${network.ipv6.gateway}/${network.ipv6.prefix}`] : [])];
    if (network.mode === 'macvlan') {
      const shim = { kind: 'macvlan-shim' as const, id: network.bridge, network: network.name, parent: network.parent! };
      return ensureResource(store, shim, () => linkExists(network.bridge), () => createShim(network.bridge, shim.parent, addresses, bridgeAlias(topology, network)), reporter, track);
    }
    return ensureResource(store, { kind: 'bridge', id: network.bridge }, () => linkExists(network.bridge), () => createBridge(network.bridge, addresses, bridgeAlias(topology, network)), reporter, track);
  }));
}

/**
 * Sysctls, the forwarding rules the lab promises per bridge, the host's INPUT guard, the port
 * forwards and (for labs of several networks, other modes or policies) the lab chain deciding what
 * crosses between segments. Rules name the bridges; they need not wait for the engine's networks.
 */
export async function ensureForwarding(topology: Topology, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  const networks = labNetworks(topology);
  await applySysctls(topology, store, reporter);
  // One iptables-restore per family for all of them (nat rules of the port forwards included).
  await ensureRules([
    // A macvlan shim forwards nothing (the lab chain drops it): only the INPUT guard applies to it.
    ...networks.filter((network) => network.mode !== 'macvlan').flatMap((network) => networkFamilies(network).flatMap((family) => labRules(topology.name, network.bridge, family))),
    ...networks.flatMap((network) => hostInputRules(topology.name, network.bridge, topology.host.acceptFromLab ?? [])),
    ...labForwardRules(topology),
  ], store, reporter, track);
  await ensureLabChain(topology, store, reporter, track);
}

/**
 * Rules in the order given; INPUT rules keep that order at the top of INPUT (position per
 * family). Every rule is recorded first, then the missing ones are added in one iptables-restore
 * transaction per family (one save to see what is there, instead of two commands per rule).
 */
export async function ensureRules(rules: readonly IptablesRule[], store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  const counters = new Map<string, number>();
  const positioned = rules.map((rule) => {
    const key = `${rule.family ?? 'ipv4'}/${rule.chain}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);
    return { rule, position: counters.get(key)! };
  });
  const present = await presentRules(rules);
  const missing = positioned.filter(({ rule }) => !present.has(rule));
  const entries = await Promise.all(rules.map((rule) => store.plan({ kind: 'iptables-rule', id: rule.purpose, rule })));
  for (const { rule } of missing) track({ kind: 'iptables-rule', id: rule.purpose, rule }); // before creating: rolled back too
  if (missing.length > 0) {
    const chains = [...new Set(missing.map(({ rule }) => `${rule.family === 'ipv6' ? 'ip6tables' : 'iptables'} ${rule.chain}`))].join(', ');
    await step(reporter, `${missing.length} firewall rule(s) (${chains})`, () => addRules(missing));
  }
  await Promise.all(entries.filter((entry) => entry.phase !== 'created').map((entry) => store.markCreated(entry)));
}

/** The runtime's network on each lab bridge; one of that name that is not the lab's stops `up`. */
export async function ensureLabNetworkStep(topology: Topology, runtime: ContainerRuntime, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  await Promise.all(labNetworks(topology).map(async (network) => {
    const name = engineNetworkName(topology, network.name);
    const spec = {
      name,
      labName: topology.name,
      bridge: network.bridge,
      subnet: network.subnet,
      gateway: network.gateway,
      ...(network.ipv6 ? { ipv6: { subnet: network.ipv6.subnet, gateway: network.ipv6.gateway } } : {}),
      // Isolated and routed segments keep their addresses: the engine must not masquerade them.
      masquerade: network.mode === 'bridged' || network.mode === 'nat',
      ...(network.mode === 'macvlan' ? { macvlanParent: network.parent } : {}),
    };
    await ensureResource(
      store,
      { kind: 'docker-network', id: name },
      async () => {
        const ownership = await runtime.networkOwnership(name, topology.name);
        if (ownership.owner === 'foreign') throw new ProvisionError(`network ${name} already exists and belongs to ${ownership.describe.replace(/^not made/, 'nobody known: it was not made')}. Fix: rename this lab, or remove that network if it is unused`);
        return ownership.owner === 'this-lab';
      },
      async () => void (await runtime.ensureNetwork(spec)),
      reporter,
      track,
    );
  }));
}

/**
 * Makes room for a lab container of this name: a leftover of this lab is removed; a container of
 * that name that is not this lab's is never touched, and `up` stops naming its owner.
 */
async function clearContainerName(runtime: ContainerRuntime, name: string, labName: string): Promise<void> {
  const ownership = await runtime.containerOwnership(name, labName);
  if (ownership.owner === 'this-lab') await runtime.removeContainer(ownership.id);
  if (ownership.owner === 'foreign') {
    throw new ProvisionError(`a container named ${name} already exists and belongs to ${ownership.describe.replace(/^not made/, 'nobody known: it was not made')}. Fix: rename this lab or node, or remove that container if it is unused (docker rm -f ${name})`);
  }
}

/** The engine refused the create because the name is taken (Docker and podman: 409 Conflict, "already in use"). */
function isNameConflict(error: unknown): boolean {
  const cause = (error as { cause?: { statusCode?: number; message?: string } }).cause;
  return cause?.statusCode === 409 || /already in use/i.test(cause?.message ?? '');
}

/**
 * Runs the container; only when its name is taken is the holder looked at (one inspect per
 * container saved on the usual path): a leftover of this lab is replaced, anyone else's stops `up`.
 */
async function runInPlaceOfLeftover(runtime: ContainerRuntime, labName: string, spec: ContainerSpec): Promise<void> {
  try {
    await runtime.runContainer(spec);
  } catch (error) {
    if (!isNameConflict(error)) throw error;
    await clearContainerName(runtime, spec.name, labName);
    await runtime.runContainer(spec);
  }
}

/** What the DNS container runs with: the config just written and the one before it (undefined on a first `up`). */
export interface DnsFiles {
  config: string;
  previousConfig?: string;
}

/** dnsmasq.conf and one hosts file per record (the DNS container reads them; records follow live). */
export async function writeDnsFiles(topology: Topology): Promise<DnsFiles> {
  // Readable by the DNS container, writable only by root, whatever the caller's umask.
  await mkdir(hostsDir(topology.name), { recursive: true, mode: 0o755 });
  await chmod(dnsDir(topology.name), 0o755);
  await chmod(hostsDir(topology.name), 0o755);
  // Leases: written by dnsmasq, read on the host by status and the VM providers; nobody else's business.
  // Without DHCP the DNS container gets no writable host folder at all.
  const leaseMounts = dhcpNetworks(topology).length > 0 ? [{ source: dhcpDir(topology.name), target: CONTAINER_LEASE_DIR, mode: 'rw' as const }] : [];
  if (leaseMounts.length > 0) await mkdir(dhcpDir(topology.name), { recursive: true, mode: 0o700 });
  const configPath = join(dnsDir(topology.name), 'dnsmasq.conf');
  const config = renderDnsmasqConfig(topology);
  const previousConfig = await readFile(configPath, 'utf8').catch(() => undefined);
  await writeFileAtomic(configPath, config);
  await writeFileAtomic(join(dnsDir(topology.name), SERVERS_FILE), renderServersFile(topology.dns.upstreams));
  await new LiveRecords(hostsDir(topology.name), topology.dns.domain).sync(labRecords(topology));
  return { config, previousConfig };
}

/**
 * The DNS container with an address on every network, ready when dnsmasq says it started (its
 * files written first). What dnsmasq reads only at start (SRV records) is in dnsmasq.conf: a
 * running DNS container made with another config (its SPEC_LABEL is the config's hash) is re-created.
 */
export async function ensureDnsServer(topology: Topology, runtime: ContainerRuntime, store: StateStore, image: string, reporter: ProgressReporter, track: Track, { config, previousConfig }: DnsFiles): Promise<void> {
  const name = dnsContainerName(topology.name);
  const [primary, ...others] = labNetworks(topology);
  // Leases: written by dnsmasq, read on the host by status and the VM providers; nobody else's business.
  // Without DHCP the DNS container gets no writable host folder at all.
  const leaseMounts = dhcpNetworks(topology).length > 0 ? [{ source: dhcpDir(topology.name), target: CONTAINER_LEASE_DIR, mode: 'rw' as const }] : [];
  if (leaseMounts.length > 0) {
    await mkdir(dhcpDir(topology.name), { recursive: true, mode: 0o700 });
    await chmod(dhcpDir(topology.name), 0o700);
  }
  await ensureResource(
    store,
    { kind: 'dns-container', id: name },
    async () => {
      const running = (await runtime.listLabContainers(topology.name)).find((c) => c.name === name && c.state === 'running');
      // A DNS container made by older code has no config label: it runs the config its `up` wrote.
      return running !== undefined && (running.spec ?? shortHash([previousConfig ?? config])) === shortHash([config]);
    },
    () =>
      runInPlaceOfLeftover(runtime, topology.name, {
        name,
        hostname: 'dns',
        image,
        network: engineNetworkName(topology, primary.name),
        ip: primary.dns,
        ...(primary.ipv6 ? { ipv6: primary.ipv6.dns } : {}),
        // The DNS server has an address on every network, so isolated segments resolve too.
        extraNetworks: others.map((network) => ({ network: engineNetworkName(topology, network.name), ip: network.dns, ...(network.ipv6 ? { ipv6: network.ipv6.dns } : {}) })),
        labels: { ...labLabels(topology.name, 'dns', 'dns'), [SPEC_LABEL]: shortHash([config]) },
        command: [],
        bindMounts: [{ source: dnsDir(topology.name), target: CONTAINER_CONFIG_DIR, mode: 'ro' }, ...leaseMounts],
        readiness: { kind: 'log', pattern: /started, version/ },
        // dnsmasq binds port 53 and sets its uid/gid at start (user=root still calls setgid); router
        // advertisements and DHCP add their own (dnsCapabilities, dhcpCapabilities), each only when used.
        capabilities: [...new Set([...dnsCapabilities(topology), ...dhcpCapabilities(topology)])],
      }),
    reporter,
    track,
  );
}

/** Containers whose node left the topology are removed (their DNS records went with the sync). */
export async function removeStaleNodes(topology: Topology, store: StateStore, reporter: ProgressReporter): Promise<string[]> {
  const wanted = new Set(topology.nodes.map((node) => node.name));
  const stale = store.state.resources.filter((resource) => (resource.kind === 'container' || resource.kind === 'vm') && !wanted.has(resource.node));
  for (const resource of stale) {
    await step(reporter, `remove ${describeResource(resource)} (no longer in the topology)`, () => removeResource(resource, topology));
    await store.forget(resource.kind, resource.id);
  }
  return stale.map(describeResource);
}

/** When each node is ready, for the containers that depend on it (VMs: when the lab's VMs are up). */
export type NodeGates = Map<string, Promise<void>>;

/**
 * Node containers, started concurrently except where `dependsOn` orders them: a container starts
 * once every node it depends on is ready (its own readiness passed). Built-in nodes start
 * alongside the DNS server (their services resolve nothing); a user's container, whose command
 * may resolve names as it starts, waits for `dnsReady`. A container that is running with the
 * same definition is kept; one whose definition changed is re-created.
 */
export async function ensureContainers(topology: Topology, runtime: ContainerRuntime, store: StateStore, images: Map<string, string>, reporter: ProgressReporter, track: Track, gates: NodeGates = new Map(), dnsReady: Promise<void> = Promise.resolve()): Promise<void> {
  const running = new Map((await runtime.listLabContainers(topology.name)).filter((c) => c.state === 'running').map((c) => [c.name, c.spec]));
  const containers = topology.nodes.filter((node) => node.kind === 'container');
  const started = new Map<string, Promise<void>>();
  const dns = 'the DNS server';
  const waitFor = (node: (typeof containers)[number]) =>
    Promise.all([...node.dependsOn, ...(isBuiltinNode(node) ? [] : [dns])].map(async (dependency) => {
      try {
        await (dependency === dns ? dnsReady : (started.get(dependency) ?? gates.get(dependency)));
      } catch {
        throw new ProvisionError(`container ${node.name} was not started: it depends on ${dependency}, which did not become ready (see its error)`);
      }
    }));
  for (const node of containers) {
    const spec = nodeContainerSpec(topology, node, images.get(node.name)!);
    started.set(node.name, (async () => {
      await Promise.resolve(); // every node's promise exists before any waits on another
      await waitFor(node);
      await ensureResource(
        store,
        { kind: 'container', id: spec.name, node: node.name },
        async () => running.get(spec.name) === spec.labels[SPEC_LABEL],
        () => runInPlaceOfLeftover(runtime, topology.name, spec),
        reporter,
        track,
      );
    })());
  }
  const results = await Promise.allSettled(started.values());
  // The root cause first: a dependent's "was not started" only follows from it.
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  if (failures.length > 0) throw failures.find((error) => !/was not started: it depends on/.test(error.message)) ?? failures[0];
}
