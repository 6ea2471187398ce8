#!/usr/bin/env bash
# Runs the standard load scenarios of hubgate-bench, each against a fresh gateway and then
# (fanout, fanout_rate, targeted, density) against a fresh nginx-nchan with the same sizes, and
# writes bench/results/<date>-<scenario>[-nchan][-pinned].json (the RESULT lines), a summary
# table, and a side-by-side table with the ratios hubgate/nchan (also as RESULT lines in
# bench/results/<date>-comparison[-pinned].json).
# The scaleout scenario runs each of its sizes twice, against one gateway (<name>-single) and
# against 2 replicas + one redis-server (<name>-redis; the connections split over the
# replicas, every push sent to the first one's Push API), and prints them side by side.
#
# Usage: scripts/bench.sh [--pin] [--quick] [--no-build] [--no-nchan] [--scenarios=a,b,...]
#                         [--label=TEXT]
#   --pin        gateway (and its workers) or nginx on CPU 0 with workers: 1; bench and backend
#                on CPU 1
#   --quick      tiny sizes (a check that everything runs, not a measurement)
#   --no-build   use the binaries already built
#   --no-nchan   hubgate only (also when nginx or its nchan module is missing, with a message)
#   --scenarios  subset of: fanout fanout_rate targeted density push_api invoke scaleout
#                (default: all)
# Environment: BUILD_DIR (default build/release), GATEWAY_WORKERS (default: the gateway's own
# default, 1 with --pin), BENCH_THREADS (default 2, 1 with --pin), DENSITY_CONNECTIONS (default:
# as many as the gateway's open-file limit allows), HOLD_SECONDS (density, default 60),
# BENCH_PROTOCOL (hub protocol of the bench clients: json (default) or messagepack; a
# non-json protocol is added to the result names, e.g. fanout-pinned-messagepack),
# RESULTS_DIR (default bench/results), REDIS_SERVER (default redis-server; scaleout).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

pin=0
quick=0
build=1
nchan=1
label=""
scenarios="fanout fanout_rate targeted density push_api invoke scaleout"
for arg in "$@"; do
  case "$arg" in
    --pin) pin=1 ;;
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-nchan) nchan=0 ;;
    --scenarios=*) scenarios="${arg#--scenarios=}"; scenarios="${scenarios//,/ }" ;;
    --label=*) label="${arg#--label=}" ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done

build_dir="${BUILD_DIR:-build/release}"
if ((build)); then
  if [[ "$build_dir" == build/release ]]; then
    scripts/build.sh release hubgate hubgate-bench posts-backend
  else
    cmake --build "$build_dir" --target hubgate hubgate-bench posts-backend
  fi
fi
[[ "$build_dir" == /* ]] || build_dir="$root/$build_dir"
gateway_bin="$build_dir/gateway/hubgate"
bench_bin="$build_dir/bench/hubgate-bench"
backend_bin="$build_dir/examples/posts/posts-backend"

# Both processes may hold as many sockets as the hard limit allows (20,000 on these machines).
ulimit -n "$(ulimit -Hn)"

gateway_cpu=()
bench_cpu=()
workers="${GATEWAY_WORKERS:-}"
threads="${BENCH_THREADS:-2}"
suffix=""
if ((pin)); then
  gateway_cpu=(taskset -c 0)
  bench_cpu=(taskset -c 1)
  workers="${GATEWAY_WORKERS:-1}"
  threads="${BENCH_THREADS:-1}"
  suffix="-pinned"
fi
protocol="${BENCH_PROTOCOL:-json}"
[[ "$protocol" != json ]] && suffix="$suffix-$protocol"
[[ -n "$label" ]] && suffix="$suffix-$label"

work="$(mktemp -d)"
results_dir="${RESULTS_DIR:-$root/bench/results}"
mkdir -p "$results_dir"
stamp="$(date +%Y-%m-%d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
target=hubgate
if ((nchan)); then
  config_status=0
  bench/nchan_config.sh "$work/nchan-check" 1 1 >/dev/null || config_status=$?
  if ((config_status == 3)); then
    echo "bench: the nchan runs are skipped (see above)" >&2
    nchan=0
  elif ((config_status != 0)); then
    exit 1
  fi
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_file() {  # wait_file <path> <what>
  for _ in $(seq 400); do
    [[ -s "$1" ]] && return 0
    sleep 0.05
  done
  echo "$2 did not start" >&2
  return 1
}

# start_gateway [backend_target [grpc_port]]: sets gateway_pid, http_port, grpc_port, and
# server_pid / server_flags / run_suffix for bench().
start_gateway() {
  local backend="${1:-}"
  grpc_port="${2:-$(free_port)}"
  rm -f "$work/ports.json"
  {
    echo 'http:'
    echo '  listen: "127.0.0.1:0"'
    echo 'grpc:'
    echo "  listen: \"127.0.0.1:$grpc_port\""
    echo 'admin:'
    echo '  listen: "127.0.0.1:0"  # never the default 9090: tests may hold it'
    [[ -n "$workers" ]] && echo "workers: $workers"
    echo 'log:'
    echo '  level: warn'
    echo 'hubs:'
    echo '  - name: posts'
    echo '    path: /hubs/posts'
    echo '    max_queued_bytes: 67108864'
    [[ -n "$backend" ]] && echo "    backend_target: \"$backend\""
  } >"$work/hubgate.yaml"
  "${gateway_cpu[@]}" "$gateway_bin" --config "$work/hubgate.yaml" --port_file "$work/ports.json" \
    >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  pids+=("$gateway_pid")
  wait_file "$work/ports.json" gateway || { cat "$work/gateway.log" >&2; exit 1; }
  http_port="$(sed -E 's/.*"http":([0-9]+).*/\1/' "$work/ports.json")"
  server_pid="$gateway_pid"
  server_flags=(--http="127.0.0.1:$http_port" --grpc="127.0.0.1:$grpc_port" --protocol="$protocol")
  run_suffix=""
  sleep 0.5  # let the gateway settle before its baseline RSS is read
}

# start_redis, start_replica, start_scaleout (the scaleout scenario's servers).
source "$root/bench/scaleout_servers.sh"

# start_nchan: nginx-nchan with a fresh config (bench/nchan_config.sh) on a free port; sets
# server_pid (its one worker: the figures are read from it), server_flags, run_suffix.
start_nchan() {
  local dir="$work/nchan" port
  rm -rf "$dir"
  port="$(free_port)"
  bench/nchan_config.sh "$dir" "$port" "$(ulimit -n)"
  "${gateway_cpu[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' \
    >"$dir/stdout.log" 2>&1 &
  local master=$!
  pids+=("$master")
  server_pid=""
  for _ in $(seq 400); do
    server_pid="$(pgrep -P "$master" | head -1 || true)"
    [[ -n "$server_pid" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    server_pid=""
    sleep 0.05
  done
  if [[ -z "$server_pid" ]]; then
    echo "nginx did not start" >&2
    cat "$dir/logs/error.log" >&2
    exit 1
  fi
  server_flags=(--target=nchan --nchan_url="http://127.0.0.1:$port")
  run_suffix="-nchan"
  sleep 0.5  # as for the gateway: settle before the baseline RSS
}

# start_server: the server under test of this round ($target).
start_server() {
  if [[ "$target" == nchan ]]; then start_nchan; else start_gateway; fi
}

# targets_of <scenario>: the servers a scenario runs against (nchan has no Push API or hub
# methods to compare push_api and invoke with).
targets_of() {
  case "$1" in
    fanout|fanout_rate|targeted|density)
      if ((nchan)); then echo hubgate nchan; else echo hubgate; fi ;;
    *) echo hubgate ;;
  esac
}

stop_all() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}

# bench <scenario name> <flags...>: one bench process against the running server.
bench() {
  local name="$1"
  shift
  local out="$results_dir/$stamp-$name$run_suffix$suffix.json"
  echo "== $name$run_suffix: hubgate-bench $*"
  "${bench_cpu[@]}" "$bench_bin" "${server_flags[@]}" \
    --gateway_pid="$server_pid" --threads="$threads" \
    --label="$name$run_suffix$suffix" "$@" \
    | tee "$work/out.txt" || true
  grep '^RESULT ' "$work/out.txt" | sed 's/^RESULT //' >"$out"
}

scale() {  # scale <full> <quick>
  if ((quick)); then echo "$2"; else echo "$1"; fi
}

for scenario in $scenarios; do
  for target in $(targets_of "$scenario"); do
    case "$scenario" in
      fanout)
        start_server
        bench fanout --scenario=fanout --connections="$(scale 10000 50)" --groups=1 \
          --pushes="$(scale 200 20)" --payload_bytes=100 --rate=0
        stop_all ;;
      fanout_rate)
        start_server
        bench fanout_rate --scenario=fanout --connections="$(scale 10000 50)" --groups=1 \
          --pushes="$(scale 200 20)" --payload_bytes=100 --rate=10
        stop_all ;;
      targeted)
        start_server
        bench targeted --scenario=targeted --connections="$(scale 1000 50)" \
          --groups="$(scale 1000 50)" --pushes="$(scale 10000 200)" --payload_bytes=100
        stop_all ;;
      density)
        start_server
        limit="$(awk '/^Max open files/ {print $4}' "/proc/$server_pid/limits")"
        fds="$(ls "/proc/$server_pid/fd" | wc -l)"
        rss="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
        total="${DENSITY_CONNECTIONS:-$((limit - fds - 64))}"
        ((quick)) && total=60
        hold="$(scale "${HOLD_SECONDS:-60}" 2)"
        procs=$(((total + 8999) / 9000))
        per=$(((total + procs - 1) / procs))
        echo "== density$run_suffix: $total connections over $procs process(es), fd limit $limit"
        others=()
        for ((i = 1; i < procs; i++)); do
          n=$((i == procs - 1 ? total - per * (procs - 1) : per))
          "${bench_cpu[@]}" "$bench_bin" --scenario=density "${server_flags[@]}" \
            --threads="$threads" --connections="$n" \
            --hold_seconds="$((hold + 5))" --label="density$run_suffix$suffix-part$i" \
            >"$work/density-$i.txt" 2>&1 &
          others+=($!)
        done
        bench density --scenario=density --connections="$per" --hold_seconds="$hold" \
          --total_connections="$total" --gateway_rss_baseline_kb="$rss" --gateway_fds_baseline="$fds"
        for pid in "${others[@]}"; do wait "$pid" || true; done
        for ((i = 1; i < procs; i++)); do
          grep '^RESULT ' "$work/density-$i.txt" | sed 's/^RESULT //' \
            >>"$results_dir/$stamp-density$run_suffix$suffix.json" || true
        done
        stop_all ;;
      push_api)
        start_server
        bench push_api --scenario=push_api --connections=100 --groups=100 \
          --pushes="$(scale 100000 500)" --channels=4 --inflight=64 --payload_bytes=100
        stop_all ;;
      invoke)
        backend_ports="$work/backend.json"
        rm -f "$backend_ports"
        # The backend needs the gateway's Push API port, the gateway the backend's: pick both.
        grpc_port_for_backend="$(free_port)"
        "${bench_cpu[@]}" "$backend_bin" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
          --gateway="127.0.0.1:$grpc_port_for_backend" --port_file="$backend_ports" \
          >"$work/backend.log" 2>&1 &
        pids+=($!)
        wait_file "$backend_ports" posts-backend
        backend_port="$(sed -E 's/.*"grpc":([0-9]+).*/\1/' "$backend_ports")"
        start_gateway "127.0.0.1:$backend_port" "$grpc_port_for_backend"
        bench invoke --scenario=invoke --connections=100 --pushes="$(scale 20000 200)" \
          --invoke_method=SendComment --invoke_args='[1,"bench"]'
        stop_all ;;
      scaleout)
        # Each size against one gateway, then 2 replicas + Redis; fresh servers for every run.
        # fanout_1k against fanout_10k, both at 20 pushes/s: Redis CPU per push must not grow
        # with the recipients (at the same rate: Redis batches back-to-back publishes into fewer
        # writes, so its CPU per push falls as the push rate rises).
        big="$(scale 10000 50)"
        fanout_pushes="--pushes=$(scale 100 20)"
        runs=(
          "scaleout_fanout_1k --connections=$(scale 1000 10) --groups=1 $fanout_pushes --rate=20"
          "scaleout_fanout_10k --connections=$big --groups=1 $fanout_pushes --rate=20"
          "scaleout_fanout --connections=$big --groups=1 $fanout_pushes"
          "scaleout_fanout_all --connections=$big --groups=0 --audience=all $fanout_pushes"
          "scaleout_targeted_1 --connections=$big --groups=$big --pushes=$(scale 2000 100)
             --channels=1 --inflight=1"
          "scaleout_targeted_64 --connections=$big --groups=$big --pushes=$(scale 10000 200)
             --channels=2 --inflight=32"
        )
        for run in "${runs[@]}"; do
          read -r -d "" -a words <<<"$run" || true  # the entries span lines
          for kind in single redis; do
            start_scaleout "$kind"
            bench "${words[0]}" --scenario=fanout --payload_bytes=100 --rate=0 \
              "${words[@]:1}" "${scaleout_flags[@]}"
            stop_all
          done
        done ;;
      *) echo "unknown scenario $scenario" >&2; exit 2 ;;
    esac
  done
done

echo
echo "Summary ($stamp$suffix; results in bench/results/)"
summary_names=()
for scenario in $scenarios; do
  if [[ "$scenario" == scaleout ]]; then
    summary_names+=(scaleout_fanout_1k scaleout_fanout_10k scaleout_fanout scaleout_fanout_all
                    scaleout_targeted_1 scaleout_targeted_64)
  else
    summary_names+=("$scenario")
  fi
done
for scenario in "${summary_names[@]}"; do
  for run_suffix in "" -nchan -single -redis; do
    f="$results_dir/$stamp-$scenario$run_suffix$suffix.json"
    if [[ -s "$f" ]]; then cat "$f"; fi
  done
done | python3 "$root/bench/bench_summary.py" "$results_dir/$stamp-comparison$suffix.json" \
  "$results_dir/$stamp-scaleout-comparison$suffix.json"
