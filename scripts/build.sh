#!/usr/bin/env bash
# Configures and builds Backprop Studio into build/ (Release). Usage: scripts/build.sh [cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$root/build" -j"$(nproc)"
