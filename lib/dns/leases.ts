import { readFile } from 'node:fs/promises';
import { cidrContains, ipToInt, parseCidr } from '../topology/ipv4.ts';
import type { ResolvedNetwork } from '../topology/topology.ts';

/** One DHCPv4 lease as dnsmasq recorded it. */
export interface DhcpLease {
  mac: string;
  ip: string;
  /** The client's host name (absent when it sent none and no reservation names it). */
  name?: string;
  /** When the lease ends (ISO 8601); absent for an infinite lease. */
  expiresAt?: string;
  /** The lab network whose subnet holds the address. */
  network?: string;
}

/**
 * Parses dnsmasq's lease file: `EXPIRY MAC IP NAME CLIENT-ID` per IPv4 lease (`*` for none,
 * expiry 0 = infinite); the DHCPv6 part after the `duid` line is left out.
 */
export function parseLeases(text: string, networks: readonly ResolvedNetwork[] = []): DhcpLease[] {
  const leases: DhcpLease[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'duid') break;
    const [expiry, mac, ip, name] = fields;
    if (fields.length < 4 || !/^\d+$/.test(expiry) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) continue;
    const network = networks.find((candidate) => {
      const subnet = parseCidr(candidate.subnet);
      return subnet !== undefined && cidrContains(subnet, ipToInt(ip));
    });
    leases.push({
      mac: mac.toLowerCase(),
      ip,
      ...(name !== '*' ? { name } : {}),
      ...(expiry !== '0' ? { expiresAt: new Date(Number(expiry) * 1000).toISOString() } : {}),
      ...(network ? { network: network.name } : {}),
    });
  }
  return leases;
}

/** The leases in a lab's lease file; none when dnsmasq has not written it (no DHCP, or no client yet). */
export async function readLeases(path: string, networks: readonly ResolvedNetwork[] = []): Promise<DhcpLease[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return parseLeases(text, networks);
}

/** Waits until the lease file holds a lease for `mac` (a disk VM's dynamic address), or the deadline passes. */
export async function waitForLease(path: string, mac: string, timeoutMs: number, stillRunning: () => Promise<boolean>): Promise<DhcpLease | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lease = (await readLeases(path)).find((candidate) => candidate.mac === mac.toLowerCase());
    if (lease) return lease;
    if (!(await stillRunning())) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}
