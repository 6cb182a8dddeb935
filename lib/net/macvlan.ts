import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../common/run.ts';
import { deleteLink, labInterfaceAlias, linkExists, linkInfo, type IpLink } from './bridge.ts';

/**
 * The host side of a macvlan network: the lab's shim (a macvlan in bridge mode on the parent that
 * carries the segment's gateway address, since a parent never talks to its own macvlan children)
 * and a qemu VM's macvtap. The parent itself is only ever read, never changed or removed.
 */

/** The alias that marks a macvlan network's shim as the lab's (`down` finds it by this, with or without state). */
export function shimAlias(labName: string, networkName: string): string {
  return labInterfaceAlias(labName, `shim:${networkName}`);
}

/** Kinds of interface that cannot be a parent: stacking macvlan on them does not reach an L2 segment. */
const STACKED_KINDS = new Set(['macvlan', 'macvtap', 'ipvlan', 'ipvtap']);

/**
 * Why an interface cannot be a macvlan network's parent, or undefined when it can: it must exist,
 * be up, not be loopback, not be anything hybrid-lab made (any lab's bridge, shim, tap or veth),
 * not be one of this lab's own bridges, not be a bridge port, not be a macvlan/macvtap itself.
 */
export function parentProblem(name: string, link: IpLink | undefined, labBridges: ReadonlySet<string>): { problem: string; fix: string } | undefined {
  if (labBridges.has(name)) return { problem: 'is one of this lab\'s own bridges', fix: 'name an interface outside the lab' };
  if (!link) return { problem: 'no such interface on this host', fix: 'name an existing interface on the segment\'s L2 (see `ip link`)' };
  if (link.link_type === 'loopback' || link.flags?.includes('LOOPBACK')) return { problem: 'is the loopback interface: it has no L2 segment to attach nodes to', fix: 'name an Ethernet-like interface, e.g. eth1' };
  if (link.ifalias?.startsWith('hybrid-lab:')) {
    const [, lab, role] = link.ifalias.split(':');
    return { problem: `was made by hybrid-lab (lab "${lab}", ${role ?? 'interface'}): a lab's own interface goes with that lab's down`, fix: 'name an interface that hybrid-lab did not make' };
  }
  const kind = link.linkinfo?.info_kind;
  if (kind && STACKED_KINDS.has(kind)) return { problem: `is a ${kind} interface itself: nodes stacked on it would not reach the segment`, fix: 'name the interface it sits on, or another Ethernet-like interface' };
  if (link.master) return { problem: `is a port of bridge ${link.master}: the bridge takes its frames, its macvlan children would not get them`, fix: `name the bridge ${link.master} itself, or an interface that is no bridge port` };
  if (!link.flags?.includes('UP')) return { problem: 'is down: macvlan children of a down interface cannot come up', fix: `bring it up first (ip link set dev ${name} up); the lab never changes the parent` };
  return undefined;
}

/** The shim: a macvlan in bridge mode on the parent with the lab's alias and the gateway address(es), up. Idempotent. */
export async function createShim(name: string, parent: string, cidrs: readonly string[], alias: string): Promise<void> {
  const addressArgs = (cidr: string) => ['addr', 'add', cidr, 'dev', name, ...(cidr.includes(':') ? ['nodad'] : [])];
  if (!(await linkExists(name))) {
    const commands = [['link', 'add', 'link', parent, 'name', name, 'type', 'macvlan', 'mode', 'bridge'], ['link', 'set', 'dev', name, 'alias', alias], ...cidrs.map(addressArgs), ['link', 'set', 'dev', name, 'up']];
    if (commands.flat().some((arg) => /[\s"\\#]/.test(arg))) throw new Error(`cannot create shim ${name}: unexpected character in ${commands.flat().join(' ')}`);
    await run('ip', ['-batch', '-'], { input: `${commands.map((command) => command.join(' ')).join('\n')}\n` });
    return;
  }
  const addresses = await run('ip', ['-o', 'addr', 'show', 'dev', name]);
  for (const cidr of cidrs) if (!addresses.stdout.includes(` ${cidr} `)) await run('ip', addressArgs(cidr));
  await run('ip', ['link', 'set', 'dev', name, 'up']);
}

/**
 * Removes a shim only when it is provably the lab's: a macvlan carrying the lab's alias for that
 * network. Anything else of that name (the parent included, which never carries a lab alias) is refused.
 */
export async function removeShim(name: string, alias: string): Promise<'removed' | 'absent' | { refused: string }> {
  const link = await linkInfo(name);
  if (!link) return 'absent';
  if (link.ifalias !== alias || link.linkinfo?.info_kind !== 'macvlan') {
    return { refused: `interface ${name} is not this lab's shim (a macvlan with alias ${alias}; it is ${link.linkinfo?.info_kind ?? 'a device'}${link.ifalias ? ` with alias ${link.ifalias}` : ' without an alias'})` };
  }
  await deleteLink(name);
  return 'removed';
}

/** A VM's macvtap on the parent (bridge mode, so it talks to the shim and the engine's macvlan children), with the guest's MAC and the lab's alias, up. */
export async function createMacvtap(name: string, parent: string, mac: string, alias: string): Promise<void> {
  const commands = [
    ['link', 'add', 'link', parent, 'name', name, 'type', 'macvtap', 'mode', 'bridge'],
    ['link', 'set', 'dev', name, 'alias', alias],
    ['link', 'set', 'dev', name, 'address', mac],
    ['link', 'set', 'dev', name, 'up'],
  ];
  if (commands.flat().some((arg) => /[\s"\\#]/.test(arg))) throw new Error(`cannot create macvtap ${name}: unexpected character in ${commands.flat().join(' ')}`);
  await run('ip', ['-batch', '-'], { input: `${commands.map((command) => command.join(' ')).join('\n')}\n` });
}

/**
 * Opens a macvtap's character device (/dev/tapN, N its ifindex) for QEMU's `-netdev tap,fd=`.
 * Where no devtmpfs/udev made the node, one is made in `scratchDir` from the numbers sysfs gives.
 */
export async function openMacvtap(name: string, scratchDir: string): Promise<number> {
  const index = (await readFile(`/sys/class/net/${name}/ifindex`, 'utf8')).trim();
  if (!/^\d+$/.test(index)) throw new Error(`macvtap ${name}: no ifindex in sysfs`);
  let path = `/dev/tap${index}`;
  if (!existsSync(path)) {
    const numbers = (await readFile(`/sys/class/net/${name}/macvtap/tap${index}/dev`, 'utf8')).trim();
    const [major, minor] = numbers.split(':');
    if (!/^\d+$/.test(major ?? '') || !/^\d+$/.test(minor ?? '')) throw new Error(`macvtap ${name}: unexpected device numbers "${numbers}" in sysfs`);
    path = join(scratchDir, `tap${index}`);
    await run('mknod', ['-m', '600', path, 'c', major, minor]);
  }
  return openSync(path, 'r+');
}
