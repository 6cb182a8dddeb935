/**
 * The scale benchmark's reference for VM rows: the lab's own QEMU processes started by hand, in
 * parallel, with no lab around them (no state, DNS, firewall or runtime network): a tap on a
 * bare bridge, QEMU, and the same readiness point as `up` (the guest's boot marker), then
 * stopped and their taps removed in parallel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '../common/progress.ts';
import { createBridge, deleteLink } from '../net/bridge.ts';
import type { ResolvedVmNode, Topology } from '../topology/topology.ts';
import type { VmLabContext } from '../vms/provider.ts';
import { guestArtefacts } from '../vms/qemu/artefacts.ts';
import { destroyQemuVm } from '../vms/qemu/cleanup.ts';
import { startQemuVm } from '../vms/qemu/start-vm.ts';

const REFERENCE_LAB = 'scaleref';

export interface VmReference {
  upMs: number;
  downMs: number;
  accel: string;
}

/**
 * Starts the topology's VMs (same specs and addresses) on a bare bridge of the lab's name and
 * subnet, then stops them. Only while the lab is down: the bridge is made here and removed after.
 */
export async function vmReferenceFigures(topology: Topology): Promise<VmReference> {
  const artefacts = await guestArtefacts(silentReporter); // built or checked outside the timed part
  const stateDir = await mkdtemp(join(tmpdir(), 'hybrid-lab-scale-vm-'));
  const { bridge, dns } = topology;
  const ctx: VmLabContext = {
    labName: REFERENCE_LAB, bridgeName: bridge.name, prefix: bridge.prefix, gateway: bridge.gateway,
    dnsServer: dns.address, dnsDomain: dns.domain, stateDir, reporter: silentReporter,
  };
  const vms = topology.nodes.filter((node): node is ResolvedVmNode => node.kind === 'vm');
  await createBridge(bridge.name, `${bridge.gateway}/${bridge.prefix}`, `hybrid-lab:${REFERENCE_LAB}:bridge`);
  const stopAll = () => Promise.all(vms.map((vm) => destroyQemuVm(REFERENCE_LAB, vm.name, stateDir)));
  try {
    const started = performance.now();
    await Promise.all(vms.map((vm) => startQemuVm(vm, ctx, artefacts)));
    const upMs = performance.now() - started;
    const stopping = performance.now();
    await stopAll();
    return { upMs, downMs: performance.now() - stopping, accel: artefacts.accel.mode };
  } finally {
    await stopAll().catch(() => undefined);
    await deleteLink(bridge.name).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  }
}
