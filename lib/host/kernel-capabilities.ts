import { randomBytes } from 'node:crypto';
import { run } from '../common/run.ts';

/**
 * What the running kernel offers the lab, found by trying: each feature is created once inside a
 * scratch network namespace of our own, which is deleted afterwards (with everything in it).
 * Kernel config files and `modprobe -n` can both lie (built-in vs. module, no /lib/modules, a
 * module that fails to load); creating the thing cannot.
 */

export const KERNEL_FEATURES = [
  'netns',
  'bridge',
  'veth',
  'macvlan',
  'macvtap',
  'ipvlan',
  'vxlan',
  'vlan-8021q',
  'bridge-vlan-filtering',
  'dummy',
  'bond',
  'ifb',
  'ipv6',
  'qdisc-tbf',
  'qdisc-htb',
  'qdisc-netem',
  'qdisc-ingress',
  'action-mirred',
] as const;
export type KernelFeature = (typeof KERNEL_FEATURES)[number];

export interface KernelFeatureProbe {
  feature: KernelFeature;
  /** `unknown`: the probe could not run (no network namespaces, or what it builds on is missing). */
  state: 'present' | 'missing' | 'unknown';
  /** The kernel's own answer when missing (e.g. "Error: Unknown device type."). */
  detail?: string;
}

/** Names, kernel options and what the lab uses each feature for, for doctor and errors. */
export const FEATURE_FACTS: Record<KernelFeature, { label: string; config: string; usedFor: string }> = {
  netns: { label: 'network namespaces', config: 'CONFIG_NET_NS', usedFor: 'containers and probe namespaces' },
  bridge: { label: 'bridges', config: 'CONFIG_BRIDGE', usedFor: 'the lab networks' },
  veth: { label: 'veth pairs', config: 'CONFIG_VETH', usedFor: 'container links' },
  macvlan: { label: 'macvlan', config: 'CONFIG_MACVLAN', usedFor: 'networks with mode: macvlan (containers and the host\'s shim on the parent)' },
  macvtap: { label: 'macvtap', config: 'CONFIG_MACVTAP', usedFor: 'qemu VMs on a network with mode: macvlan' },
  ipvlan: { label: 'ipvlan', config: 'CONFIG_IPVLAN', usedFor: 'not used by the lab yet' },
  vxlan: { label: 'VXLAN', config: 'CONFIG_VXLAN', usedFor: 'not used by the lab yet' },
  'vlan-8021q': { label: '802.1Q VLAN sub-interfaces', config: 'CONFIG_VLAN_8021Q', usedFor: 'VLANs (they wait for a kernel that has them)' },
  'bridge-vlan-filtering': { label: 'bridge VLAN filtering', config: 'CONFIG_BRIDGE_VLAN_FILTERING', usedFor: 'VLANs (they wait for a kernel that has them)' },
  dummy: { label: 'dummy interfaces', config: 'CONFIG_DUMMY', usedFor: 'not used by the lab' },
  bond: { label: 'bonding', config: 'CONFIG_BONDING', usedFor: 'not used by the lab' },
  ifb: { label: 'ifb', config: 'CONFIG_IFB', usedFor: 'impair: shaping the direction from a node, redirected through an ifb' },
  ipv6: { label: 'IPv6', config: 'CONFIG_IPV6', usedFor: 'dual stack' },
  'qdisc-tbf': { label: 'tbf qdisc (sch_tbf)', config: 'CONFIG_NET_SCH_TBF', usedFor: 'impair: rateBitsPerSec' },
  'qdisc-htb': { label: 'htb qdisc (sch_htb)', config: 'CONFIG_NET_SCH_HTB', usedFor: 'not used by the lab (tbf shapes rates)' },
  'qdisc-netem': { label: 'netem qdisc (sch_netem)', config: 'CONFIG_NET_SCH_NETEM', usedFor: 'impair: delayMs, jitterMs, lossPercent' },
  'qdisc-ingress': { label: 'ingress qdisc (sch_ingress)', config: 'CONFIG_NET_SCH_INGRESS', usedFor: 'impair: the direction from a node' },
  'action-mirred': { label: 'mirred action with u32 (act_mirred, cls_u32)', config: 'CONFIG_NET_ACT_MIRRED, CONFIG_NET_CLS_U32', usedFor: 'impair: the direction from a node' },
};

/** One probe: the command that creates the feature inside the namespace (ip or tc argv), and what it needs first. */
interface ProbeStep {
  feature: KernelFeature;
  program: 'ip' | 'tc';
  args: (namespace: string) => string[];
  needs?: KernelFeature;
}

// The veth pair "hp0"/"hp1" is the parent of the stacked kinds and carries the qdisc tries.
const PROBES: ProbeStep[] = [
  { feature: 'veth', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hp0', 'type', 'veth', 'peer', 'name', 'hp1'] },
  { feature: 'bridge', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpbr0', 'type', 'bridge'] },
  { feature: 'bridge-vlan-filtering', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpbr1', 'type', 'bridge', 'vlan_filtering', '1'], needs: 'bridge' },
  { feature: 'macvlan', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'link', 'hp0', 'name', 'hpmv0', 'type', 'macvlan'], needs: 'veth' },
  { feature: 'macvtap', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'link', 'hp0', 'name', 'hpmt0', 'type', 'macvtap'], needs: 'veth' },
  { feature: 'ipvlan', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'link', 'hp0', 'name', 'hpiv0', 'type', 'ipvlan'], needs: 'veth' },
  { feature: 'vlan-8021q', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'link', 'hp0', 'name', 'hp0.10', 'type', 'vlan', 'id', '10'], needs: 'veth' },
  { feature: 'vxlan', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpvx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789'] },
  { feature: 'dummy', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpdm0', 'type', 'dummy'] },
  { feature: 'bond', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpbd0', 'type', 'bond'] },
  { feature: 'ifb', program: 'ip', args: (ns) => ['-n', ns, 'link', 'add', 'name', 'hpifb0', 'type', 'ifb'] },
  { feature: 'ipv6', program: 'ip', args: (ns) => ['-n', ns, '-6', 'addr', 'add', 'fd00:6c61:62::1/64', 'dev', 'hp0', 'nodad'], needs: 'veth' },
  { feature: 'qdisc-tbf', program: 'tc', args: (ns) => ['-n', ns, 'qdisc', 'replace', 'dev', 'hp0', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '50ms'], needs: 'veth' },
  { feature: 'qdisc-htb', program: 'tc', args: (ns) => ['-n', ns, 'qdisc', 'replace', 'dev', 'hp0', 'root', 'htb', 'default', '1'], needs: 'veth' },
  { feature: 'qdisc-netem', program: 'tc', args: (ns) => ['-n', ns, 'qdisc', 'replace', 'dev', 'hp0', 'root', 'netem', 'delay', '1ms'], needs: 'veth' },
  { feature: 'qdisc-ingress', program: 'tc', args: (ns) => ['-n', ns, 'qdisc', 'add', 'dev', 'hp0', 'handle', 'ffff:', 'ingress'], needs: 'veth' },
  { feature: 'action-mirred', program: 'tc', args: (ns) => ['-n', ns, 'filter', 'add', 'dev', 'hp0', 'parent', 'ffff:', 'protocol', 'all', 'prio', '1', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'hp1'], needs: 'qdisc-ingress' },
];

/** A name no lab uses and no other run picks: the probe never touches anything but its own namespace. */
function scratchNamespaceName(): string {
  return `hlprobe-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Probes every feature; creates only inside its own namespace, which is deleted before returning. */
export async function probeKernelFeatures(): Promise<KernelFeatureProbe[]> {
  const namespace = scratchNamespaceName();
  const made = await run('ip', ['netns', 'add', namespace], { allowFailure: true });
  if (made.exitCode !== 0) {
    const why = firstLine(made.stderr) || 'ip netns add failed';
    return KERNEL_FEATURES.map((feature) => (feature === 'netns' ? { feature, state: 'missing', detail: why } : { feature, state: 'unknown', detail: 'needs a network namespace to probe in' }));
  }
  try {
    const results = new Map<KernelFeature, KernelFeatureProbe>([['netns', { feature: 'netns', state: 'present' }]]);
    for (const probe of PROBES) results.set(probe.feature, await runProbe(probe, namespace, results));
    return KERNEL_FEATURES.map((feature) => results.get(feature)!);
  } finally {
    await run('ip', ['netns', 'delete', namespace], { allowFailure: true });
  }
}

async function runProbe(probe: ProbeStep, namespace: string, earlier: Map<KernelFeature, KernelFeatureProbe>): Promise<KernelFeatureProbe> {
  if (probe.needs && earlier.get(probe.needs)?.state !== 'present') return { feature: probe.feature, state: 'unknown', detail: `cannot be tried without ${FEATURE_FACTS[probe.needs].label}` };
  const tried = await run(probe.program, probe.args(namespace), { allowFailure: true, timeoutMs: 10_000 });
  return tried.exitCode === 0 ? { feature: probe.feature, state: 'present' } : { feature: probe.feature, state: 'missing', detail: firstLine(tried.stderr) || `exit ${tried.exitCode}` };
}

let cached: Promise<KernelFeatureProbe[]> | undefined;

/** The probe's answer, once per process (the kernel does not change under a running command). */
export function kernelFeatures(): Promise<KernelFeatureProbe[]> {
  cached ??= probeKernelFeatures();
  return cached;
}

/** Whether the running kernel has a feature (unknown counts as not). */
export async function kernelHas(feature: KernelFeature): Promise<boolean> {
  return (await kernelFeatures()).find((probe) => probe.feature === feature)?.state === 'present';
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
