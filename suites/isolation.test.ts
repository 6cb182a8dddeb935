import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/common/time.ts';
import { ContainerNode } from '../lib/nodes/container-node.ts';
import { buildNodeImage } from '../lib/images/lab-images.ts';
import { containerRuntime } from '../lib/runtimes/registry.ts';
import { labLabels } from '../lib/runtimes/runtime.ts';
import { readSysctl } from '../lib/host/sysctl.ts';
import { auditRules, formatRule, readFilterTable } from '../lib/net/iptables-audit.ts';
import { hostInputRules, isolationRules, labRules, type IptablesRule } from '../lib/net/iptables.ts';
import { labChainJumps, labChainRules } from '../lib/net/lab-chain.ts';
import { policyRules } from '../lib/net/policy-rules.ts';
import { needsLabChain } from '../lib/lab/lab-chain-step.ts';
import { labNetworks, nodeNics } from '../lib/topology/topology.ts';
import type { LabNode } from '../lib/nodes/node.ts';
import { httpGet } from '../lib/probe/http.ts';
import { ping } from '../lib/probe/ping.ts';
import { endpointAddresses, familyTag, networkFamilies, primaryAddress, primaryFamilies } from '../lib/topology/families.ts';
import { hasProbeTools, liveLab, noToolsReason } from './support/lab.ts';

const lab = await liveLab();
const { topology } = lab.state;
// The lab's forwarding rules, plus the isolation rules for each VM management network it made,
// in iptables and, for networks with an IPv6 prefix, in ip6tables.
const managementBridges = lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.management ? [r.handle.management.bridge] : []));
// Every network's rules; a lab of several networks (or other modes, or policies) also has its chain and the
// jumps into it (the chain's drops towards the host's other bridges are not listed: that set changes with the host).
const networks = labNetworks(topology);
const chained = needsLabChain(topology);
const families = primaryFamilies(topology);
const promised = [
  ...networks.flatMap((network) => networkFamilies(network).flatMap((family) => labRules(topology.name, network.bridge, family))),
  ...networks.flatMap((network) => hostInputRules(topology.name, network.bridge, topology.host.acceptFromLab ?? [])),
  ...families.flatMap((family) => [...new Set(managementBridges)].flatMap((bridge) => isolationRules(topology.name, topology.bridge.name, bridge, undefined, family))),
  ...(chained ? [...labChainJumps(topology.name), ...labChainRules(topology.name, networks, policyRules(topology))] : []),
];

describe("isolation: Docker's default bridge", () => {
  const name = `${topology.name}-isolation-probe`;
  let outsider: ContainerNode;

  beforeAll(async () => {
    // A container on docker0 (not the lab network), labelled with the lab so `down` removes it if we crash.
    const runtime = await containerRuntime(topology.runtime);
    await runtime.removeContainer(name);
    await runtime.runContainer({
      name,
      hostname: 'isolation-probe',
      image: (await buildNodeImage(runtime)).reference,
      network: 'bridge',
      command: ['http', 'tcp-echo', 'udp-echo'],
      labels: labLabels(topology.name, 'isolation-probe', 'node'),
      capabilities: ['NET_RAW', 'NET_BIND_SERVICE'],
      readiness: { kind: 'log', pattern: /hybrid-lab: services ready/ },
    });
    const ip = await waitFor('the docker0 probe to get an address', async () => (await runtime.listLabContainers(topology.name)).find((c) => c.name === name)?.ip);
    outsider = new ContainerNode('docker0-probe', ip, name, runtime);
  });

  afterAll(async () => (await containerRuntime(topology.runtime)).removeContainer(name));

  // Each node's probes wait out their timeouts (about 5 s): the nodes are probed at once.
  for (const node of lab.nodes) {
    // A user's image has no ping: it is checked from the docker0 container towards it only.
    const tools = hasProbeTools(lab, node);
    // [v4]: Docker's default bridge has no IPv6 here.
    it.concurrent(tools ? `${node.name} cannot reach a container on docker0, nor it ${node.name} [v4]` : `a container on docker0 cannot reach ${node.name} [v4] (the other way skipped: ${node.name} has no ping)`, async ({ expect }) => {
      // The three attempts at once: each waits out its own timeout (the HTTP one 5 s).
      const [out, http, back] = await Promise.all([
        tools ? ping(node, outsider.ip, { count: 1, waitSec: 1 }) : undefined,
        tools ? httpGet(node, outsider.ip) : undefined,
        ping(outsider, node.ip, { count: 1, waitSec: 1 }),
      ]);
      if (out) expect(out.received, `${node.name} -> docker0 container ${outsider.ip}: got a ping reply, the hybrid network leaks into Docker's default bridge`).toBe(0);
      if (http) expect(http.ok, `${node.name} -> http://${outsider.ip}/ on docker0 answered: ${http.body.slice(0, 80)}`).toBe(false);
      expect(back.received, `docker0 container -> ${node.name} ${node.ip}: got a reply, Docker's default bridge reaches the hybrid network`).toBe(0);
    });
  }
});

describe('isolation: VM management networks', () => {
  const managed = lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.management ? [{ vm: r.node, ip: r.handle.management.ip }] : []));
  const title = 'containers cannot reach a VM management address';
  if (managed.length === 0) it.skip(`${title} (skipped: no VM in this topology has a management network)`, () => {});
  else
    for (const { vm, ip } of managed) it(`${title}: ${vm} ${ip}`, async () => {
      for (const node of lab.nodes.filter((n) => n.kind === 'container')) {
        const result = await ping(node, ip, { count: 1, waitSec: 1 });
        expect(result.received, `${node.name} reached ${vm}'s management address ${ip}: the management network is not isolated from the hybrid network`).toBe(0);
      }
    });
});

describe('isolation: the host accepts from the lab only what the lab uses', () => {
  // A service on every address (0.0.0.0 and ::) that the topology did not open (host.acceptFromLab): no node may reach it, over either family.
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => socket.end('host-only\n'));
    await new Promise<void>((resolve) => server.listen(0, families.includes('ipv6') ? '::' : '0.0.0.0', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  for (const family of families) for (const node of lab.nodes) {
    const tag = familyTag(family);
    const gateway = family === 'ipv4' ? topology.bridge.gateway : primaryAddress(topology, 'host', 'ipv6')!;
    if (family === 'ipv6' && !primaryAddress(topology, node.name, 'ipv6')) continue; // no IPv6 address of its own: nothing to send from
    (hasProbeTools(lab, node) ? it.concurrent : it.skip)(`${node.name} cannot reach a host service on ${gateway} the topology did not open ${tag}${hasProbeTools(lab, node) ? '' : ` (${noToolsReason(lab, node)})`}`, async ({ expect }) => {
      const local = await lab.host.exec(['busybox', 'nc', '-w', '2', gateway, String(port)], { timeoutMs: 5_000 });
      expect(local.stdout, `${tag} the probe service does not answer on the host itself: the check would prove nothing`).toContain('host-only');
      const hasNc = await node.exec(['sh', '-c', 'command -v nc']);
      expect(hasNc.exitCode, `${node.name} has no nc to probe with: the check would prove nothing`).toBe(0);
      const result = await node.exec(['nc', '-w', '2', gateway, String(port)], { timeoutMs: 15_000 });
      expect(result.stdout, `${tag} ${node.name} reached tcp/${port} on the host at ${gateway} (INPUT guard missing: see \`hybrid-lab status\`, rule "host drops everything else from ${topology.bridge.name}")`).not.toContain('host-only');
    });
  }

  for (const node of lab.nodes.filter((n) => n.kind === 'container')) it(`${node.name} cannot change its own addresses (no NET_ADMIN)`, async () => {
    if (!hasProbeTools(lab, node)) {
      // A user's image may have no `ip`: read the capability set the kernel gives its PID 1 instead.
      const status = await node.exec(['cat', '/proc/1/status']);
      const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(status.stdout)?.[1];
      expect(effective, `${node.name}: cannot read CapEff from /proc/1/status (${status.stderr.trim()})`).toBeDefined();
      expect((BigInt(`0x${effective}`) >> 12n) & 1n, `${node.name} has CAP_NET_ADMIN (CapEff ${effective})`).toBe(0n);
      return;
    }
    const result = await node.exec(['ip', 'addr', 'add', '192.0.2.1/32', 'dev', 'eth0']);
    expect(result.exitCode, `${node.name} could add an address to its NIC: it has NET_ADMIN`).not.toBe(0);
  });
});

describe('isolation: iptables rules and sysctls', () => {
  // One iptables-save per family for all the presence checks (about 50 ms each, a hundred checks).
  const savedTables = new Map<string, Promise<string>>();
  const savedTable = (family: IptablesRule['family'] = 'ipv4') => {
    if (!savedTables.has(family)) savedTables.set(family, readFilterTable(family));
    return savedTables.get(family)!;
  };
  for (const rule of promised) it(`rule present: ${rule.purpose} ${familyTag(rule.family ?? 'ipv4')}`, async () => {
    const [audit] = auditRules(await savedTable(rule.family), [rule]);
    expect(audit.present, `iptables rule missing: ${formatRule(rule)} (${rule.purpose}). Fix: run \`npx hybrid-lab up\` to restore it`).toBe(true);
  });

  for (const family of families) {
    // Two nodes on one network (both with an address of this family there): the within-network accept (the lab chain's, else DOCKER-USER's) must count their pings.
    const addressOn = (node: LabNode, network: string) => endpointAddresses(topology, node.name).find((entry) => entry.network === network)?.[family];
    const shared = (a: LabNode, b: LabNode) => {
      const spec = (node: LabNode) => topology.nodes.find((candidate) => candidate.name === node.name);
      const [sa, sb] = [spec(a), spec(b)];
      return sa && sb ? networks.find((network) => nodeNics(topology, sb)[0].network === network.name && addressOn(a, network.name) && addressOn(b, network.name)) : undefined;
    };
    const a = lab.nodes.find((node) => hasProbeTools(lab, node) && lab.nodes.some((other) => other !== node && shared(node, other)));
    const b = a && lab.nodes.find((node) => node !== a && shared(a, node));
    const title = `the bridge->bridge rule counts packets when containers talk ${familyTag(family)}`;
    if (!a || !b) {
      it.skip(`${title} (skipped: no two nodes share a network with ${family} addresses, one of them with ping)`, () => {});
      continue;
    }
    it(title, async ({ task }) => {
      const { bridge, name: network } = shared(a, b)!;
      const target = addressOn(b, network)!;
      // In the lab chain the first packet meets the within-network accept and the rest of the
      // (conntracked) exchange the replies rule into the same bridge: together they count every packet.
      const rules = chained
        ? labChainRules(topology.name, networks).filter((r) => r.family === family && (r.spec.join(' ').startsWith(`-i ${bridge} -o ${bridge} `) || r.spec.join(' ').startsWith(`-o ${bridge} -m conntrack`)))
        : [promised.find((r) => r.chain === 'DOCKER-USER' && (r.family ?? 'ipv4') === family && r.spec.includes(bridge))!];
      const count = async () => auditRules(await readFilterTable(family), rules).reduce((sum, audit) => sum + audit.packets, 0);
      const before = { packets: await count() };
      const sent = await ping(a, target, { count: 3, intervalSec: 0.05, family });
      expect(sent.received, `${familyTag(family)} ${a.name} -> ${b.name} (${target}) ping, needed to move the counter`).toBe(3);
      const after = { packets: await count() };
      task.meta.figure = `+${after.packets - before.packets} packets`;
      expect(after.packets, `${familyTag(family)} counters of ${rules.map(formatRule).join(' / ')} did not move (${before.packets} -> ${after.packets})`).toBeGreaterThanOrEqual(before.packets + 3);
    });
  }

  it(`net.ipv4.ip_forward is ${topology.host.ipForward ? 1 : 0} as the topology says`, async () => {
    expect(await readSysctl('net.ipv4.ip_forward')).toBe(topology.host.ipForward ? '1' : '0');
  });

  for (const family of families) {
    const key = family === 'ipv6' ? 'net.bridge.bridge-nf-call-ip6tables' : 'net.bridge.bridge-nf-call-iptables';
    it(`${key} is ${topology.host.bridgeNfCallIptables ? 1 : 0} as the topology says ${familyTag(family)}`, async () => {
      expect(await readSysctl(key), 'br_netfilter sysctl (undefined: module not loaded)').toBe(topology.host.bridgeNfCallIptables ? '1' : '0');
    });
  }
});
