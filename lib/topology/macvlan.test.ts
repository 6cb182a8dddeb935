import { describe, expect, it } from 'vitest';
import { checkMacvlanParents } from './host-conflicts.ts';
import { parseTopology } from './load.ts';
import { shimName } from './macvlan.ts';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { labChainRules } from '../net/lab-chain.ts';
import { parentProblem } from '../net/macvlan.ts';
import type { IpLink } from '../net/bridge.ts';
import { engineNetworkOptions } from '../runtimes/engine-api/networks.ts';
import { renderQemuArgs, vmFiles } from '../vms/qemu/qemu-args.ts';
import { planGuestNics } from '../vms/qemu/nic-plan.ts';
import { vmContext } from '../lab/vm-context.ts';
import { silentReporter } from '../common/progress.ts';
import { upStepsAhead } from '../lab/up-plan.ts';
import type { KernelFeatureProbe } from '../host/kernel-capabilities.ts';

const head = `
name: mvu
networks:
  - { name: lan, bridge: hlmvu0, subnet: 10.62.1.0/24 }
  - { name: ext, mode: macvlan, parent: eth9, subnet: 10.62.2.0/24 }
`;
const parse = (rest: string, top = head) => parseTopology(top + rest, 'mv.yaml');
const errorOf = (rest: string, top = head) => topologyErrorOf(() => parse(rest, top));

describe('mode macvlan in the topology', () => {
  it('resolves a macvlan network: no bridge, a shim named after lab and network, the parent kept', () => {
    const topology = parse('nodes:\n  - { name: c, kind: container, nics: [{ network: ext, ip: 10.62.2.10 }] }\n  - { name: v, kind: vm, nics: [{ network: lan }, { network: ext }] }\n');
    expect(topology.networks?.[1]).toEqual({ name: 'ext', bridge: 'mvu-ext', mode: 'macvlan', parent: 'eth9', subnet: '10.62.2.0/24', prefix: 24, gateway: '10.62.2.1', dns: '10.62.2.2' });
    expect(topology.networks?.[0].parent).toBeUndefined();
    expect(topology.nodes[1].nics.map((nic) => nic.ip)).toEqual(['10.62.1.3', '10.62.2.3']);
    // A long lab + network name still gives a valid interface name.
    expect(shimName('a-very-long-lab', 'external')).toMatch(/^hls-[0-9a-f]{10}$/);
  });

  it('refuses, naming file, field, value and fix, what a macvlan network cannot be', () => {
    const network = (fields: string) => `name: mvu\nnetworks:\n  - { name: ext, ${fields}, subnet: 10.62.2.0/24 }\nnodes: []\n`;
    const cases: Array<[string, string, string | undefined, RegExp]> = [
      [network('mode: macvlan'), 'networks[0].parent', undefined, /needs the host interface/],
      [network('mode: macvlan, parent: lo'), 'networks[0].parent', 'lo', /loopback/],
      [network('mode: macvlan, parent: "eth 0"'), 'networks[0].parent', 'eth 0', /not a valid Linux interface name/],
      [network('mode: macvlan, parent: eth9, bridge: br9'), 'networks[0].bridge', 'br9', /has no bridge/],
      [network('mode: macvlan, parent: eth9, dhcp: { range: 10.62.2.100-10.62.2.120 }'), 'networks[0].dhcp', undefined, /does not serve DHCP/],
      [network('mode: routed, parent: eth9'), 'networks[0].parent', 'eth9', /mode: macvlan only/],
      [network('mode: bridge'), 'networks[0].mode', 'bridge', /unknown network mode.*/],
    ];
    for (const [yaml, field, value, problem] of cases) {
      const error = topologyErrorOf(() => parseTopology(yaml, 'mv.yaml'));
      expect(error.file, yaml).toBe('mv.yaml');
      expect(error.fieldPath, yaml).toBe(field);
      expect(error.value, yaml).toBe(value);
      expect(error.problem, yaml).toMatch(problem);
      expect(error.fix.length, yaml).toBeGreaterThan(10);
    }
    const twice = errorOf('nodes: []\n', `${head}  - { name: ext2, mode: macvlan, parent: eth9, subnet: 10.62.3.0/24 }\n`);
    expect([twice.fieldPath, twice.value]).toEqual(['networks[2].parent', 'eth9']);
    expect(twice.problem).toMatch(/already used by macvlan network ext/);
  });

  it('refuses impair, SLAAC, policies, published ports, vagrant VMs and podman on a macvlan network', () => {
    const cases: Array<[string, string, RegExp, string?]> = [
      ['nodes:\n  - { name: c, kind: container, nics: [{ network: ext, impair: { delayMs: 5 } }] }\n', 'nodes[0].nics[0].impair', /no host-side link to impair/],
      ['nodes:\n  - { name: c, kind: container, nics: [{ network: ext }], impair: { rateBitsPerSec: 1000000 } }\n', 'nodes[0].impair', /no host-side link to impair/],
      ['nodes:\n  - { name: v, kind: vm, provider: vagrant, nics: [{ network: ext }] }\n', 'nodes[0].provider', /only the qemu provider/],
      ['nodes:\n  - { name: c, kind: container, nics: [{ network: ext }], ports: [{ port: 80, host: 8080 }] }\n', 'nodes[0].ports[0].host', /forwarded through the host's shim/],
      ['nodes:\n  - { name: c, kind: container, nics: [{ network: lan }] }\npolicies:\n  - { name: p, action: deny, from: { network: ext }, to: { node: c } }\n', 'policies[0].from.network', /never passes the host's netfilter/],
      ['nodes:\n  - { name: c, kind: container, nics: [{ network: lan }, { network: ext }] }\n  - { name: d, kind: container, nics: [{ network: lan }] }\npolicies:\n  - { name: p, action: deny, from: { node: d }, to: { node: c } }\n', 'policies[0].to.node', /has a NIC on macvlan network ext/],
      ['runtime: podman\nnodes: []\n', 'networks[1].mode', /podman runtime cannot run a macvlan network/],
    ];
    for (const [rest, field, problem] of cases) {
      const error = errorOf(rest);
      expect(error.fieldPath, rest).toBe(field);
      expect(error.problem, rest).toMatch(problem);
      expect(error.file).toBe('mv.yaml');
    }
    const dual = `name: mvu\nnetworks:\n  - { name: ext, mode: macvlan, parent: eth9, subnet: 10.62.2.0/24, ipv6: "fd00:62::/64" }\n`;
    const slaac = errorOf('nodes:\n  - { name: v, kind: vm, nics: [{ network: ext, ipv6: slaac }] }\n', dual);
    expect([slaac.fieldPath, slaac.value]).toEqual(['nodes[0].nics[0].ipv6', 'slaac']);
  });
});

const link = (fields: Partial<IpLink>): IpLink => ({ ifname: 'x', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether', ...fields });

describe('the parent at up', () => {
  it('accepts an Ethernet-like interface that is up; refuses the rest with the reason and a fix', () => {
    expect(parentProblem('eth9', link({}), new Set())).toBeUndefined();
    expect(parentProblem('br0', link({ linkinfo: { info_kind: 'bridge' } }), new Set())).toBeUndefined();
    const refused: Array<[IpLink | undefined, RegExp]> = [
      [undefined, /no such interface/],
      [link({ link_type: 'loopback', flags: ['LOOPBACK', 'UP'] }), /loopback/],
      [link({ ifalias: 'hybrid-lab:other:bridge' }), /made by hybrid-lab \(lab "other", bridge\)/],
      [link({ linkinfo: { info_kind: 'macvtap' } }), /is a macvtap interface itself/],
      [link({ master: 'br0' }), /is a port of bridge br0/],
      [link({ flags: ['BROADCAST'] }), /is down/],
    ];
    for (const [info, problem] of refused) {
      const answer = parentProblem('eth9', info, new Set());
      expect(answer?.problem).toMatch(problem);
      expect(answer?.fix.length).toBeGreaterThan(10);
    }
    expect(parentProblem('hlmvu0', link({}), new Set(['hlmvu0']))?.problem).toMatch(/this lab's own bridges/);
  });

  it('refuses a kernel without macvtap when a VM joins the network, naming the field', async () => {
    const topology = parse('nodes:\n  - { name: v, kind: vm, nics: [{ network: ext }] }\n');
    const features: KernelFeatureProbe[] = [{ feature: 'macvlan', state: 'present' }, { feature: 'macvtap', state: 'missing', detail: 'Error: Unknown device type.' }];
    // The parent is read live first (read only): an interface of this host that passes, so the kernel check is what refuses.
    const error = await checkMacvlanParents({ ...topology, networks: topology.networks!.map((network) => (network.mode === 'macvlan' ? { ...network, parent: FIRST_INTERFACE } : network)) }, async () => features).catch((caught) => caught);
    expect(error.fieldPath).toBe('networks[1].mode');
    expect(error.problem).toMatch(/no macvtap.*Unknown device type/);
  });
});

/** Some Ethernet-like interface of this host that is up (the test host's own), for the kernel check above. */
const FIRST_INTERFACE = await (async () => {
  const { run } = await import('../common/run.ts');
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show', 'up'])).stdout) as Array<{ ifname: string; link_type: string; master?: string; ifalias?: string; linkinfo?: unknown }>;
  return links.find((candidate) => candidate.link_type === 'ether' && !candidate.master && !candidate.ifalias)?.ifname ?? 'eth0';
})();

describe('planning a macvlan network', () => {
  const topology = parse('nodes:\n  - { name: c, kind: container, nics: [{ network: ext, ip: 10.62.2.10 }] }\n  - { name: v, kind: vm, nics: [{ network: lan }, { network: ext, ip: 10.62.2.20 }] }\n');

  it('the engine network is the macvlan driver in bridge mode on the parent, with the segment\'s subnet and gateway', () => {
    expect(engineNetworkOptions({ name: 'mvu-net-ext', labName: 'mvu', bridge: 'mvu-ext', subnet: '10.62.2.0/24', gateway: '10.62.2.1', macvlanParent: 'eth9' })).toEqual({
      Name: 'mvu-net-ext', Driver: 'macvlan', CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.62.2.0/24', Gateway: '10.62.2.1' }] },
      Options: { parent: 'eth9', macvlan_mode: 'bridge' },
      Labels: { 'hybrid-lab.lab': 'mvu' },
    });
    expect(engineNetworkOptions({ name: 'n', labName: 'mvu', bridge: 'hlmvu0', subnet: '10.62.1.0/24', gateway: '10.62.1.1' }).Driver).toBe('bridge');
  });

  it('a qemu VM\'s NIC there is a macvtap on the parent, handed to QEMU as an open descriptor', () => {
    const vm = topology.nodes.find((node) => node.name === 'v')!;
    const nics = planGuestNics(vm as never, vmContext(topology, silentReporter));
    expect(nics.map((nic) => [nic.network, nic.parent, nic.gateway])).toEqual([['lan', undefined, '10.62.1.1'], ['ext', 'eth9', '10.62.2.1']]);
    const args = renderQemuArgs({ labName: 'mvu', nodeName: 'v', accel: 'tcg', memoryMb: 128, cpus: 1, files: vmFiles('/tmp/x', 'v'), nics: [{ tap: nics[0].tap, mac: nics[0].mac }, { tap: nics[1].tap, mac: nics[1].mac, fd: 3 }] });
    const netdevs = args.flatMap((arg, i) => (arg === '-netdev' ? [args[i + 1]] : []));
    expect(netdevs).toEqual([`tap,id=lab,ifname=${nics[0].tap},script=no,downscript=no`, 'tap,id=lab1,fd=3']);
  });

  it('the lab chain keeps the host from forwarding to or from the shim', () => {
    const rules = labChainRules('mvu', topology.networks!).filter((rule) => rule.family === 'ipv4').map((rule) => `${rule.spec.filter((arg) => !['-m', 'comment', '--comment', 'hybrid-lab:mvu'].includes(arg)).join(' ')}`);
    expect(rules).toContain('-i hlmvu0 -o mvu-ext -j DROP');
    expect(rules).toContain('-i mvu-ext -j DROP');
    expect(rules).toContain('-o mvu-ext -j DROP');
  });

  it('counts the shim as a step of a fresh up (no bridge for it)', () => {
    const bridgedOnly = parse('nodes: []\n', 'name: mvu\nnetworks:\n  - { name: lan, bridge: hlmvu0, subnet: 10.62.1.0/24 }\n');
    const withShim = parse('nodes: []\n');
    // The shim and its engine network; and a lab of two networks has the lab chain (two chains, its rules, the jumps).
    expect(upStepsAhead(withShim, { state: undefined }) - upStepsAhead(bridgedOnly, { state: undefined })).toBe(1 + 1 + 4);
  });
});
