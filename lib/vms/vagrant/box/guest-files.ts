/**
 * Files the box adds to the Debian tree. The guest runs no systemd: a small /sbin/hl-init brings
 * up the management NIC (DHCP, for Vagrant), the lab's static config, sshd and the test
 * services, so a VM answers ssh a few seconds after the kernel starts, even under TCG.
 */

/** Printed on the serial console when the guest is ready; boot logs are searched for it. */
export const BOOT_MARKER = 'HYBRID-LAB-VAGRANT-BOOTED';

/** Where the provisioning step writes the hybrid NIC's static config (read again at every boot). */
export const GUEST_NET_CONF = '/etc/hybrid-lab/net.conf';

const INIT = `#!/bin/sh
# PID 1 of the hybrid-lab Vagrant box (no systemd: boots in seconds under TCG).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /run; mkdir -p /run/sshd /run/lock; mount -t tmpfs tmpfs /tmp
mount -o remount,rw /
# Stage times on the serial console (the VM's serial log): where a slow boot spends its time.
stage() { echo "hl-init: $1 uptime=$(cut -d' ' -f1 /proc/uptime)" > /dev/console; }
stage "root mounted"
hostname -F /etc/hostname; ip link set lo up
for n in /sys/class/net/eth*; do ip link set "\${n##*/}" up; done
# virtio-rng (lv.random in the Vagrantfile): without it sshd blocks ~6 s under TCG waiting for
# the kernel's random pool.
modprobe virtio_rng 2>/dev/null
# sshd before the DHCP lease: Vagrant connects as soon as it sees the lease, and a refused
# connection costs it a ~10 s retry.
/usr/sbin/sshd
stage "sshd started"
# Management NIC (first NIC, as vagrant-libvirt attaches it): DHCP address only, no default route
# and no DNS from it, so lab traffic can never leave through it.
busybox udhcpc -i eth0 -b -t 20 -T 1 -s /etc/hybrid-lab/udhcpc.sh >/dev/null 2>&1
stage "management lease"
[ -f ${GUEST_NET_CONF} ] && hl-net >/dev/null 2>&1
hl-services
echo "${BOOT_MARKER} $(hostname) uptime=$(cut -d' ' -f1 /proc/uptime)" > /dev/console
# A shell on the serial port for diagnosis when the network is broken.
while true; do setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1' || sleep 5; done
`;

const UDHCPC = `#!/bin/sh
# udhcpc hook for the management NIC: set the leased address, nothing else.
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev "$interface";;
  deconfig) ip addr flush dev "$interface";;
esac
`;

const NET = `#!/bin/sh
# Applies ${GUEST_NET_CONF}: static address, default route, DNS server and search domain on the
# NIC with the lab-chosen MAC (the hybrid NIC). Prints the interface name.
set -e
. ${GUEST_NET_CONF}
IFACE=
for n in /sys/class/net/*; do [ "$(cat "$n/address")" = "$HL_MAC" ] && IFACE=\${n##*/}; done
[ -n "$IFACE" ] || { echo "hl-net: no interface with MAC $HL_MAC" >&2; exit 1; }
ip link set "$IFACE" up
ip addr flush dev "$IFACE"
ip addr add "$HL_ADDRESS" dev "$IFACE"
ip route replace default via "$HL_GATEWAY" dev "$IFACE"
printf 'nameserver %s\\nsearch %s\\n' "$HL_DNS" "$HL_SEARCH" > /etc/resolv.conf
echo "$IFACE"
`;

const SERVICES = `#!/bin/sh
# Test services every lab node offers: HTTP :80, TCP/UDP echo :7, iperf3 :5201. Idempotent:
# a service whose port already listens is left alone (busybox-static has no pgrep).
listening() { ss -Hln "sport = :$1" | grep -q .; }
mkdir -p /var/www
[ -f /var/www/index.html ] || echo "hello from $(hostname)" > /var/www/index.html
listening 80 || busybox httpd -p 80 -h /var/www
listening 7 || { hl-echo serve 7 </dev/null >/dev/null 2>&1 & }
listening 5201 || iperf3 -s -D >/dev/null 2>&1
true
`;

/** vagrant-libvirt "halts" with ACPI or destroy; without systemd, poweroff is a sysrq. */
const POWEROFF = `#!/bin/sh
sync; echo o > /proc/sysrq-trigger
`;

export interface GuestFile {
  path: string;
  mode: number;
  content: string;
}

/** Every file written into the box's root filesystem (part of the box's content hash). */
export const GUEST_FILES: readonly GuestFile[] = [
  { path: '/sbin/hl-init', mode: 0o755, content: INIT },
  { path: '/etc/hybrid-lab/udhcpc.sh', mode: 0o755, content: UDHCPC },
  { path: '/usr/local/sbin/hl-net', mode: 0o755, content: NET },
  { path: '/usr/local/sbin/hl-services', mode: 0o755, content: SERVICES },
  { path: '/usr/sbin/poweroff', mode: 0o755, content: POWEROFF },
  { path: '/etc/sudoers.d/vagrant', mode: 0o440, content: 'vagrant ALL=(ALL) NOPASSWD: ALL\n' },
  { path: '/etc/hostname', mode: 0o644, content: 'hybrid-box\n' },
  { path: '/etc/hosts', mode: 0o644, content: '127.0.0.1 localhost\n127.0.1.1 hybrid-box\n' },
  { path: '/etc/resolv.conf', mode: 0o644, content: '# written by hl-net from the lab topology\n' },
];

/** Renders net.conf for the guest (sourced by hl-net). Values are from the validated topology. */
export function renderGuestNetConf(values: { mac: string; addressCidr: string; gateway: string; dns: string; search: string }): string {
  return [
    `HL_MAC=${values.mac}`,
    `HL_ADDRESS=${values.addressCidr}`,
    `HL_GATEWAY=${values.gateway}`,
    `HL_DNS=${values.dns}`,
    `HL_SEARCH=${values.search}`,
    '',
  ].join('\n');
}
