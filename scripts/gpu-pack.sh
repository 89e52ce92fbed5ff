#!/usr/bin/env bash
# Copies what scripts/gpu-check.sh runs (engine_tests, cli_tests and the backprop CLI, about 12 MB,
# and the shared libraries they need beyond the C and C++ runtimes) from a build made with nvcc
# into one small folder, for a GPU machine that receives at most a few tens of MB (a whole build
# folder is several times that). Then, there:
#   bash scripts/gpu-check.sh build-gpu
# Usage: scripts/gpu-pack.sh [build folder] [output folder]   (defaults: build, build-gpu)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/build-gpu}
for f in tests/engine_tests tests/cli_tests tools/backprop; do
  [[ -x $build/$f ]] || { echo "gpu-pack: $build/$f is missing: build first (scripts/build.sh)" >&2; exit 1; }
done
if "$build/tools/backprop" train --steps 0 --device cuda 2>&1 | grep -q 'has no CUDA backend'; then
  echo "gpu-pack: $build has no CUDA backend (built without nvcc): nothing to check on a GPU" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/tests" "$out/tools" "$out/lib"
cp "$build/tests/engine_tests" "$build/tests/cli_tests" "$out/tests/"
cp "$build/tools/backprop" "$out/tools/"
# The GPU machine's image is not this Debian: the shared libraries the binaries need beyond the C
# and C++ runtimes (libstb.so.0, from Debian's libstb0) go with them, into lib/, which
# gpu-check.sh puts on the library path.
base='^(linux-vdso|ld-linux|libc|libm|libgcc_s|libstdc\+\+|libpthread|libdl|librt)\.so'
for f in "$out"/tests/* "$out"/tools/*; do
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}'
done | sort -u | while read -r name path; do
  [[ $name =~ $base ]] || cp -L "$path" "$out/lib/$name"
done
echo "gpu-pack: $(du -sh "$out" | cut -f1) in $out (with $(ls "$out/lib" | tr '\n' ' '| sed 's/ $//') in lib/)"
