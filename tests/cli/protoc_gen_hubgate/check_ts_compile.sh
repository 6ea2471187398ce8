#!/usr/bin/env bash
# Type checks of the generated TypeScript with `tsc --noEmit --strict`: the generated file with
# each correct_*.ts must type-check, and each misuse_*.ts must fail with the error code its first
# line names: "// expect-error: TS2345".
# Usage: check_ts_compile.sh TS_DIR GENERATED_TS CHECK_DIR  (TS_DIR holds the npm packages)
set -uo pipefail
ts_dir="$1" generated="$2" check_dir="$3"
tsc="$ts_dir/node_modules/.bin/tsc"
if [[ ! -x "$tsc" ]]; then
  echo "FAIL: $tsc is missing; run scripts/install-deps.sh (npm ci in $ts_dir)"; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$generated" "$work/"
check() {  # check FILE: tsc on the generated file plus FILE
  cp "$1" "$work/check.ts"
  cat >"$work/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "ES2020", "module": "ES2020",
    "moduleResolution": "node", "lib": ["ES2020", "DOM"], "skipLibCheck": true,
    "baseUrl": ".",
    "paths": {
      "@microsoft/signalr": ["$ts_dir/node_modules/@microsoft/signalr"],
      "@microsoft/signalr-protocol-msgpack": ["$ts_dir/node_modules/@microsoft/signalr-protocol-msgpack"]
    }
  },
  "files": ["$(basename "$generated")", "check.ts"]
}
JSON
  "$tsc" -p "$work" 2>&1
}
failures=0
count=0
for file in "$check_dir"/correct_*.ts; do
  count=$((count + 1))
  if output=$(check "$file"); then
    echo "ok   $(basename "$file") type-checks"
  else
    echo "FAIL $(basename "$file"):"; echo "$output" | head -20; failures=$((failures + 1))
  fi
done
for file in "$check_dir"/misuse_*.ts; do
  count=$((count + 1))
  expected=$(sed -n '1s|^// expect-error: ||p' "$file")
  if output=$(check "$file"); then
    echo "FAIL $(basename "$file") type-checks but must not"; failures=$((failures + 1))
  elif [[ -z "$expected" ]] || ! grep -q -- "check.ts.*error $expected" <<<"$output"; then
    echo "FAIL $(basename "$file"): expected $expected in check.ts, got:"; echo "$output" | head
    failures=$((failures + 1))
  else
    echo "ok   $(basename "$file") is refused: $expected"
  fi
done
echo "$((count - failures)) of $count TypeScript checks as expected"
((failures == 0 && count > 0))
