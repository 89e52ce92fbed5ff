// The CUDA backend's host logic (engine/src/cuda/kernel_backend.h) over the SIMT emulator
// instead of a GPU: "device" memory is host memory the backend tracks per allocation (fresh
// memory reads as NaN, as unwritten GPU memory is garbage), and every launch runs its kernel
// body on the CPU with memory handles bounded by the allocation each pointer falls in. Any
// problem the emulator finds (an index out of range, a race, a divergent barrier) throws. There
// is no cuBLAS here: matrix products take the backend's own kernels (the register-tiled one, or
// the teaching kernel when BACKPROP_CUDA_GEMM=tiled or cuda_options() says so).
#pragma once
#include <string>

#include "backend.h"

namespace bp::testing {

/// The emulated CUDA backend (one per process). Its device() is cuda:0.
Backend& emulated_cuda_backend();

/// Whether this process may run the emulated-CUDA test cases: they play hundreds of host
/// threads per launch, so ctest runs them all alone in one entry, EmulatedCuda.AllSuites
/// (RUN_SERIAL, with BACKPROP_EMULATED_CUDA=1), away from the app's timing-sensitive end-to-end
/// tests. Elsewhere they skip with `why` set.
bool emulated_cuda_allowed(std::string* why);

/// How many kernels it has launched so far.
long emulated_cuda_launches();

}  // namespace bp::testing
