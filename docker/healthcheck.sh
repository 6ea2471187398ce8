#!/bin/bash
# Container health check without curl: GET /healthz on the admin listener through bash's
# /dev/tcp, healthy on an HTTP 200 status line.
# HUBGATE_HEALTHCHECK_ADDR (host:port, default 127.0.0.1:9090) and HUBGATE_HEALTHCHECK_PATH
# (default /healthz) change the target; the gateway itself reads neither.
set -euo pipefail
addr="${HUBGATE_HEALTHCHECK_ADDR:-127.0.0.1:9090}"
path="${HUBGATE_HEALTHCHECK_PATH:-/healthz}"
host="${addr%:*}"
port="${addr##*:}"
exec 3<>"/dev/tcp/$host/$port"
printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$addr" >&3
status=""
IFS= read -r -t 3 status <&3 || true
exec 3<&-
if [[ $status =~ ^HTTP/1\.[01]\ 200 ]]; then
  exit 0
fi
echo "hubgate-healthcheck: $path on $addr answered: ${status%$'\r'}" >&2
exit 1
