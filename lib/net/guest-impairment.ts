import { ProvisionError } from '../common/errors.ts';
import type { LabNode } from '../nodes/node.ts';
import type { Impairment } from '../topology/impairment.ts';
import { clearCommands, egressCommands, NETEM_HANDLE, redirectCommands } from './tc-impairment.ts';

/**
 * netem applied inside a VM guest, for hosts whose kernel lacks it: the guest NIC's egress delays
 * traffic from the node, and its ingress is redirected through an ifb of the guest's own whose
 * egress delays traffic towards the node — the same two directions the host would shape.
 */

/** iproute2's tc by its path: the built-in guest's busybox sh would run its own (netem-less) tc applet for a bare `tc`. */
const GUEST_TC = '/usr/sbin/tc';

/** The guest's ifb (inside the VM, so no host name can clash). */
export const GUEST_IFB = 'hl-ifb0';

async function guestRun(node: LabNode, argv: string[], allowFailure = false): Promise<string> {
  const result = await node.exec(argv, { timeoutMs: 30_000 });
  if (result.exitCode !== 0 && !allowFailure) {
    throw new ProvisionError(`cannot impair VM ${node.name} inside its guest: \`${argv.join(' ')}\` failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n')[0]}. Fix: remove delayMs/jitterMs/lossPercent from ${node.name}'s impair, or run the lab on a host kernel with sch_netem`);
  }
  return result.stdout;
}

/** Modules the guest needs; `ifb` without its two default devices nobody would use. */
const GUEST_MODULES: Array<[string, ...string[]]> = [['sch_netem'], ['ifb', 'numifbs=0'], ['sch_ingress'], ['cls_u32'], ['act_mirred']];

/**
 * The guest's interface with this MAC (the lab NIC; its name depends on the guest's udev). Read
 * from sysfs: busybox's ip (the initramfs guest) has no JSON output.
 */
async function guestInterface(node: LabNode, mac: string): Promise<string> {
  for (const name of (await guestRun(node, ['ls', '/sys/class/net'])).split(/\s+/).filter(Boolean)) {
    const address = (await guestRun(node, ['cat', `/sys/class/net/${name}/address`], true)).trim();
    if (address.toLowerCase() === mac.toLowerCase()) return name;
  }
  throw new ProvisionError(`VM ${node.name} has no interface with the lab NIC's MAC ${mac}; nothing was impaired. Fix: run \`hybrid-lab up\` again`);
}

/** modprobe where the guest has modules.dep (Debian); insmod of the initramfs's own .ko files otherwise. */
async function loadGuestModules(node: LabNode): Promise<void> {
  const loaded = async (name: string) => (await guestRun(node, ['cat', '/proc/modules'], true)).split('\n').some((line) => line.startsWith(`${name} `));
  for (const [name, ...parameters] of GUEST_MODULES) {
    if (await loaded(name)) continue;
    if ((await node.exec(['modprobe', name, ...parameters], { timeoutMs: 30_000 })).exitCode === 0) continue;
    const inserted = await node.exec(['insmod', `/lib/modules/${name}.ko`, ...parameters], { timeoutMs: 30_000 });
    // Built into the guest's kernel: nothing to load.
    if (inserted.exitCode !== 0 && !(await loaded(name)) && !(await builtIn(node, name))) {
      throw new ProvisionError(`cannot impair VM ${node.name} inside its guest: its kernel has no ${name} module (${(inserted.stderr || inserted.stdout).trim().split('\n')[0] || 'insmod failed'}). Fix: remove delayMs/jitterMs/lossPercent from ${node.name}'s impair, or run the lab on a host kernel with sch_netem`);
    }
  }
}

/** A module compiled into the kernel shows in /sys/module without being in /proc/modules. */
async function builtIn(node: LabNode, name: string): Promise<boolean> {
  return (await node.exec(['ls', `/sys/module/${name}`], { timeoutMs: 30_000 })).exitCode === 0;
}

/** Applies the impairment's netem part inside the guest, both directions, replacing an earlier one. */
export async function applyGuestNetem(node: LabNode, mac: string, impairment: Impairment): Promise<void> {
  const netemOnly: Impairment = { delayMs: impairment.delayMs, jitterMs: impairment.jitterMs, lossPercent: impairment.lossPercent };
  await loadGuestModules(node);
  const nic = await guestInterface(node, mac);
  await clearGuestNetem(node, mac, nic);
  await guestRun(node, ['ip', 'link', 'add', 'name', GUEST_IFB, 'type', 'ifb']);
  await guestRun(node, ['ip', 'link', 'set', 'dev', GUEST_IFB, 'up']);
  for (const command of [...egressCommands(nic, netemOnly), ...egressCommands(GUEST_IFB, netemOnly), ...redirectCommands(nic, GUEST_IFB)]) {
    await guestRun(node, [GUEST_TC, ...command]);
  }
}

/** Removes what applyGuestNetem made (nothing there is fine). */
export async function clearGuestNetem(node: LabNode, mac: string, nic?: string): Promise<void> {
  const device = nic ?? (await guestInterface(node, mac));
  for (const command of clearCommands(device)) await guestRun(node, [GUEST_TC, ...command], true);
  await guestRun(node, ['ip', 'link', 'del', 'dev', GUEST_IFB], true);
}

/** Whether the guest has our netem on its NIC and on its ifb. */
export async function guestNetemApplied(node: LabNode, mac: string): Promise<boolean> {
  const nic = await guestInterface(node, mac);
  const netemOn = async (device: string) => {
    const shown = await node.exec([GUEST_TC, '-j', 'qdisc', 'show', 'dev', device], { timeoutMs: 30_000 });
    if (shown.exitCode !== 0) return false;
    return (JSON.parse(shown.stdout || '[]') as Array<{ kind: string; handle: string }>).some((qdisc) => qdisc.kind === 'netem' && qdisc.handle === NETEM_HANDLE);
  };
  return (await netemOn(nic)) && (await netemOn(GUEST_IFB));
}
