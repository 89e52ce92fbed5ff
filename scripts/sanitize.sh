#!/usr/bin/env bash
# Builds and runs the test suite under the sanitizers. Usage: scripts/sanitize.sh [asan|tsan|all|app]
#   asan: the whole suite (engine, CLI, app model, fuzz corpus, the app under Xvfb) built with
#         AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer, in build-asan/.
#   tsan: the app model and its training worker (app_model_tests) and the engine tests built with
#         ThreadSanitizer, in build-tsan/.
#   app:  only builds the app with asan's sanitizers, in build-asan/ (for scripts/monkey.sh).
# Third-party findings are suppressed by the files in tests/sanitizers/, each with its reason.
# Both build without the CUDA backend (BACKPROP_CUDA=OFF): nvcc's objects would not be
# instrumented, and without a GPU the backend's host code only probes and says why.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
supp="$root/tests/sanitizers"
jobs=$(nproc)

configure_asan() {
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
  cmake -S "$root" -B "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBACKPROP_CUDA=OFF -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
}

if [[ $what == app ]]; then
  configure_asan
  cmake --build "$root/build-asan" -j"$jobs" --target backprop-studio
fi

if [[ $what == asan || $what == all ]]; then
  configure_asan
  cmake --build "$root/build-asan" -j"$jobs"
  asan="abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
  # Everything with leak checking, except the real app under Xvfb (Studio.* and the parameterised
  # Sizes/StudioRoom.*): Mesa's driver is unloaded at exit, so its allocations cannot be
  # attributed or suppressed (tests/sanitizers/README.md).
  # Of the emulated-CUDA cases (EmulatedCuda.AllSuites: a kernel launch plays hundreds of host
  # threads), the conformance suite runs here; the gradient checks and training, slower, are left
  # to the plain run.
  (cd "$root/build-asan" && ASAN_OPTIONS="detect_leaks=1:$asan" ctest --output-on-failure -j"$jobs" --timeout 600 \
    -E '^(Sizes/)?Studio(Room)?\.|^EmulatedCuda\.')
  (cd "$root/build-asan" && ASAN_OPTIONS="detect_leaks=1:$asan" BACKPROP_EMULATED_CUDA=1 ./tests/engine_tests --gtest_brief=1 \
    --gtest_filter='Devices/BackendOps.*/emulated_cuda*')
  (cd "$root/build-asan" && ASAN_OPTIONS="detect_leaks=0:$asan" ctest --output-on-failure -j"$jobs" --timeout 600 -R '^(Sizes/)?Studio(Room)?\.')
fi

if [[ $what == tsan || $what == all ]]; then
  cmake -S "$root" -B "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBACKPROP_CUDA=OFF -DCMAKE_CXX_FLAGS="-fsanitize=thread -g -O1" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DBACKPROP_BUILD_GUI=ON >/dev/null
  cmake --build "$root/build-tsan" -j"$jobs" --target app_model_tests engine_tests
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
  "$root/build-tsan/tests/app_model_tests" --gtest_brief=1
  # The conformance suite on the emulated CUDA backend is left to the ASan run: its host logic is
  # single-threaded, and the emulator's own threads are covered here by the SimtKernels tests.
  "$root/build-tsan/tests/engine_tests" --gtest_brief=1 --gtest_filter='-*emulated_cuda*'
fi
