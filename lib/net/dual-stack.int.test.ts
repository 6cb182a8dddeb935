import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { queryDns } from '../dns/client.ts';
import { dnsCapabilities, routerAdvertisementLines } from '../dns/dnsmasq-ipv6.ts';
import { buildDnsImage } from '../images/lab-images.ts';
import { downLab } from '../lab/down.ts';
import { openLab, type LiveLab } from '../lab/lab-nodes.ts';
import { labNetworkName } from '../lab/names.ts';
import { upLab } from '../lab/up.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { ping } from '../probe/ping.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { labLabels } from '../runtimes/runtime.ts';
import type { EngineApiRuntime } from '../runtimes/engine-api/engine-runtime.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import { reverseName6 } from '../topology/ipv6.ts';
import { parseTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import { hostInputRules, labRules } from './iptables.ts';
import { presentRules } from './iptables-batch.ts';
import { engineNetworkIpv6Problem } from './ipv6-support.ts';

// A dual-stack lab of its own: name v614, bridge hybr75, 10.0.75.0/24 and fd00:75::/64 (nothing else is addressed).
const LAB = 'v614';
const BRIDGE = 'hybr75';
const PREFIX = 'fd00:75::/64';
const yaml = `
name: ${LAB}
networks:
  - { name: main, bridge: ${BRIDGE}, subnet: 10.0.75.0/24, ipv6: "${PREFIX}" }
nodes:
  - { name: alpha, kind: container, ip: 10.0.75.10 }
  - { name: beta, kind: container, ip: 10.0.75.11 }
`;
const ALPHA6 = 'fd00:75::10';
const BETA6 = 'fd00:75::11';
const DNS6 = 'fd00:75::2';

let topology: Topology;
let lab: LiveLab;
const node = (name: string) => lab.nodes.find((n) => n.name === name)!;
const v6Rules = () => [...labRules(LAB, BRIDGE, 'ipv6'), ...hostInputRules(LAB, BRIDGE, []).filter((rule) => rule.family === 'ipv6')];

describe('dual stack lab (real bridge, Docker IPv6 network, dnsmasq, ip6tables)', () => {
  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter);
    topology = await topologyFromYaml(yaml);
    await upLab(topology, { reporter: silentReporter, setup: false });
    lab = await openLab(LAB);
  });
  afterAll(() => downLab(LAB, topology, silentReporter));

  it("the engine's network carries the lab's IPv6 prefix", async () => {
    const runtime = (await containerRuntime(topology.runtime)) as EngineApiRuntime;
    const info = await runtime.client.getNetwork(labNetworkName(LAB)).inspect();
    expect(engineNetworkIpv6Problem(info, PREFIX, runtime.name)).toBeUndefined();
  });

  it('[v6] two containers reach each other by name (ping -6 resolves their AAAA records)', async () => {
    for (const [from, to, address] of [['alpha', 'beta', BETA6], ['beta', 'alpha', ALPHA6]] as const) {
      const result = await ping(node(from), `${to}.hybrid.local`, { count: 2, intervalSec: 0.1, family: 'ipv6' });
      expect(result.received, `[v6] ${from} -> ${to}.hybrid.local\n${result.output}`).toBeGreaterThan(0);
      expect(result.output, `[v6] ${from} pinged ${to}'s IPv6 address`).toContain(address);
    }
  });

  it('[v6] AAAA and ip6.arpa PTR resolve, asked over IPv6 from the host and from a container', async () => {
    const aaaa = await queryDns(DNS6, 'alpha.hybrid.local', 'AAAA');
    expect(aaaa.answers, `AAAA alpha.hybrid.local at ${DNS6} (${aaaa.rcode})`).toEqual([ALPHA6]);
    const ptr = await queryDns(DNS6, reverseName6(BETA6), 'PTR');
    expect(ptr.answers, `PTR ${reverseName6(BETA6)} at ${DNS6} (${ptr.rcode})`).toEqual(['beta.hybrid.local']);
    expect((await queryDns(DNS6, 'alpha.hybrid.local', 'A')).answers, 'A over IPv6 transport').toEqual(['10.0.75.10']);
    const fromBeta = await lookup(node('beta'), 'alpha.hybrid.local', DNS6, 'AAAA');
    expect(fromBeta.answers, `beta: nslookup -type=AAAA alpha at ${DNS6}\n${fromBeta.output}`).toEqual([ALPHA6]);
    const reverseFromBeta = await lookup(node('beta'), ALPHA6, DNS6);
    expect(reverseFromBeta.answers, `beta: PTR ${ALPHA6}\n${reverseFromBeta.output}`).toContain('alpha.hybrid.local');
  });

  it('[v6] the host reaches both containers over IPv6', async () => {
    for (const address of [ALPHA6, BETA6]) {
      const result = await ping(lab.host, address, { count: 2, intervalSec: 0.1 });
      expect(result.received, `[v6] host -> ${address}\n${result.output}`).toBeGreaterThan(0);
    }
  });

  it('ip6tables holds the IPv6 mirror of the lab rules and the INPUT guard', async () => {
    const wanted = v6Rules();
    const present = await presentRules(wanted);
    expect(wanted.filter((rule) => !present.has(rule)).map((rule) => rule.purpose)).toEqual([]);
  });

  it('the DNS container sends router advertisements for a SLAAC network (its capabilities), from its link-local address, as not-a-router (lifetime 0)', async () => {
    // A second dnsmasq with just the RA lines a SLAAC topology on this prefix renders, DNS off.
    const slaac = parseTopology(`name: ${LAB}\nnetworks:\n  - { name: main, bridge: ${BRIDGE}, subnet: 10.0.75.0/24, ipv6: "${PREFIX}" }\nnodes:\n  - { name: v, kind: vm, nics: [{ network: main, ip: 10.0.75.20, ipv6: slaac, mac: "52:54:00:75:00:20" }] }\n`, 'slaac.yaml');
    const configDir = await mkdtemp(join(tmpdir(), 'hybrid-lab-ra-'));
    await writeFile(join(configDir, 'dnsmasq.conf'), ['port=0', 'no-resolv', 'no-hosts', 'log-facility=-', 'pid-file=', 'user=root', ...routerAdvertisementLines(slaac), ''].join('\n'));
    const runtime = await containerRuntime(topology.runtime);
    const name = `${LAB}-ra-probe`;
    // The first RA may leave before the container's link-local address passed DAD (then it comes from its global one, which hosts ignore): wait for one from fe80::.
    const capture = run('timeout', ['30', 'tcpdump', '-i', BRIDGE, '-n', '-vv', '-c', '1', 'icmp6 and ip6[40] == 134 and ip6 src net fe80::/10'], { allowFailure: true });
    await new Promise((resolve) => setTimeout(resolve, 500)); // tcpdump listening before the first RA
    try {
      await runtime.runContainer({
        name, hostname: 'ra-probe', image: (await buildDnsImage(runtime)).reference, network: labNetworkName(LAB), ip: '10.0.75.250',
        labels: labLabels(LAB, 'ra-probe', 'dns'), command: [], capabilities: dnsCapabilities(slaac),
        bindMounts: [{ source: configDir, target: '/etc/dnsmasq', mode: 'ro' }], readiness: { kind: 'log', pattern: /started, version/ },
      });
      const seen = (await capture).stdout;
      expect(seen, 'a router advertisement on the bridge').toMatch(/router advertisement/);
      expect(seen, 'the lab prefix, on-link and autonomous').toMatch(/prefix info option.*fd00:75::\/64, Flags \[onlink, auto\]/);
      expect(seen, 'router lifetime 0: the DNS container is no default router').toMatch(/router lifetime 0s/);
    } finally {
      await runtime.removeContainer(name);
      await rm(configDir, { recursive: true, force: true });
    }
  });

  it('down removes every IPv6 rule and leaves nothing', async () => {
    await downLab(LAB, topology, silentReporter);
    expect((await presentRules(v6Rules())).size).toBe(0);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});
