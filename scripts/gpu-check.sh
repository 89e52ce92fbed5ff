#!/usr/bin/env bash
# The GPU half of the CUDA backend's checks, for a machine with an NVIDIA GPU, run from a build
# made beforehand (scripts/build.sh on a machine with nvcc; copy or carry build/). Under 5
# minutes on an H200. Prints one summary at the end; exit status 1 if any check failed.
#   1. the backend_ops conformance suite, the gradient checks, the training suites (100-step
#      trajectory against the CPU, bit-identical reruns) and the CLI's device tests, on cuda:0;
#   2. compute-sanitizer memcheck, racecheck, initcheck and synccheck over the conformance suite;
#   3. W4 (FP32 and TF32, and each matrix-multiply kernel's TFLOP/s) beside PyTorch's W4.
# Usage: scripts/gpu-check.sh [build folder]   (default: build; or the folder scripts/gpu-pack.sh
# makes, small enough to send to a GPU machine)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
tests="$build/tests/engine_tests"
cli="$build/tools/backprop"
export BACKPROP_CLI=$cli  # cli_tests run this one, wherever the build was made
# Shared libraries scripts/gpu-pack.sh brought along (the GPU machine's image is not Debian's).
[[ -d $build/lib ]] && export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# cuBLAS is loaded at run time: the toolkit's, or the one PyTorch's wheels ship (nvidia/...).
wheels=$(python3 -c 'import nvidia; print(" ".join(nvidia.__path__))' 2>/dev/null)
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
         $( ((${#wheels})) && find $wheels -name libcublas.so.13 -printf '%h\n' 2>/dev/null); do
  [[ -e $d/libcublas.so.13 ]] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" && break
done
summary=()
status=0
# With the device tool, $OUT comes back even when the run is cut short: the log and the summary
# so far are written there as they come.
log=${OUT:+$OUT/gpu-check.log}
[[ -n $log ]] && exec > >(tee -a "$log") 2>&1
note() { summary+=("$1"); [[ -z ${OUT:-} ]] || echo "$1" >>"$OUT/summary.txt"; }
check() {  # [limit=SECONDS] check NAME COMMAND...: runs it (60 s at most unless told), keeps its last lines, records the result
  local name=$1; shift
  local t0=$SECONDS out
  out=$(timeout "${limit:-60}" "$@" 2>&1); local rc=$?
  echo "== $name (rc $rc, $((SECONDS - t0)) s)"; echo "$out" | tail -n 15
  if ((rc == 0)); then note "PASS  $name ($((SECONDS - t0)) s)"
  elif ((rc == 124)); then note "FAIL  $name (not done in ${limit:-60} s)"; status=1
  else note "FAIL  $name (rc $rc)"; status=1; fi
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
if ! probe=$("$cli" train --steps 0 -v --device cuda 2>&1); then
  echo "gpu-check: no usable GPU here: ${probe##*unavailable: }" >&2
  exit 1
fi
echo "$probe" | grep '^device:'

gpu_filter='*cuda*:*Cuda*:-*Cli*'
limit=150 check "engine tests on cuda:0 (conformance, gradcheck, training)" "$tests" --gtest_brief=1 --gtest_filter="$gpu_filter"
for kernel in register tiled; do
  check "conformance and gradcheck with the $kernel GEMM" env BACKPROP_CUDA_GEMM=$kernel "$tests" --gtest_brief=1 \
    --gtest_filter='Devices/BackendOps.*/cuda:Devices/GradCheck.*/cuda'
done
check "CLI device tests" "$build/tests/cli_tests" --gtest_brief=1 --gtest_filter='*Device*:*Cuda*:*Bench*'
if command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck initcheck synccheck; do
    limit=45 check "compute-sanitizer $tool" compute-sanitizer --tool "$tool" --error-exitcode 1 "$tests" --gtest_brief=1 \
      --gtest_filter='Devices/BackendOps.*/cuda'
  done
else
  note "SKIP  compute-sanitizer (not installed)"
fi
echo "== W4"
timeout 90 "$cli" bench --device cuda --tf32 --seconds 1 --repeats 5 W4 2>&1 | tee /tmp/w4.txt
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  timeout 60 python3 "$root/tools/dev/pytorch_w4.py" 1 2>&1 | tee /tmp/w4-torch.txt
else
  echo "PyTorch with CUDA not available: no side-by-side W4" | tee /tmp/w4-torch.txt
fi
echo
echo "==== summary"
printf '%s\n' "${summary[@]}"
grep -E '^W4' /tmp/w4.txt
grep -E 'pytorch' /tmp/w4-torch.txt
exit $status
