import type { ExecResult } from '../../nodes/node.ts';
import { ProvisionError } from '../../common/errors.ts';
import type { GuestNic } from './nic-plan.ts';

/** Prints `MAC IPV4` for every interface of the guest (busybox or Debian: sh, ip, awk). */
const LIST_ADDRESSES = 'for d in /sys/class/net/*; do a=$(ip -4 -o addr show dev "${d##*/}" | awk \'{print $4}\' | head -n 1); echo "$(cat "$d/address") ${a%/*}"; done';

/** The IPv4 address each guest interface has now, by MAC (interfaces without one are left out). */
export async function guestAddressesByMac(exec: (argv: string[]) => Promise<ExecResult>): Promise<Map<string, string>> {
  const result = await exec(['sh', '-c', LIST_ADDRESSES]);
  if (result.exitCode !== 0) throw new ProvisionError(`cannot list the guest's addresses (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const addresses = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [mac, ip] = line.trim().split(/\s+/);
    if (mac && ip) addresses.set(mac.toLowerCase(), ip);
  }
  return addresses;
}

/**
 * The address every DHCP NIC got, read back from the guest; a DHCP NIC without one fails the
 * boot naming the NIC (the guest's client gave up before the lab's DHCP server answered).
 */
export async function leasedAddresses(vmName: string, nics: readonly GuestNic[], exec: (argv: string[]) => Promise<ExecResult>): Promise<Map<string, string>> {
  const dynamic = nics.filter((nic) => nic.ipv4 === 'dhcp');
  if (dynamic.length === 0) return new Map();
  const addresses = await guestAddressesByMac(exec);
  for (const nic of dynamic) {
    if (!addresses.has(nic.mac)) {
      // What the guest's DHCP clients saw (lab/images/vm/hl-dhcp.sh), for the one who has to find out why.
      const events = await exec(['sh', '-c', 'for f in /run/hl-dhcp/*.events; do echo "$f: $(tr "\\n" ";" < "$f")"; done']);
      throw new ProvisionError(`VM ${vmName} got no DHCP lease on network ${nic.network} (NIC ${nic.mac}; client events: ${events.stdout.trim() || 'none'}). Fix: check that network's dhcp: range has free addresses and that the lab DNS container runs (hybrid-lab status)`);
    }
  }
  return new Map(dynamic.map((nic) => [nic.mac, addresses.get(nic.mac)!]));
}
