#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release), optionally only some targets.
# Usage: scripts/build.sh [preset [target...]]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
# ccache keys must not depend on the checkout's path (CI clones elsewhere).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [[ ! -f "build/$preset/build.ninja" ]]; then
  cmake --preset "$preset" >/dev/null
fi
targets=()
if (($# > 0)); then targets=(--target "$@"); fi
cmake --build --preset "$preset" -j"$(nproc)" "${targets[@]}"
