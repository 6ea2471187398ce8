#!/usr/bin/env bash
# Compile checks of the generated C++ API: correct_*.cc must compile, and every misuse_*.cc must
# fail with the error its first line names: "// expect-error: <extended regex>".
# Usage: check_cpp_compile.sh CXX CHECK_DIR INCLUDE_FLAGS...
set -uo pipefail
cxx="$1" check_dir="$2"
shift 2
compile() { "$cxx" -std=c++20 -fsyntax-only "$@" 2>&1; }
failures=0
count=0
for file in "$check_dir"/correct_*.cc; do
  count=$((count + 1))
  if output=$(compile "$@" "$file"); then
    echo "ok   $(basename "$file") compiles"
  else
    echo "FAIL $(basename "$file") does not compile:"; echo "$output" | head -30
    failures=$((failures + 1))
  fi
done
for file in "$check_dir"/misuse_*.cc; do
  count=$((count + 1))
  expected=$(sed -n '1s|^// expect-error: ||p' "$file")
  if output=$(compile "$@" "$file"); then
    echo "FAIL $(basename "$file") compiles but must not"; failures=$((failures + 1))
  elif [[ -z "$expected" ]] || ! grep -qE -- "$expected" <<<"$output"; then
    echo "FAIL $(basename "$file"): expected /$expected/, got:"; echo "$output" | head -20
    failures=$((failures + 1))
  else
    echo "ok   $(basename "$file") is refused: /$expected/"
  fi
done
echo "$((count - failures)) of $count compile checks as expected"
((failures == 0 && count > 0))
