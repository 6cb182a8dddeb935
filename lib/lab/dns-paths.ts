import { join } from 'node:path';
import { labStateDir } from '../common/paths.ts';

/** The lab's dns/ folder: dnsmasq.conf and hosts.d/, mounted read-only into the DNS container. */
export function dnsDir(labName: string): string {
  return join(labStateDir(labName), 'dns');
}

export function hostsDir(labName: string): string {
  return join(dnsDir(labName), 'hosts.d');
}

/**
 * The lab's DHCP lease folder: written by dnsmasq in the DNS container (mounted read-write),
 * read by `status` and the VM providers; 0700, inside the lab's state dir, so `down` removes it.
 */
export function dhcpDir(labName: string): string {
  return join(labStateDir(labName), 'dhcp');
}

/** dnsmasq's lease file inside dhcpDir (one line per lease: expiry, MAC, address, name, client id). */
export function leaseFile(labName: string): string {
  return join(dhcpDir(labName), 'dnsmasq.leases');
}
