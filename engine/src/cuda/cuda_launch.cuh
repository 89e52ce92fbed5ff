// Launching a kernel struct of kernels/launches.h on the GPU: one templated __global__ function
// runs any of them, with the CUDA built-ins as the context and raw pointers as memory.
#pragma once
#include "cuda/cuda_context.h"
#include "cuda/device_ctx.cuh"

namespace bp::cuda {

/// Memory on the GPU: a pointer is its own handle.
struct RawMemory {
  BP_HOST_DEVICE DevicePointer operator()(const float* p) const { return {const_cast<float*>(p)}; }
};

template <class K>
__global__ void run_kernel(K kernel) {
  DeviceCtx ctx;
  kernel(ctx, RawMemory{});
}

template <class K>
void CudaContext::launch(const char* name, const LaunchShape& s, const K& kernel) {
  run_kernel<K><<<dim3(s.grid_x, s.grid_y), dim3(s.block_x, s.block_y), s.shared_floats * sizeof(float), stream_>>>(kernel);
  launched(name);
}

}  // namespace bp::cuda
