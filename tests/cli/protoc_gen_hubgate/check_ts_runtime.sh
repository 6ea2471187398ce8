#!/usr/bin/env bash
# Compiles the generated TypeScript with tsc and runs ts_runtime/wrapper.test.mjs (node:test)
# against it with a fake HubConnection.
# Usage: check_ts_runtime.sh TS_DIR GENERATED_TS TEST_FILE  (TS_DIR holds the npm packages)
set -euo pipefail
ts_dir="$1" generated="$2" test_file="$3"
tsc="$ts_dir/node_modules/.bin/tsc"
if [[ ! -x "$tsc" ]]; then
  echo "FAIL: $tsc is missing; run scripts/install-deps.sh (npm ci in $ts_dir)"; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$generated" "$work/"
cat >"$work/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "strict": true, "target": "ES2020", "module": "commonjs", "lib": ["ES2020", "DOM"],
    "skipLibCheck": true, "outDir": "js", "baseUrl": ".",
    "paths": { "@microsoft/signalr": ["$ts_dir/node_modules/@microsoft/signalr"] }
  },
  "files": ["$(basename "$generated")"]
}
JSON
"$tsc" -p "$work"
HUBGATE_GENERATED_JS="$work/js/$(basename "$generated" .ts).js" node --test "$test_file"
