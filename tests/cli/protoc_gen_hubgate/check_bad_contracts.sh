#!/usr/bin/env bash
# Every contract in BAD_DIR must make protoc-gen-hubgate fail with the message its first line
# names: "// expect: <text>" (a fixed string, which includes the file and element).
# Usage: check_bad_contracts.sh PROTOC PLUGIN PROTO_DIR BAD_DIR
set -uo pipefail
protoc="$1" plugin="$2" proto_dir="$3" bad_dir="$4"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
count=0
for contract in "$bad_dir"/*.proto; do
  count=$((count + 1))
  name=$(basename "$contract")
  expected=$(sed -n '1s|^// expect: ||p' "$contract")
  if [[ -z "$expected" ]]; then
    echo "FAIL $name: first line must be '// expect: <message>'"; failures=$((failures + 1))
    continue
  fi
  if output=$("$protoc" -I "$proto_dir" -I "$bad_dir" --plugin=protoc-gen-hubgate="$plugin" \
                --hubgate_out="$out" "$name" 2>&1); then
    echo "FAIL $name: protoc succeeded"; failures=$((failures + 1))
  elif ! grep -qF -- "$expected" <<<"$output"; then
    echo "FAIL $name: expected '$expected', got: $output"; failures=$((failures + 1))
  else
    echo "ok   $name: $expected"
  fi
done
echo "$((count - failures)) of $count bad contracts refused as expected"
((failures == 0 && count > 0))
