#!/bin/sh
# PID 1 of the hybrid-lab qemu guest (busybox initramfs). Everything it needs to know comes from
# the kernel command line (hl.* parameters, rendered by lib/vms/qemu/cmdline.ts), so one cached
# initramfs serves every VM. Prints HYBRID-LAB-BOOTED on the serial console when the network and
# services are up, then runs the exec agent on that console (lib/vms/qemu/serial-exec.ts).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /etc /www /usr/bin /usr/sbin /sbin
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts

for arg in $(cat /proc/cmdline); do
  case "$arg" in
    hl.name=*) NAME=${arg#hl.name=} ;;
    hl.ip=*) ADDR=${arg#hl.ip=} ;;
    hl.gw=*) GATEWAY=${arg#hl.gw=} ;;
    hl.dns=*) DNS=${arg#hl.dns=} ;;
    hl.domain=*) DOMAIN=${arg#hl.domain=} ;;
    hl.mac=*) MAC=${arg#hl.mac=} ;;
    hl.mgmt=*) MGMT_MAC=${arg#hl.mgmt=} ;;
    hl.services=*) SERVICES=$(echo "${arg#hl.services=}" | tr ',' ' ') ;;
    hl.probe=*) PROBE=1 ;;
  esac
done

# KVM probe (lib/vms/accel.ts): reaching userspace is the proof; reboot so QEMU (-no-reboot) exits.
if [ -n "$PROBE" ]; then echo "HYBRID-LAB-PROBE-OK"; reboot -f; fi

NAME=${NAME:-vm}
IP=${ADDR%/*}
hostname "$NAME"
for module in $(cat /lib/modules/load-order 2>/dev/null); do
  insmod "/lib/modules/$module.ko" || echo "hybrid-lab: insmod $module failed"
done

# The NIC is found by its MAC, not by probe order.
iface_with_mac() {
  for dev in /sys/class/net/*; do
    [ "$(cat "$dev/address" 2>/dev/null)" = "$1" ] && { echo "${dev##*/}"; return 0; }
  done
  return 1
}
wait_iface() {
  i=0
  while [ $i -lt 100 ]; do iface_with_mac "$1" && return 0; sleep 0.05; i=$((i + 1)); done
  return 1
}

ip link set lo up
IFACE=$(wait_iface "$MAC") || echo "hybrid-lab: no NIC with MAC $MAC"
if [ -n "$IFACE" ]; then
  ip link set "$IFACE" up
  [ -n "$ADDR" ] && ip addr add "$ADDR" dev "$IFACE"
  [ -n "$GATEWAY" ] && ip route add default via "$GATEWAY" dev "$IFACE"
fi
# Management NIC: QEMU user-mode network (restrict=on), fixed slirp address, no default route,
# so it can never carry the lab's traffic.
if [ -n "$MGMT_MAC" ] && MGMT_IFACE=$(wait_iface "$MGMT_MAC"); then
  ip link set "$MGMT_IFACE" up
  ip addr add 10.0.2.15/24 dev "$MGMT_IFACE"
fi

: > /etc/resolv.conf
[ -n "$DNS" ] && echo "nameserver $DNS" >> /etc/resolv.conf
[ -n "$DOMAIN" ] && echo "search $DOMAIN" >> /etc/resolv.conf
{
  echo "127.0.0.1 localhost"
  [ -n "$IP" ] && echo "$IP ${DOMAIN:+$NAME.$DOMAIN }$NAME"
} > /etc/hosts
echo "$NAME" > /etc/hostname
# No /etc/nsswitch.conf on purpose: busybox is static glibc, and with one its wget crashed here
# (NSS loading the dynamic libc copied in for iperf3); without it glibc uses files, then DNS.

for service in $SERVICES; do
  case "$service" in
    http) echo "hello from $NAME ($IP)" > /www/index.html; httpd -p 80 -h /www ;;
    tcp-echo) ECHO_TCP=1 ;;
    udp-echo) ECHO_UDP=1 ;;
    iperf3) iperf3 -s -D -p 5201 >/dev/null 2>&1 ;;
  esac
done
if [ -n "$ECHO_TCP" ] && [ -n "$ECHO_UDP" ]; then ECHO_MODE=both; elif [ -n "$ECHO_TCP" ]; then ECHO_MODE=tcp; elif [ -n "$ECHO_UDP" ]; then ECHO_MODE=udp; fi
[ -n "$ECHO_MODE" ] && { hl-echo serve 7 "$ECHO_MODE" >/dev/null 2>&1 & }
# The node's own programs (initramfs.start), in a second archive the lab adds for this VM only.
[ -x /etc/hybrid-lab/start.sh ] && /etc/hybrid-lab/start.sh

# From here on the console carries the exec protocol: keep kernel messages off it.
echo 1 > /proc/sys/kernel/printk
stty -F /dev/ttyS0 raw -echo 2>/dev/null
echo "HYBRID-LAB-BOOTED name=$NAME ip=$ADDR iface=$IFACE uptime=$(cut -d' ' -f1 /proc/uptime)" > /dev/ttyS0
while true; do
  /bin/hl-agent </dev/ttyS0 >/dev/ttyS0 2>&1
  sleep 1
done
