/**
 * Whether this host and its container engine can give a lab IPv6: the kernel's IPv6 on, the
 * ip6tables tools present, and an engine network made for a dual-stack lab network really
 * carrying the prefix (an engine that ignores IPv6 on user networks would leave the containers
 * IPv4-only without a word, and every [v6] check failing far from the cause).
 */
import { SetupError } from '../common/errors.ts';
import { hasProgram } from '../common/run.ts';
import { readSysctl } from '../host/sysctl.ts';
import { cidrs6Overlap, parseCidr6 } from '../topology/ipv6.ts';

/** Why the host cannot carry IPv6 for a lab, or undefined when it can. */
export async function hostIpv6Problem(): Promise<string | undefined> {
  const disabled = await readSysctl('net.ipv6.conf.all.disable_ipv6');
  if (disabled === undefined) return 'the kernel has no IPv6 (/proc/sys/net/ipv6 is missing: booted with ipv6.disable=1?). Fix: boot without ipv6.disable=1, or remove ipv6: from the topology\'s networks';
  if (disabled === '1') return 'IPv6 is switched off on this host (net.ipv6.conf.all.disable_ipv6 = 1). Fix: `sysctl -w net.ipv6.conf.all.disable_ipv6=0` (and in /etc/sysctl.d), or remove ipv6: from the topology\'s networks';
  for (const tool of ['ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
    if (!(await hasProgram(tool))) return `${tool} is missing: the lab's IPv6 firewall rules need it. Fix: apt-get install iptables`;
  }
  return undefined;
}

/** Throws a SetupError naming the cause when a topology with IPv6 prefixes meets a host without IPv6. */
export async function requireHostIpv6(prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const problem = await hostIpv6Problem();
  if (problem) throw new SetupError(`the topology gives networks IPv6 prefixes (${prefixes.join(', ')}), but ${problem}`);
}

/** What an engine reports for a network (the Engine API's inspect; Docker and podman alike). */
export interface EngineNetworkInfo {
  Name?: string;
  EnableIPv6?: boolean;
  IPAM?: { Config?: Array<{ Subnet?: string }> | null };
}

/**
 * Why an engine network made for a dual-stack lab network does not carry its IPv6 prefix, or
 * undefined when it does: an engine may accept the create call and still leave the prefix out.
 */
export function engineNetworkIpv6Problem(info: EngineNetworkInfo, prefix: string, engine: string): string | undefined {
  const wanted = parseCidr6(prefix);
  if (!wanted) return `${prefix} is not an IPv6 prefix`;
  const subnets = (info.IPAM?.Config ?? []).flatMap((config) => (config.Subnet ? [config.Subnet] : []));
  const carried = subnets.some((subnet) => {
    const cidr = parseCidr6(subnet);
    return cidr !== undefined && cidr.prefix === wanted.prefix && cidrs6Overlap(cidr, wanted);
  });
  if (info.EnableIPv6 && carried) return undefined;
  const seen = `EnableIPv6 ${info.EnableIPv6 ? 'true' : 'false'}, subnets ${subnets.join(', ') || 'none'}`;
  return `${engine} made network ${info.Name ?? '(unnamed)'} without the IPv6 prefix ${prefix} (${seen}): this engine did not give the network IPv6. Fix: check \`docker info\` / \`docker network inspect\`; Docker 20.10 here gives user networks IPv6 with no daemon setting, older daemons may need "ipv6": true (and "experimental": true for "ip6tables") in /etc/docker/daemon.json and a restart; podman needs netavark; or remove ipv6: from the network`;
}
