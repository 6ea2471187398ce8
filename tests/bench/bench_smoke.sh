#!/usr/bin/env bash
# Smoke test of hubgate-bench (registered as ctest `bench.smoke` from bench/CMakeLists.txt):
# starts a real gateway, runs tiny fanout, targeted and density runs (JSON hub protocol, plus a
# fanout and a density run with MessagePack), and checks that every delivery arrived and that
# the RESULT line is JSON. Then, when nginx and its nchan module are installed, the same fanout and
# targeted runs against nginx-nchan (raw WebSocket subscribers, HTTP publishes); otherwise it
# says why they were skipped. No timing assertions.
# Usage: tests/bench/bench_smoke.sh <hubgate-bench> <hubgate>
set -euo pipefail
bench="$1"
gateway="$2"
dir="$(mktemp -d)"
gateway_pid=""
nginx_pid=""
cleanup() {
  for pid in $gateway_pid $nginx_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/hubgate.yaml" <<YAML
http:
  listen: "127.0.0.1:0"
grpc:
  listen: "127.0.0.1:0"
admin:
  listen: "127.0.0.1:0"   # never the default 9090: other tests may hold it
log:
  level: warn
hubs:
  - name: posts
    path: /hubs/posts
YAML
"$gateway" --config "$dir/hubgate.yaml" --port_file "$dir/ports.json" >"$dir/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 200); do
  [[ -s "$dir/ports.json" ]] && break
  sleep 0.05
done
[[ -s "$dir/ports.json" ]] || { echo "gateway did not start"; cat "$dir/gateway.log"; exit 1; }
ports="$(cat "$dir/ports.json")"
http_port="$(sed -E 's/.*"http":([0-9]+).*/\1/' <<<"$ports")"
grpc_port="$(sed -E 's/.*"grpc":([0-9]+).*/\1/' <<<"$ports")"
common=(--http="127.0.0.1:$http_port" --grpc="127.0.0.1:$grpc_port" --gateway_pid="$gateway_pid"
        --threads=2 --timeout_seconds=30)

# run <expected deliveries> <bench flags...>: the bench must exit 0 and report the deliveries.
run() {
  local expected="$1"
  shift
  local out
  if ! out="$("$bench" "${common[@]}" "$@" 2>&1)"; then
    echo "hubgate-bench $* failed:"
    echo "$out"
    exit 1
  fi
  grep '^RESULT ' <<<"$out" | sed 's/^RESULT //' | python3 -c '
import json, sys
expected = int(sys.argv[1])
r = json.loads(sys.stdin.read())
assert r["ok"], r
assert r["connect_failures"] == 0, r
assert r["expected_deliveries"] == expected, (expected, r["expected_deliveries"])
assert r["deliveries"] == expected and r["missing_deliveries"] == 0, r
assert r["gateway_rss_kb_connected"] > 0, r
assert r.get("malformed_messages", 0) == 0, r
print("ok:", r.get("target", "hubgate"), r["scenario"], r["protocol"], r["connected"],
      "connections,", r["deliveries"], "deliveries")
' "$expected"
}

run 200 --scenario=fanout --connections=20 --pushes=10
run 40 --scenario=targeted --connections=20 --groups=20 --pushes=40
run 30 --scenario=push_api --connections=10 --groups=10 --pushes=30
run 0 --scenario=density --connections=20 --hold_seconds=1
# MessagePack: binary frames, length-prefixed messages, the timestamp read from the msgpack
# Invocation; pings (02 91 06) every second during the hold.
run 200 --scenario=fanout --protocol=messagepack --connections=20 --pushes=10
run 0 --scenario=density --protocol=messagepack --connections=20 --hold_seconds=2 \
  --ping_interval_seconds=1

# nginx-nchan: raw WebSocket subscribers on /sub/<channel>, publishes by HTTP POST; the server
# figures come from its one worker process.
mkdir -p "$dir/nchan"
nchan_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0))
print(s.getsockname()[1])')"
config_status=0
"$(dirname "$0")/../../bench/nchan_config.sh" "$dir/nchan" "$nchan_port" 1024 || config_status=$?
if ((config_status == 3)); then
  echo "skipped the nchan runs: nginx with the nchan module is not installed"
  exit 0
fi
((config_status == 0)) || { echo "bench/nchan_config.sh failed ($config_status)"; exit 1; }
nginx -p "$dir/nchan" -c "$dir/nchan/nginx.conf" -g 'daemon off;' >"$dir/nchan/stdout.log" 2>&1 &
nginx_pid=$!
nchan_worker=""
for _ in $(seq 200); do
  nchan_worker="$(pgrep -P "$nginx_pid" | head -1 || true)"
  [[ -n "$nchan_worker" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$nchan_port") 2>/dev/null && break
  sleep 0.05
done
[[ -n "$nchan_worker" ]] || { echo "nginx did not start"; cat "$dir/nchan/logs/error.log"; exit 1; }
common=(--target=nchan --nchan_url="http://127.0.0.1:$nchan_port" --gateway_pid="$nchan_worker"
        --threads=2 --timeout_seconds=30)
run 200 --scenario=fanout --connections=20 --pushes=10
run 40 --scenario=targeted --connections=20 --groups=20 --pushes=40
run 0 --scenario=density --connections=20 --hold_seconds=2 --ping_interval_seconds=1
