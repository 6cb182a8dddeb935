#!/bin/sh
# udhcpc's event script in the hybrid-lab qemu guest (lab/images/vm/init.sh starts udhcpc with
# it). Sets the leased address; the router and DNS server only on the primary NIC (its name is in
# /run/hl-primary), so a second network's lease never takes the default route. Every event is
# appended to /run/hl-dhcp/$interface.events (`EVENT IP LEASE-SECONDS`): the dhcp suite reads
# them to see a renewal happen.
mkdir -p /run/hl-dhcp
echo "$1 ${ip:--} ${lease:--}" >> "/run/hl-dhcp/$interface.events"
PRIMARY=$(cat /run/hl-primary 2>/dev/null)
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    # A renewal that keeps the address leaves it in place (no flush: connections stay up).
    if ! ip -4 -o addr show dev "$interface" | grep -q " $ip/"; then
      ip -4 addr flush dev "$interface"
      ip addr add "$ip/${mask:-24}" dev "$interface"
    fi
    if [ "$interface" = "$PRIMARY" ]; then
      if [ -n "$router" ]; then
        ip route del default 2>/dev/null
        set -- $router
        ip route add default via "$1" dev "$interface"
      fi
      if [ -n "$dns" ]; then
        : > /etc/resolv.conf
        for server in $dns; do echo "nameserver $server" >> /etc/resolv.conf; done
        [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
      fi
      HOSTNAME=$(hostname)
      { echo "127.0.0.1 localhost"; echo "$ip ${domain:+$HOSTNAME.$domain }$HOSTNAME"; } > /etc/hosts
    fi
    ;;
esac
exit 0
