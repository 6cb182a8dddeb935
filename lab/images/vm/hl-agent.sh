#!/bin/sh
# Exec agent on the serial console (host side: lib/vms/qemu/serial-exec.ts). One request per line:
#   HLX <tag> <timeout-seconds> <base64 of a shell script>
# answered by
#   HLX-OUT <tag> / base64 stdout lines / HLX-ERR <tag> / base64 stderr lines / HLX-END <tag> <exit>
# Base64 keeps command output from ever looking like a marker; the tag ties an answer to its
# request, so a late answer to a request the host gave up on is recognised and ignored.
# Timed-out commands are killed (SIGKILL via busybox timeout) and reported as exit 124.
# Every process spawned here costs milliseconds under TCG: shell builtins where they will do.
mkdir -p /tmp/hlx
while read -r kind tag seconds script; do
  [ "$kind" = HLX ] || continue
  echo "$script" > /tmp/hlx/cmd.b64
  base64 -d /tmp/hlx/cmd.b64 > /tmp/hlx/cmd
  read -r up _ < /proc/uptime; started=${up%.*}
  timeout -s KILL "$seconds" sh /tmp/hlx/cmd </dev/null >/tmp/hlx/out 2>/tmp/hlx/err
  rc=$?
  read -r up _ < /proc/uptime; elapsed=$(( ${up%.*} - started ))
  [ $rc -eq 137 ] && [ $elapsed -ge $((seconds - 1)) ] && rc=124
  echo "HLX-OUT $tag"
  [ -s /tmp/hlx/out ] && base64 /tmp/hlx/out
  echo "HLX-ERR $tag"
  [ -s /tmp/hlx/err ] && base64 /tmp/hlx/err
  echo "HLX-END $tag $rc"
done
