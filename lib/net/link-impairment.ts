import { shortHash } from '../common/hash.ts';
import { ProvisionError } from '../common/errors.ts';
import { run } from '../common/run.ts';
import type { Impairment } from '../topology/impairment.ts';
import { deleteLink, labInterfaceAlias, linkInfo } from './bridge.ts';
import { clearCommands, linkCommands, NETEM_HANDLE, TBF_HANDLE } from './tc-impairment.ts';

/**
 * Impairs one link on the host: the host-side end of a node's link (a container's veth, a VM's
 * tap) shapes traffic towards the node; traffic from the node is redirected into an ifb device of
 * the lab's (named from lab + link, carrying the lab's alias) whose egress is shaped the same.
 * An ifb rather than a qdisc inside the node: it needs nothing from the node (no tc in a
 * container image or a busybox guest, no container PID), works for every node kind alike, and
 * the node cannot undo it.
 */

/** Prefix of the lab's ifb devices; the rest is a hash of lab and link. */
const IFB_PREFIX = 'hli-';

/** The ifb of one link: deterministic (<= 15 chars) so it is found again without state. */
export function ifbName(labName: string, linkName: string): string {
  return `${IFB_PREFIX}${shortHash([labName, linkName], 10)}`;
}

/** The alias that marks a link's ifb as this lab's. */
export function ifbAlias(labName: string, linkName: string): string {
  return labInterfaceAlias(labName, `ifb:${linkName}`);
}

export interface ImpairedLink {
  /** The lab and the link's name (a node today; a node's NIC later). */
  labName: string;
  linkName: string;
  /** The host-side interface of the link (veth or tap), already proven to be the lab's. */
  hostInterface: string;
}

/** Creates the link's ifb unless it is there; an interface of that name that is not ours is refused. */
export async function createIfb(labName: string, linkName: string): Promise<string> {
  const name = ifbName(labName, linkName);
  const alias = ifbAlias(labName, linkName);
  const existing = await linkInfo(name);
  if (existing && existing.ifalias !== alias) {
    throw new ProvisionError(`interface ${name} exists and is not the ifb of ${linkName} in lab "${labName}" (its alias: ${existing.ifalias ?? 'none'}). Fix: remove it if it is unused (ip link del ${name})`);
  }
  if (!existing) {
    await run('ip', ['link', 'add', 'name', name, 'type', 'ifb']);
    await run('ip', ['link', 'set', 'dev', name, 'alias', alias]);
  }
  await run('ip', ['link', 'set', 'dev', name, 'up']);
  return name;
}

/** Deletes the link's ifb when it is there and carries the lab's alias; anything else is left alone. */
export async function removeIfb(name: string, alias: string): Promise<'removed' | 'absent' | 'refused'> {
  const existing = await linkInfo(name);
  if (!existing) return 'absent';
  if (existing.ifalias !== alias) return 'refused';
  await deleteLink(name);
  return 'removed';
}

/** Applies the impairment to the link from scratch (earlier qdiscs of ours are replaced). */
export async function applyLinkImpairment(link: ImpairedLink, impairment: Impairment): Promise<void> {
  const ifb = await createIfb(link.labName, link.linkName);
  await clearLinkQdiscs(link.hostInterface);
  await clearLinkQdiscs(ifb);
  for (const command of linkCommands(link.hostInterface, ifb, impairment)) {
    await run('tc', command);
  }
}

/** Removes our qdiscs from the host interface and deletes the link's ifb. */
export async function removeLinkImpairment(link: ImpairedLink): Promise<void> {
  await clearLinkQdiscs(link.hostInterface);
  await removeIfb(ifbName(link.labName, link.linkName), ifbAlias(link.labName, link.linkName));
}

/** "Nothing to delete" is the usual answer and fine; a missing device is fine too. */
async function clearLinkQdiscs(device: string): Promise<void> {
  for (const command of clearCommands(device)) await run('tc', command, { allowFailure: true });
}

/** The qdisc kinds of ours on a device's egress (tbf, netem), as the kernel reports them. */
export async function appliedQdiscs(device: string): Promise<string[]> {
  const shown = await run('tc', ['-j', 'qdisc', 'show', 'dev', device], { allowFailure: true });
  if (shown.exitCode !== 0) return [];
  const qdiscs = JSON.parse(shown.stdout || '[]') as Array<{ kind: string; handle: string }>;
  return qdiscs.filter((qdisc) => (qdisc.kind === 'tbf' && qdisc.handle === TBF_HANDLE) || (qdisc.kind === 'netem' && qdisc.handle === NETEM_HANDLE)).map((qdisc) => qdisc.kind);
}
