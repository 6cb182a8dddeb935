import type { LabNode } from '../nodes/node.ts';

/** Shell that finds the guest interface with MAC $1 (VMs: busybox or Debian). */
const IFACE_OF_MAC = 'i=; for d in /sys/class/net/*; do [ "$(cat "$d/address")" = "$1" ] && i=${d##*/}; done; [ -n "$i" ] || { echo "no interface with MAC $1" >&2; exit 3; }';

/**
 * Has the guest's DHCP client renew the lease of its NIC with this MAC: udhcpc (the busybox
 * guest) on SIGUSR1, systemd-networkd (the Debian disk guest) through `networkctl renew`.
 */
export async function renewLease(node: LabNode, mac: string): Promise<void> {
  const script = `${IFACE_OF_MAC}; if [ -f "/run/udhcpc.$i.pid" ]; then kill -USR1 "$(cat "/run/udhcpc.$i.pid")"; else networkctl renew "$i"; fi`;
  const result = await node.exec(['sh', '-c', script, 'sh', mac], { timeoutMs: 20_000 });
  if (result.exitCode !== 0) throw new Error(`${node.name}: renewing the lease of ${mac} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
}

/** The IPv4 address the guest's NIC with this MAC has now ('' when none). */
export async function guestAddressOf(node: LabNode, mac: string): Promise<string> {
  const script = `${IFACE_OF_MAC}; ip -4 -o addr show dev "$i" | awk '{print $4}' | head -n 1`;
  const result = await node.exec(['sh', '-c', script, 'sh', mac], { timeoutMs: 20_000 });
  return result.stdout.trim().split('/')[0];
}
