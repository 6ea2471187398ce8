#!/usr/bin/env bash
# Smoke test of the scaleout scenario (registered as ctest `bench.scaleout_smoke` from
# bench/CMakeLists.txt): runs `scripts/bench.sh --quick --no-build --no-nchan
# --scenarios=scaleout` with the binaries of this build and its results in a temporary
# directory, and checks that every run, single node and 2 replicas + Redis, delivered every
# message and reported the figures the scenario is for. No timing assertions.
# Usage: tests/bench/scaleout_smoke.sh <build directory>
set -euo pipefail
build_dir="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v redis-server >/dev/null; then
  echo "skipped: redis-server is not installed (scripts/install-deps.sh installs it)"
  exit 0
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
BUILD_DIR="$build_dir" RESULTS_DIR="$dir" \
  "$root/scripts/bench.sh" --quick --no-build --no-nchan --scenarios=scaleout >"$dir/out.txt" 2>&1 \
  || { cat "$dir/out.txt"; exit 1; }
cat "$dir"/*-single.json "$dir"/*-redis.json | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
names = sorted(r["label"] for r in rows)
single = [r for r in rows if r["replicas"] == 1]
redis = [r for r in rows if r["replicas"] == 2]
assert len(single) == len(redis) == 6, names
for r in rows:
    assert r["ok"], r
    assert r["connect_failures"] == 0, r
    assert r["expected_deliveries"] > 0 and r["deliveries"] == r["expected_deliveries"], r
    assert r["gateway_cpu_us"] >= 0, r
for r in redis:
    assert r["redis_cpu_us"] >= 0 and r["redis_cpu_us_per_push"] >= 0, r
    assert r["redis_idle_cpu_us_per_s"] >= 0, r
    assert r["redis_cpu_us_per_push_over_idle"] >= 0, r
    assert r["gateway_connections"] == -1 or r["gateway_connections"] >= 0, r
audiences = {r["audience"] for r in rows}
assert audiences == {"group", "all"}, audiences
print("ok:", len(rows), "runs:", " ".join(names))
'
grep -q "Scale-out" "$dir/out.txt" || { echo "no scale-out summary:"; cat "$dir/out.txt"; exit 1; }
