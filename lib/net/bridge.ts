import { run, succeeds } from '../common/run.ts';

/** Alias every interface the lab creates carries, so `down` can find it without a state file. */
export function labInterfaceAlias(labName: string, role: string): string {
  return `hybrid-lab:${labName}:${role}`;
}

export async function linkExists(name: string): Promise<boolean> {
  return succeeds('ip', ['link', 'show', 'dev', name]);
}

/** One interface as `ip -j -d link` describes it, or undefined when there is none of that name. */
export async function linkInfo(name: string): Promise<IpLink | undefined> {
  const shown = await run('ip', ['-j', '-d', 'addr', 'show', 'dev', name], { allowFailure: true });
  if (shown.exitCode !== 0) return undefined;
  return (JSON.parse(shown.stdout || '[]') as IpLink[])[0];
}

/**
 * Creates the lab bridge with the gateway address and brings it up. Idempotent. The alias (the
 * lab's mark) is set right after `ip link add` (the kernel ignores an alias given to add).
 */
export async function createBridge(name: string, gatewayCidrs: string | readonly string[], alias: string): Promise<void> {
  const cidrs = typeof gatewayCidrs === 'string' ? [gatewayCidrs] : gatewayCidrs;
  // nodad: the host's IPv6 gateway address is usable at once (no duplicate detection wait on a fresh bridge).
  const addressArgs = (cidr: string) => ['addr', 'add', cidr, 'dev', name, ...(cidr.includes(':') ? ['nodad'] : [])];
  if (!(await linkExists(name))) {
    // A new bridge: every change in one `ip -batch` (one process instead of four or more; it stops at the first error).
    const commands = [['link', 'add', 'name', name, 'type', 'bridge'], ['link', 'set', 'dev', name, 'alias', alias], ...cidrs.map(addressArgs), ['link', 'set', 'dev', name, 'up']];
    if (commands.flat().some((arg) => /[\s"\\#]/.test(arg))) throw new Error(`cannot create bridge ${name}: unexpected character in ${commands.flat().join(' ')}`);
    await run('ip', ['-batch', '-'], { input: `${commands.map((command) => command.join(' ')).join('\n')}\n` });
    return;
  }
  await run('ip', ['link', 'set', 'dev', name, 'alias', alias]);
  const addresses = await run('ip', ['-o', 'addr', 'show', 'dev', name]);
  for (const cidr of cidrs) if (!addresses.stdout.includes(` ${cidr} `)) await run('ip', addressArgs(cidr));
  await run('ip', ['link', 'set', 'dev', name, 'up']);
}

export async function deleteLink(name: string): Promise<void> {
  const deleted = await run('ip', ['link', 'del', 'dev', name], { allowFailure: true });
  if (deleted.exitCode !== 0 && (await linkExists(name))) throw new Error(`cannot delete interface ${name}: ${deleted.stderr.trim()}`);
}

export interface IpLink {
  ifname: string;
  ifalias?: string;
  operstate?: string;
  flags?: string[];
  link_type?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: Array<{ family?: string; local: string; prefixlen: number }>;
}

/** Every interface whose alias marks it as made by this lab (bridge, taps, veths). */
export async function findLabInterfaces(labName: string): Promise<Array<{ name: string; alias: string }>> {
  const links = JSON.parse((await run('ip', ['-j', '-d', 'link', 'show'])).stdout) as IpLink[];
  const prefix = `hybrid-lab:${labName}:`;
  return links.filter((link) => link.ifalias?.startsWith(prefix)).map((link) => ({ name: link.ifname, alias: link.ifalias! }));
}

/** Names of the interfaces enslaved to a bridge (its ports). */
export async function bridgePorts(bridge: string): Promise<string[]> {
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show', 'master', bridge])).stdout) as IpLink[];
  return links.map((link) => link.ifname);
}

/** Every bridge on the host, by name (what a lab's routed segment must refuse traffic from, unless it is the lab's). */
export async function hostBridges(): Promise<string[]> {
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show', 'type', 'bridge'])).stdout || '[]') as IpLink[];
  return links.map((link) => link.ifname);
}
