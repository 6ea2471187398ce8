#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running gateway with a demo page:
# installs dependencies, builds, and starts hubgate in memory (no Redis) on port 8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release

# The page uses the official browser bundle of @microsoft/signalr, served by the gateway.
mkdir -p demo/vendor
cp tests/e2e/node_modules/@microsoft/signalr/dist/browser/signalr.min.js demo/vendor/

HTTP_PORT="${HUBGATE_DEMO_HTTP_PORT:-8080}"
GRPC_PORT="${HUBGATE_DEMO_GRPC_PORT:-50051}"
cat <<MSG

hubgate is starting. Open http://localhost:${HTTP_PORT}/ and join group "post-42" on the page,
then push to it from another terminal:

  build/release/cli/hubgate-cli send --server 127.0.0.1:${GRPC_PORT} --hub posts \\
      --group post-42 --target PostUpdated --json '{"id":42,"title":"Hello from gRPC"}'

  build/release/cli/hubgate-cli send --server 127.0.0.1:${GRPC_PORT} --hub posts --all \\
      --target PostPublished --json '{"id":7}'

Press Ctrl+C to stop.

MSG
exec build/release/gateway/hubgate --http_listen="0.0.0.0:${HTTP_PORT}" \
  --grpc_listen="0.0.0.0:${GRPC_PORT}" --static_dir=demo
