import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/common/time.ts';
import { ContainerNode } from '../lib/nodes/container-node.ts';
import { buildNodeImage } from '../lib/images/lab-images.ts';
import { containerRuntime } from '../lib/runtimes/registry.ts';
import { labLabels } from '../lib/runtimes/runtime.ts';
import { readSysctl } from '../lib/host/sysctl.ts';
import { auditRules, formatRule, readFilterTable } from '../lib/net/iptables-audit.ts';
import { hostInputRules, isolationRules, labRules } from '../lib/net/iptables.ts';
import { httpGet } from '../lib/probe/http.ts';
import { ping } from '../lib/probe/ping.ts';
import { familyTag, networkFamilies, primaryAddress, primaryFamilies } from '../lib/topology/families.ts';
import { labNetworks } from '../lib/topology/topology.ts';
import { hasProbeTools, liveLab, noToolsReason } from './support/lab.ts';

const lab = await liveLab();
const { topology } = lab.state;
// The lab's forwarding rules, plus the isolation rules for each VM management network it made,
// in iptables and, on a dual-stack lab, in ip6tables.
const managementBridges = lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.management ? [r.handle.management.bridge] : []));
const families = primaryFamilies(topology);
const promised = [
  // Per network, as `up` makes them: its forwarding rules in each family it carries, and the host's INPUT guard.
  ...labNetworks(topology).flatMap((network) => networkFamilies(network).flatMap((family) => labRules(topology.name, network.bridge, family))),
  ...labNetworks(topology).flatMap((network) => hostInputRules(topology.name, network.bridge, topology.host.acceptFromLab ?? [])),
  ...families.flatMap((family) => [...new Set(managementBridges)].flatMap((bridge) => isolationRules(topology.name, topology.bridge.name, bridge, undefined, family))),
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

  for (const node of lab.nodes) {
    // A user's image has no ping: it is checked from the docker0 container towards it only.
    const tools = hasProbeTools(lab, node);
    // [v4]: Docker's default bridge has no IPv6 here.
    it(tools ? `${node.name} cannot reach a container on docker0, nor it ${node.name} [v4]` : `a container on docker0 cannot reach ${node.name} [v4] (the other way skipped: ${node.name} has no ping)`, async () => {
      if (tools) {
        const out = await ping(node, outsider.ip, { count: 1, waitSec: 1 });
        expect(out.received, `${node.name} -> docker0 container ${outsider.ip}: got a ping reply, the hybrid network leaks into Docker's default bridge`).toBe(0);
        const http = await httpGet(node, outsider.ip);
        expect(http.ok, `${node.name} -> http://${outsider.ip}/ on docker0 answered: ${http.body.slice(0, 80)}`).toBe(false);
      }
      const back = await ping(outsider, node.ip, { count: 1, waitSec: 1 });
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
    (hasProbeTools(lab, node) ? it : it.skip)(`${node.name} cannot reach a host service on ${gateway} the topology did not open ${tag}${hasProbeTools(lab, node) ? '' : ` (${noToolsReason(lab, node)})`}`, async () => {
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
  for (const rule of promised) it(`rule present: ${rule.purpose} ${familyTag(rule.family ?? 'ipv4')}`, async () => {
    const [audit] = auditRules(await readFilterTable(rule.family), [rule]);
    expect(audit.present, `iptables rule missing: ${formatRule(rule)} (${rule.purpose}). Fix: run \`npx hybrid-lab up\` to restore it`).toBe(true);
  });

  for (const family of families) it(`the bridge->bridge rule counts packets when containers talk ${familyTag(family)}`, async ({ task }) => {
    const rule = promised.find((r) => r.chain === 'DOCKER-USER' && (r.family ?? 'ipv4') === family)!;
    const [before] = auditRules(await readFilterTable(family), [rule]);
    const a = lab.nodes.find((node) => hasProbeTools(lab, node) && (family === 'ipv4' || primaryAddress(topology, node.name, 'ipv6')));
    const b = lab.nodes.find((node) => node !== a && (family === 'ipv4' || primaryAddress(topology, node.name, 'ipv6')));
    if (!a || !b) return expect.fail(`needs two nodes with ${family} addresses, one with ping, to send traffic between`);
    const target = family === 'ipv4' ? b.ip : primaryAddress(topology, b.name, 'ipv6')!;
    const sent = await ping(a, target, { count: 3, intervalSec: 0.05, family });
    expect(sent.received, `${familyTag(family)} ${a.name} -> ${b.name} (${target}) ping, needed to move the counter`).toBe(3);
    const [after] = auditRules(await readFilterTable(family), [rule]);
    task.meta.figure = `+${after.packets - before.packets} packets`;
    expect(after.packets, `${familyTag(family)} counter of ${formatRule(rule)} did not move (${before.packets} -> ${after.packets})`).toBeGreaterThanOrEqual(before.packets + 3);
  });

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
