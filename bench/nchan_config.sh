#!/usr/bin/env bash
# Writes the nginx-nchan configuration the bench compares hubgate with, shared by
# scripts/bench.sh and tests/bench/bench_smoke.sh so both drive the same server.
#
# Usage: bench/nchan_config.sh <dir> <port> <max connections>
#   Writes <dir>/nginx.conf: Debian's nchan module, one worker, memory store (the default: no
#   Redis), 127.0.0.1:<port>; WebSocket subscribers on /sub/<channel>, HTTP publishers (POST) on
#   /pub/<channel>. Start it with: nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;'
#   Exit code 3 (and a message) when nginx or the nchan module is not installed.
set -euo pipefail
dir="$1"
port="$2"
max_connections="$3"
module=/usr/lib/nginx/modules/ngx_nchan_module.so
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  echo "nginx is not installed (Debian: apt-get install nginx libnginx-mod-nchan)" >&2
  exit 3
fi
if [[ ! -f "$module" ]]; then
  echo "the nchan module is not installed ($module; Debian: apt-get install libnginx-mod-nchan)" >&2
  exit 3
fi
mkdir -p "$dir/logs"
cat >"$dir/nginx.conf" <<CONF
load_module $module;
worker_processes 1;
worker_rlimit_nofile $max_connections;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events {
  worker_connections $max_connections;
}
http {
  access_log off;
  # Debian's compiled-in temp paths live under /var/lib/nginx; keep everything in <dir>.
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  # One keep-alive connection per publisher for the whole run (nginx closes after 1,000
  # requests by default).
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port;
    location ~ /sub/(\w+)\$ {
      nchan_subscriber websocket;
      nchan_channel_id \$1;
      # Like a hubgate group member: only what is published after subscribing (nchan's default
      # would replay the channel's buffered messages to a new subscriber).
      nchan_subscriber_first_message newest;
    }
    location ~ /pub/(\w+)\$ {
      nchan_publisher http;
      nchan_channel_id \$1;
    }
  }
}
CONF
