import { join } from 'node:path';
import { labStateDir } from '../common/paths.ts';

/** The lab's dns/ folder: dnsmasq.conf and hosts.d/, mounted read-only into the DNS container. */
export function dnsDir(labName: string): string {
  return join(labStateDir(labName), 'dns');
}

export function hostsDir(labName: string): string {
  return join(dnsDir(labName), 'hosts.d');
}
