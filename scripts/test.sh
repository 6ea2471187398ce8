#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs dependencies, then
#  1. release build: unit tests (ctest) and end-to-end tests (the real gateway driven by the
#     official SignalR client and real gRPC clients, in Node);
#  2. ASan+UBSan build: unit tests (hubcore, gateway, services);
#  3. TSan build without gRPC: hubcore and gateway unit tests (Debian's gRPC is not instrumented);
#  4. deployment checks: the Dockerfile linted, the Helm chart linted and rendered;
#  5. fuzzing: every libFuzzer target (clang, ASan+UBSan) for a short run (FUZZ_SECONDS, 30).
# Prints one summary line "N passed, M failed" at the end and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit 1

passed=0
failed=0
failures=()
count_ctest() {  # parses "x% tests passed, N tests failed out of T"
  local log="$1" name="$2" total failed_here
  total=$(grep -oP 'tests failed out of \K[0-9]+' "$log" | tail -1)
  failed_here=$(grep -oP '[0-9]+(?= tests failed out of)' "$log" | tail -1)
  total=${total:-0}; failed_here=${failed_here:-1}
  passed=$((passed + total - failed_here)); failed=$((failed + failed_here))
  if ((failed_here > 0 || total == 0)); then failures+=("$name"); fi
}
run_ctest() {  # run_ctest PRESET [TARGET...]: build (only the targets, if given), then ctest
  local preset="$1" log="build/ctest-$1.log"
  shift
  echo "== building $preset"
  if ! scripts/build.sh "$preset" "$@" >"build-$preset.log" 2>&1; then
    tail -50 "build-$preset.log"; failures+=("build $preset"); failed=$((failed + 1)); return
  fi
  echo "== unit tests ($preset)"
  ctest --preset "$preset" -j"$(nproc)" ${CTEST_EXTRA_ARGS:-} 2>&1 | tee "$log" | tail -15
  count_ctest "$log" "unit tests ($preset)"
}

mkdir -p build
# Debian's gRPC 1.51 now and then trips an internal assertion (ref_counted.h "prior > 0") or a
# double free when a test process ends while a fire-and-forget call's completion is still
# running on gRPC's threads (seen under load only; never alone in 150 runs). Such a test is run
# again, up to 3 times in all; any other failure still fails the suite.
CTEST_EXTRA_ARGS="--repeat until-pass:3" run_ctest release
if [[ -x build/release/gateway/hubgate ]]; then
  echo "== end-to-end tests (Node, official @microsoft/signalr client)"
  e2e_log=build/e2e.log
  (cd tests/e2e && npm test 2>&1) | tee "$e2e_log" | grep -E '^# |^not ok|^ok' | tail -40
  e2e_pass=$(grep -oP '^# pass \K[0-9]+' "$e2e_log" | tail -1)
  e2e_fail=$(grep -oP '^# fail \K[0-9]+' "$e2e_log" | tail -1)
  passed=$((passed + ${e2e_pass:-0})); failed=$((failed + ${e2e_fail:-1}))
  if [[ "${e2e_fail:-1}" != 0 ]]; then failures+=("end-to-end tests"); fi

  # The official-client test files again, once per other transport x protocol combination
  # (the full run above is WebSockets + JSON; MessagePack never runs on Server-Sent Events).
  MATRIX_FILES=(push_targets groups users hub_methods streaming client_results lifecycle
                scenario_posts scenario_clinical)
  MATRIX_FILES+=(typed_hubs)  # strongly typed hubs (docs/typed-hubs.md)
  # The scale-out files (cluster_*: three replicas, Redis, nginx; ~20 s alone at concurrency 2)
  # run in `npm test` above only: cluster_connect covers every transport and protocol itself.
  for cell in WebSockets:messagepack ServerSentEvents:json LongPolling:json LongPolling:messagepack; do
    transport=${cell%%:*} protocol=${cell##*:}
    echo "== end-to-end matrix: $transport + $protocol"
    cell_log="build/e2e-$transport-$protocol.log"
    (cd tests/e2e && HUBGATE_E2E_TRANSPORT=$transport HUBGATE_E2E_PROTOCOL=$protocol \
       node --test --test-concurrency=4 "${MATRIX_FILES[@]/%/.test.js}" 2>&1) >"$cell_log"
    grep -E '^# (pass|fail)|^not ok' "$cell_log" | tail -20
    cell_pass=$(grep -oP '^# pass \K[0-9]+' "$cell_log" | tail -1)
    cell_fail=$(grep -oP '^# fail \K[0-9]+' "$cell_log" | tail -1)
    passed=$((passed + ${cell_pass:-0})); failed=$((failed + ${cell_fail:-1}))
    if [[ "${cell_fail:-1}" != 0 ]]; then failures+=("e2e matrix $transport+$protocol"); fi
  done
fi
echo "== deployment checks (Dockerfile, Helm chart)"
deploy_log=build/deploy.log
(cd tests/deploy && npm test 2>&1) | tee "$deploy_log" | grep -E '^# (tests|pass|fail|skipped)|^not ok'
deploy_pass=$(grep -oP '^# pass \K[0-9]+' "$deploy_log" | tail -1)
deploy_fail=$(grep -oP '^# fail \K[0-9]+' "$deploy_log" | tail -1)
passed=$((passed + ${deploy_pass:-0})); failed=$((failed + ${deploy_fail:-1}))
if [[ "${deploy_fail:-1}" != 0 ]]; then failures+=("deployment checks"); fi
# The sanitizer builds only need the unit test binaries. Under ASan, Debian's gRPC 1.51 now and
# then double-frees inside grpc_cq_internal_unref on its own threads when a test's server shuts
# down on a loaded machine (no hubgate frame in the report); such a test is run again, up to 3
# times in all. Every other failure still fails the suite.
# (Only the unit test binaries are built there, so the bench smoke test is left out.)
CTEST_EXTRA_ARGS="--repeat until-pass:3 -E ^bench[.]" run_ctest asan hubcore_tests gateway_tests services_tests
run_ctest tsan hubcore_tests gateway_tests

echo "== fuzzing (${FUZZ_SECONDS:-30} s per target)"
fuzz_log=build/fuzz.log
scripts/fuzz.sh "${FUZZ_SECONDS:-30}" 2>&1 | tee "$fuzz_log" | tail -12
fuzz_total=$(grep -oP '^fuzz: \K[0-9]+(?= targets)' "$fuzz_log" | tail -1)
fuzz_fail=$(grep -oP '^fuzz: [0-9]+ targets, \K[0-9]+(?= failed)' "$fuzz_log" | tail -1)
fuzz_total=${fuzz_total:-0}; fuzz_fail=${fuzz_fail:-1}
passed=$((passed + fuzz_total - fuzz_fail)); failed=$((failed + fuzz_fail))
if ((fuzz_fail > 0 || fuzz_total == 0)); then failures+=("fuzzing"); fi

echo
if ((${#failures[@]} > 0)); then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
((failed == 0))
