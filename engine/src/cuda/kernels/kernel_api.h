// The vocabulary CUDA kernel bodies are written in, so that each body is written once and runs
// both on a GPU (compiled by nvcc) and on the CPU under the SIMT emulator of the tests
// (tests/engine/simt_emulator.h), which checks it without a GPU.
//
// A body is a function template over a context `Ctx` and memory handles:
// - ctx.thread_x()/thread_y(), ctx.block_x()/block_y(), ctx.block_dim_x()/block_dim_y(),
//   ctx.grid_dim_x()/grid_dim_y(): the CUDA thread coordinates;
// - ctx.sync(): __syncthreads();
// - ctx.shared(): the block's dynamic shared memory, as a handle with load(i) and store(i, v);
// - global memory handles (kernel arguments) with load(i) and store(i, v).
// On the GPU these are raw pointers behind trivial inline functions; in the emulator they are
// checked accessors that report out-of-range indices, reads of unwritten shared memory and
// unsynchronised accesses by two threads.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define BP_HOST_DEVICE __host__ __device__
#define BP_UNROLL _Pragma("unroll")
#else
#define BP_HOST_DEVICE
#define BP_UNROLL
#endif

namespace bp::cuda {

/// The largest rank of a tensor (as kMaxDims in shape.h).
constexpr int kKernelMaxDims = 6;

/// A strided view as kernels see it: plain arrays, usable in device code (Shape is host-only).
struct KernelView {
  int64_t offset = 0;  ///< element offset of element zero in its buffer
  int rank = 0;
  bool contiguous = false;  ///< row-major without gaps: element i is at offset + i
  int64_t shape[kKernelMaxDims] = {};
  int64_t strides[kKernelMaxDims] = {};

  /// Appends a dimension (host side, while building a view).
  void push(int64_t size, int64_t stride) {
    shape[rank] = size;
    strides[rank] = stride;
    ++rank;
  }

  // The loops run over every possible dimension with constant indices (unrolled on the GPU):
  // indexing the arrays with a runtime rank would put them in local memory, which the build
  // refuses (ptxas -warn-lmem-usage).
  BP_HOST_DEVICE int64_t numel() const {
    int64_t n = 1;
    BP_UNROLL
    for (int d = 0; d < kKernelMaxDims; ++d)
      if (d < rank) n *= shape[d];
    return n;
  }
  /// The buffer offset of element `linear` in row-major order over shape.
  BP_HOST_DEVICE int64_t at(int64_t linear) const {
    if (contiguous) return offset + linear;  // no divisions: most tensors are contiguous
    int64_t off = offset;
    BP_UNROLL
    for (int d = kKernelMaxDims - 1; d >= 0; --d)
      if (d < rank) {
        off += (linear % shape[d]) * strides[d];
        linear /= shape[d];
      }
    return off;
  }
};

/// Global memory on the GPU: a raw pointer.
struct DevicePointer {
  float* p;
  BP_HOST_DEVICE float load(int64_t i) const { return p[i]; }
  BP_HOST_DEVICE void store(int64_t i, float v) const { p[i] = v; }
};

}  // namespace bp::cuda
