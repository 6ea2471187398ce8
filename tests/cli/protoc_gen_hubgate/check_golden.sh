#!/usr/bin/env bash
# Generates code for every contract in CONTRACT_DIR and compares it with GOLDEN_DIR.
# Usage: check_golden.sh PROTOC PLUGIN PROTO_DIR CONTRACT_DIR GOLDEN_DIR
# With UPDATE_GOLDEN=1 the golden files are rewritten instead (review the diff before
# committing it).
set -euo pipefail
protoc="$1" plugin="$2" proto_dir="$3" contract_dir="$4" golden_dir="$5"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for contract in "$contract_dir"/*.proto; do
  "$protoc" -I "$proto_dir" -I "$contract_dir" --plugin=protoc-gen-hubgate="$plugin" \
    --hubgate_out="$out" "$(basename "$contract")"
done
if [[ "${UPDATE_GOLDEN:-0}" == 1 ]]; then
  rm -f "$golden_dir"/*.hubgate.*
  cp "$out"/* "$golden_dir"/
  echo "golden files updated in $golden_dir"
  exit 0
fi
if ! diff -ru "$golden_dir" "$out"; then
  echo "FAIL: generated code differs from $golden_dir (UPDATE_GOLDEN=1 rewrites it)" >&2
  exit 1
fi
echo "golden files match: $(ls "$out" | wc -l) files"
