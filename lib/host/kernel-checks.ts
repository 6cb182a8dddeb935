import type { DoctorCheck } from './doctor.ts';
import { FEATURE_FACTS, kernelFeatures, type KernelFeature, type KernelFeatureProbe } from './kernel-capabilities.ts';

/** What the lab cannot work without; everything else only limits what a topology may ask for. */
const REQUIRED: ReadonlySet<KernelFeature> = new Set(['netns', 'bridge', 'veth']);

/** The kernel's network features as doctor rows: what was found by trying, and what a missing one means. */
export async function kernelChecks(): Promise<DoctorCheck[]> {
  return (await kernelFeatures()).map(kernelCheck);
}

function kernelCheck(probe: KernelFeatureProbe): DoctorCheck {
  const facts = FEATURE_FACTS[probe.feature];
  const name = `kernel: ${facts.label}`;
  if (probe.state === 'present') return { name, ok: true, detail: `present (${facts.usedFor})`, required: REQUIRED.has(probe.feature) };
  const how = probe.state === 'unknown' ? `not probed: ${probe.detail}` : `missing: ${probe.detail}`;
  return { name, ok: false, detail: `${how} — ${consequence(probe.feature)}`, fix: `a kernel with ${facts.config}`, required: REQUIRED.has(probe.feature) };
}

/** What a lab cannot do without the feature. */
function consequence(feature: KernelFeature): string {
  switch (feature) {
    case 'vlan-8021q':
    case 'bridge-vlan-filtering':
      return 'VLANs wait for a kernel that has them';
    case 'qdisc-netem':
      return 'impair: delayMs/jitterMs/lossPercent are refused on the host (a qemu VM booted from disk: { recipe: debian } applies them inside its guest; rateBitsPerSec still works)';
    case 'qdisc-tbf':
      return 'impair: rateBitsPerSec is refused';
    case 'ifb':
    case 'qdisc-ingress':
    case 'action-mirred':
      return 'impair: is refused (the direction from a node cannot be shaped)';
    case 'netns':
    case 'bridge':
    case 'veth':
      return 'no lab can run';
    case 'macvlan':
      return 'networks with mode: macvlan are refused at up';
    case 'macvtap':
      return 'qemu VMs on a network with mode: macvlan are refused at up';
    case 'ipv6':
      return 'no dual stack';
    default:
      return `${FEATURE_FACTS[feature].usedFor}`;
  }
}
