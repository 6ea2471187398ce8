# Sourced by scripts/bench.sh (it uses its work, pids, workers, gateway_cpu, protocol,
# gateway_bin, free_port, wait_file and start_gateway): the servers of the scaleout scenario,
# one gateway or redis-server + 2 gateway replicas sharing it as their backplane.

# start_redis: a redis-server on a free loopback port, persistence off; sets redis_pid and
# redis_port.
start_redis() {
  local dir="$work/redis"
  rm -rf "$dir"
  mkdir -p "$dir"
  redis_port="$(free_port)"
  "${gateway_cpu[@]}" "${REDIS_SERVER:-redis-server}" --bind 127.0.0.1 --port "$redis_port" \
    --save "" --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  for _ in $(seq 400); do
    grep -q "Ready to accept connections" "$dir/redis.log" && return 0
    sleep 0.05
  done
  echo "redis-server did not start" >&2
  cat "$dir/redis.log" >&2
  exit 1
}

# start_replica <index>: a gateway with the Redis backplane (start_redis first) on its own
# ports; waits for /readyz (the backplane is up). Sets replica_pid[i], replica_http[i],
# replica_grpc[i].
replica_pid=()
replica_http=()
replica_grpc=()
start_replica() {
  local i="$1" dir="$work/replica-$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  {
    echo 'http:'
    echo '  listen: "127.0.0.1:0"'
    echo 'grpc:'
    echo '  listen: "127.0.0.1:0"'
    echo 'admin:'
    echo '  listen: "127.0.0.1:0"'
    [[ -n "$workers" ]] && echo "workers: $workers"
    echo 'log:'
    echo '  level: warn'
    echo 'backplane:'
    echo '  type: redis'
    echo "  addresses: [\"127.0.0.1:$redis_port\"]"
    echo '  token_secret: "hubgate-bench-scaleout-token-secret-0123456789"'
    echo "  replica_id: bench-r$i"
    echo 'hubs:'
    echo '  - name: posts'
    echo '    path: /hubs/posts'
    echo '    max_queued_bytes: 67108864'
  } >"$dir/hubgate.yaml"
  "${gateway_cpu[@]}" "$gateway_bin" --config "$dir/hubgate.yaml" --port_file "$dir/ports.json" \
    >"$dir/gateway.log" 2>&1 &
  replica_pid[i]=$!
  pids+=("${replica_pid[i]}")
  wait_file "$dir/ports.json" "replica $i" || { cat "$dir/gateway.log" >&2; exit 1; }
  replica_http[i]="$(sed -E 's/.*"http":([0-9]+).*/\1/' "$dir/ports.json")"
  replica_grpc[i]="$(sed -E 's/.*"grpc":([0-9]+).*/\1/' "$dir/ports.json")"
  local admin
  admin="$(sed -E 's/.*"admin":([0-9]+).*/\1/' "$dir/ports.json")"
  for _ in $(seq 400); do
    curl -fs -o /dev/null "http://127.0.0.1:$admin/readyz" && return 0
    sleep 0.05
  done
  echo "replica $i did not become ready" >&2
  cat "$dir/gateway.log" >&2
  exit 1
}

# start_scaleout <single|redis>: one plain gateway, or redis-server + 2 replicas; sets
# server_pid (the replica taking the pushes), server_flags, run_suffix and the extra flags
# scaleout_flags (the other replica's and Redis's process ids).
start_scaleout() {
  if [[ "$1" == single ]]; then
    start_gateway
    run_suffix="-single"
    scaleout_flags=()
    return
  fi
  start_redis
  start_replica 0
  start_replica 1
  server_pid="${replica_pid[0]}"
  server_flags=(--http="127.0.0.1:${replica_http[0]},127.0.0.1:${replica_http[1]}"
                --grpc="127.0.0.1:${replica_grpc[0]}" --protocol="$protocol")
  run_suffix="-redis"
  scaleout_flags=(--replica_pids="${replica_pid[1]}" --redis_pid="$redis_pid")
  sleep 0.5  # as for one gateway: settle before the baseline figures
}
