#!/usr/bin/env bash
# A bounded fuzzing campaign with clang's libFuzzer, ASan and UBSan, over the five targets in
# tests/fuzz/. Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Builds into build-fuzz/, starts from the checked-in corpus (read-only) plus a work corpus in
# build-fuzz/corpus/, and prints executions and findings per target. Crashing inputs are saved
# as build-fuzz/findings/<target>/crash-*; add them to tests/fuzz/corpus/<target>/ once fixed.
# Exits 1 if any target found a crash. Needs clang and libclang-rt-14-dev (scripts/setup.sh --fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv model session cli layout)
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is not installed (scripts/setup.sh --fuzz installs it)" >&2
  exit 1
fi
build="$root/build-fuzz"
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBACKPROP_CUDA=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DBACKPROP_FUZZ=ON -DBACKPROP_NATIVE=OFF -DCMAKE_CXX_FLAGS="$san -Wno-psabi" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
mkdir -p "$build"
if ! cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >"$build/build.log" 2>&1; then
  tail -30 "$build/build.log" >&2
  exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
printf '%-8s %12s %10s %s\n' target executions corpus findings
for t in "${targets[@]}"; do
  work="$build/corpus/$t" findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/fuzz_$t.log"
  set +e
  (cd "$findings" && "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -max_len=65536 \
    -close_fd_mask=3 -print_final_stats=1 "$work" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1)
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  found=$(find "$findings" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-8s %12s %10s %s\n' "$t" "$execs" "$(find "$work" -type f | wc -l)" "$found (log: $log)"
  if ((rc != 0 || found > 0)); then status=1; fi
done
exit $status
