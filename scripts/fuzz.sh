#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan) and runs each for a while.
# Usage: scripts/fuzz.sh [seconds per target, default 30] [target...]
# Each target starts from its checked-in seed corpus (tests/fuzz/corpus/<target>/, copied to
# build/fuzz/corpus/<target>/, where new inputs accumulate between runs) with its dictionary
# (tests/fuzz/dict/). Two targets run at a time. A crash leaves its input in
# build/fuzz/artifacts/ and fails the run; the summary gives executions/s and coverage per target.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
scripts/build.sh fuzz >build/fuzz-build.log 2>&1 || { tail -30 build/fuzz-build.log; exit 1; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in tests/fuzz/*_fuzzer.cc; do
    targets+=("$(basename "$source" .cc)")
  done
fi
dictionary_for() {
  case "$1" in
    json_*|text_record_reader_fuzzer|handshake_fuzzer) echo tests/fuzz/dict/json.dict ;;
    *) [[ -f "tests/fuzz/dict/$1.dict" ]] && echo "tests/fuzz/dict/$1.dict" ;;
  esac
}
run_one() {
  local target="$1" corpus="build/fuzz/corpus/$1" log="build/fuzz/logs/$1.log" dict
  mkdir -p "$corpus" build/fuzz/logs build/fuzz/artifacts
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  dict=$(dictionary_for "$target")
  # -rss_limit_mb bounds memory as the gateway's own limits would; -timeout flags a hang.
  "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$target-" \
    ${dict:+-dict="$dict"} "$corpus" >"$log" 2>&1
}
export -f run_one dictionary_for
export seconds
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}'

failed=0
crash_reports=()
printf '%-36s %10s %8s %8s %s\n' target execs/s cov ft result
for target in "${targets[@]}"; do
  log="build/fuzz/logs/$target.log"
  execs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" | tail -1)
  cov=$(grep -oP '#[0-9]+\s+\w+\s+cov: \K[0-9]+' "$log" | tail -1)
  ft=$(grep -oP '#[0-9]+\s+\w+\s+cov: [0-9]+ ft: \K[0-9]+' "$log" | tail -1)
  result=ok
  if grep -qE '^==[0-9]+==ERROR|runtime error:|invariant broken|ERROR: libFuzzer' "$log"; then
    result="CRASH (see $log)"
    failed=$((failed + 1))
    crash_reports+=("$log")
  fi
  printf '%-36s %10s %8s %8s %s\n' "$target" "$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))" \
    "${cov:-?}" "${ft:-?}" "$result"
done
for log in "${crash_reports[@]}"; do
  # CI keeps only what is printed: show the finding and the input that caused it.
  echo "== $log"
  grep -m1 -nE '^==[0-9]+==ERROR|runtime error:|invariant broken|ERROR: libFuzzer' "$log" | head -3
  grep -E -A12 '^==[0-9]+==ERROR|invariant broken' "$log" | head -30
  grep -E '^(artifact_prefix|Base64|0x)' "$log" | tail -3
done
echo "fuzz: ${#targets[@]} targets, $failed failed"
((failed == 0))
