import { shortHash } from '../../common/hash.ts';
import { ProvisionError } from '../../common/errors.ts';
import { run } from '../../common/run.ts';

/** Prefix of every tap the qemu provider makes; the rest is a hash of lab and node. */
const TAP_PREFIX = 'hlt-';

/**
 * Deterministic tap name (<= 15 chars, the kernel's limit) so `down` can find it without state.
 * A VM's first NIC has no `network` here (its name predates several NICs); the others name theirs.
 */
export function tapName(labName: string, nodeName: string, network?: string): string {
  return `${TAP_PREFIX}${shortHash(network === undefined ? [labName, nodeName] : [labName, nodeName, network], 10)}`;
}

/** Interface alias that labels a tap with its lab, node and (beyond the first NIC) network (shown by `ip link`). */
export function tapAlias(labName: string, nodeName: string, network?: string): string {
  return `hybrid-lab:${labName}:${nodeName}${network === undefined ? '' : `:${network}`}`;
}

/** Creates the tap (root-owned, QEMU opens it by name), labels it and enslaves it to the bridge. */
export async function createTap(name: string, alias: string, bridge: string): Promise<void> {
  await removeTap(name);
  try {
    await run('ip', ['tuntap', 'add', 'dev', name, 'mode', 'tap']);
    await run('ip', ['link', 'set', 'dev', name, 'alias', alias]);
    await run('ip', ['link', 'set', 'dev', name, 'master', bridge, 'up']);
  } catch (error) {
    await removeTap(name);
    throw new ProvisionError(`cannot create tap ${name} on bridge ${bridge}: ${(error as Error).message}`, { cause: error });
  }
}

/** Deletes the tap if it exists; a missing tap is not an error. */
export async function removeTap(name: string): Promise<void> {
  if (!(await tapExists(name))) return;
  await run('ip', ['link', 'del', 'dev', name]);
}

export async function tapExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name], { allowFailure: true })).exitCode === 0;
}

/** Taps labelled for this lab (by alias), or for one node of it, whatever state file exists or not. */
export async function findLabTaps(labName: string, nodeName?: string): Promise<string[]> {
  const listing = await run('ip', ['-j', 'link', 'show']);
  const links = JSON.parse(listing.stdout || '[]') as Array<{ ifname: string; ifalias?: string }>;
  const prefix = `hybrid-lab:${labName}:`;
  // Node names are DNS labels (no ':'): `lab:vm1` and `lab:vm1:net` match vm1, never vm10.
  const ofNode = (alias: string) => nodeName === undefined || alias === tapAlias(labName, nodeName) || alias.startsWith(`${tapAlias(labName, nodeName)}:`);
  return links.filter((link) => link.ifname.startsWith(TAP_PREFIX) && link.ifalias?.startsWith(prefix) && ofNode(link.ifalias)).map((link) => link.ifname);
}
