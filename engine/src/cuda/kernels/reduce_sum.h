// Row sums: out[r] = scale · Σ_j in[r, j] for a [rows, cols] strided view, one block per row.
// Each thread sums a strided share of the row, then the block adds the partial sums in a tree in
// shared memory. The order of additions depends only on the block size, never on timing, so
// reruns are bit-identical (no atomics). blockDim.x must be a power of two; shared memory holds
// blockDim.x floats.
#pragma once
#include "kernel_api.h"

namespace bp::cuda {

template <class Ctx, class In, class Out>
BP_HOST_DEVICE void reduce_rows_sum(Ctx& ctx, In in, KernelView iv, Out out, KernelView ov, float scale) {
  const int64_t rows = iv.shape[0], cols = iv.shape[1];
  const int t = ctx.thread_x(), threads = ctx.block_dim_x();
  auto shared = ctx.shared();
  for (int64_t r = ctx.block_x(); r < rows; r += ctx.grid_dim_x()) {
    float acc = 0.0f;
    for (int64_t j = t; j < cols; j += threads) acc += in.load(iv.offset + r * iv.strides[0] + j * iv.strides[1]);
    shared.store(t, acc);
    ctx.sync();
    for (int half = threads / 2; half > 0; half /= 2) {
      if (t < half) shared.store(t, shared.load(t) + shared.load(t + half));
      ctx.sync();
    }
    if (t == 0) out.store(ov.offset + r * ov.strides[0], shared.load(0) * scale);
    ctx.sync();  // the next row reuses shared memory
  }
}

}  // namespace bp::cuda
