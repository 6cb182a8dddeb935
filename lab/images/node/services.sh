#!/bin/sh
# Entrypoint of the hybrid-lab node image: starts the services the topology lists, then idles.
# Arguments: service names (http tcp-echo udp-echo iperf3). Docker's init (tini) is PID 1, so
# SIGTERM reaches this shell and stops the container at once.
hostname=$(hostname)
mkdir -p /www
echo "hello from ${hostname}" > /www/index.html
echo_mode=""
for service in "$@"; do
  case "$service" in
    http) httpd -p 80 -h /www ;;
    tcp-echo) case "$echo_mode" in udp) echo_mode=both ;; *) echo_mode=tcp ;; esac ;;
    udp-echo) case "$echo_mode" in tcp) echo_mode=both ;; *) echo_mode=udp ;; esac ;;
    iperf3) iperf3 -s -D --logfile /tmp/iperf3.log ;;
    *) echo "hybrid-lab: unknown service $service" >&2; exit 2 ;;
  esac
done
[ -n "$echo_mode" ] && hl-echo serve 7 "$echo_mode" &
echo "hybrid-lab: services ready: $*"
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
