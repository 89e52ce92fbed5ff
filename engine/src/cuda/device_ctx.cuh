// The kernel-body vocabulary of kernels/kernel_api.h on a real GPU: thread coordinates from the
// CUDA built-ins, __syncthreads, dynamic shared memory as a raw pointer.
#pragma once
#include "kernels/kernel_api.h"

namespace bp::cuda {

extern __shared__ float g_dynamic_shared[];

struct DeviceCtx {
  __device__ int thread_x() const { return threadIdx.x; }
  __device__ int thread_y() const { return threadIdx.y; }
  __device__ int block_x() const { return blockIdx.x; }
  __device__ int block_y() const { return blockIdx.y; }
  __device__ int block_dim_x() const { return blockDim.x; }
  __device__ int block_dim_y() const { return blockDim.y; }
  __device__ int grid_dim_x() const { return gridDim.x; }
  __device__ int grid_dim_y() const { return gridDim.y; }
  __device__ void sync() const { __syncthreads(); }
  __device__ DevicePointer shared() const { return {g_dynamic_shared}; }
};

}  // namespace bp::cuda
