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
    hl.nic=*) NICS="$NICS ${arg#hl.nic=}" ;;
    hl.gw=*) GATEWAY=${arg#hl.gw=} ;;
    hl.gw6=*) GATEWAY6=${arg#hl.gw6=} ;;
    hl.dns=*) DNS=${arg#hl.dns=} ;;
    hl.domain=*) DOMAIN=${arg#hl.domain=} ;;
    hl.mgmt=*) MGMT_MAC=${arg#hl.mgmt=} ;;
    hl.services=*) SERVICES=$(echo "${arg#hl.services=}" | tr ',' ' ') ;;
    hl.probe=*) PROBE=1 ;;
  esac
done

# KVM probe (lib/vms/accel.ts): reaching userspace is the proof; reboot so QEMU (-no-reboot) exits.
if [ -n "$PROBE" ]; then echo "HYBRID-LAB-PROBE-OK"; reboot -f; fi

NAME=${NAME:-vm}
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

# One NIC per hl.nic=MAC,IPV4,IPV6[,HOSTNAME] (IPV4: a.b.c.d/p, dhcp or -; IPV6: x::y/p, slaac or -;
# HOSTNAME: the name a DHCP NIC asks for, its lease's DNS name). The
# first is the primary: default route, DNS, the name's address. DHCP clients run at once and the
# boot waits for their leases (udhcpc goes to the background once it has one, or after 20
# discovers 2 s apart; -T also spaces its 3 requests, time for a busy server to answer).
# SLAAC takes the lab's router advertisements (accept_ra), other NICs ignore them.
configure_nic() {
  mac=${1%%,*}; rest=${1#*,}; v4=${rest%%,*}; rest=${rest#*,}; v6=${rest%%,*}
  lease_name=$NAME; case "$rest" in *,*) lease_name=${rest#*,} ;; esac
  iface=$(wait_iface "$mac") || { echo "hybrid-lab: no NIC with MAC $mac"; return 1; }
  [ "$2" = primary ] && { IFACE=$iface; echo "$iface" > /run/hl-primary; }
  if [ -d "/proc/sys/net/ipv6/conf/$iface" ]; then
    ra=0; [ "$v6" = slaac ] && ra=1
    echo $ra > "/proc/sys/net/ipv6/conf/$iface/accept_ra"
    echo $ra > "/proc/sys/net/ipv6/conf/$iface/autoconf"
    # The lab gives each static address once: skip duplicate address detection (busybox ip has no nodad).
    [ $ra = 0 ] && echo 0 > "/proc/sys/net/ipv6/conf/$iface/accept_dad"
  fi
  ip link set "$iface" up
  case "$v4" in
    dhcp) udhcpc -i "$iface" -s /bin/hl-dhcp -x "hostname:$lease_name" -t 20 -T 2 -A 3 -b -p "/run/udhcpc.$iface.pid" >/dev/null 2>&1 & ;;
    -|'') ;;
    *) ip addr add "$v4" dev "$iface" ;;
  esac
  case "$v6" in
    slaac|-|'') ;;
    *) ip -6 addr add "$v6" dev "$iface" ;;
  esac
}

ip link set lo up
ROLE=primary
for nic in $NICS; do
  configure_nic "$nic" "$ROLE"
  ROLE=other
done
wait
if [ -n "$IFACE" ]; then
  [ -n "$GATEWAY" ] && ip route add default via "$GATEWAY" dev "$IFACE"
  [ -n "$GATEWAY6" ] && ip -6 route add default via "$GATEWAY6" dev "$IFACE"
  ADDR=$(ip -4 -o addr show dev "$IFACE" | awk '{print $4}' | head -n 1)
fi
IP=${ADDR%/*}
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
