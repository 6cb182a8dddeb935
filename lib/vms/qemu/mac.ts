import { createHash } from 'node:crypto';

/** Which of a VM's NICs a MAC is for: the first NIC, the management NIC, or the NIC on a further network. */
export type NicRole = 'lab' | 'mgmt' | `net:${string}`;

/**
 * A stable MAC for a VM's NIC, derived from lab, node and role (a further NIC's role names its network), so a VM keeps its MAC (and the
 * neighbours' ARP entries stay right) across restarts. Prefix 52:54 is QEMU's usual one: its
 * first octet has the locally-administered bit set and the multicast bit clear.
 */
export function vmMac(labName: string, nodeName: string, role: NicRole = 'lab'): string {
  const digest = createHash('sha256').update(`${labName}\0${nodeName}\0${role}`).digest();
  const tail = [...digest.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0'));
  return ['52', '54', ...tail].join(':');
}
