#!/usr/bin/env bash
# Configures and builds the CLI with nvcc hidden (PATH without /usr/local), as on a user's machine
# with no CUDA toolkit, in build-nocuda/: the configure line must say the CUDA backend is off and
# why, and `backprop train --device auto` must train on the CPU and say so.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-nocuda"
hidden_path=/usr/sbin:/usr/bin:/sbin:/bin
line=$(env PATH=$hidden_path cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBACKPROP_BUILD_GUI=OFF \
         -DBACKPROP_BUILD_TESTS=OFF | grep "CUDA backend:")
echo "$line"
[[ $line == *"CUDA backend: off (no CUDA compiler (nvcc) was found"* ]] || { echo "nvcc hidden, yet: $line" >&2; exit 1; }
env PATH=$hidden_path cmake --build "$build" -j"$(nproc)" --target backprop >/dev/null
err=$("$build/tools/backprop" train --steps 20 --device auto 2>&1 >/dev/null)
[[ $err == *"auto: the CPU, as this build has no CUDA backend (built without nvcc)"* ]] || { echo "unexpected: $err" >&2; exit 1; }
echo "without nvcc: $err"
