#!/usr/bin/env bash
# Configures and builds Backprop Studio into build/ (Release). Usage: scripts/build.sh [cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Quiet configure, except its one line on the CUDA backend ("on (nvcc X, architectures Y)" or
# "off (why, and how to turn it on)"). The build log shows ptxas's report for every kernel.
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release "$@" | { grep "CUDA backend:" || true; }
cmake --build "$root/build" -j"$(nproc)"
