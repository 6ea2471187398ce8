#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running demo: installs dependencies, builds,
# and starts hubgate in memory (no Redis) with the posts example backend and a demo page.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release

# The page uses the official browser bundle of @microsoft/signalr, served by the gateway.
mkdir -p demo/vendor
cp tests/e2e/node_modules/@microsoft/signalr/dist/browser/signalr.min.js demo/vendor/

# The posts backend answers the hub's methods (HubHandler on :50061) and offers a REST
# endpoint (:8090) that turns a write into pushes through the gateway's Push API (:50051).
build/release/examples/posts/posts-backend --listen=127.0.0.1:50061 \
  --gateway=127.0.0.1:50051 --http_listen=127.0.0.1:8090 &
backend_pid=$!
trap 'kill $backend_pid 2>/dev/null || true' EXIT

cat <<'MSG'

hubgate demo. Open http://localhost:8080/ (in two browser tabs, to see pushes between them):
subscribe to post 42, send comments, and publish the post from a shell:

  curl -X POST http://127.0.0.1:8090/api/posts/42/publish -d '{"title":"Hello from REST"}'

or push directly through the gRPC Push API:

  build/release/cli/hubgate-cli send --hub posts --group post-42 --target PostUpdated \
      --json '{"id":42,"title":"Hello from gRPC"}'

Press Ctrl+C to stop.

MSG
build/release/gateway/hubgate --config=demo/hubgate-demo.yaml
