// Reductions (sum and max over any set of dimensions of a strided view), deterministic: every
// output's additions happen in an order fixed by the launch shape alone, never by timing, and no
// atomics are used, so reruns are bit-identical on one GPU.
//
// The host splits the input view into `kept` (the dimensions the output keeps, in order, with the
// input's strides) and `reduced` (the dimensions summed away, with the input's strides): output o
// reads in[kept.at(o) + reduced.at(j)] for j over reduced.numel() (reduced.offset is 0). Two
// shapes of work:
// - reduce_blocks: one block per output (block-stride), each thread a strided share of j, then a
//   tree in shared memory. For reduced elements that are adjacent in memory (row sums).
// - reduce_partials + reduce_finish: one thread per (output, chunk of j), writing partial results
//   to a scratch [chunks, outputs], then one thread per output adding its chunks in order. For
//   outputs that are adjacent in memory (column sums such as a bias gradient over a big batch):
//   neighbouring threads read neighbouring addresses.
#pragma once
#include <cmath>

#include "../../backend.h"
#include "kernel_api.h"

namespace bp::cuda {

/// Max that lets NaN win, as the CPU backend's.
BP_HOST_DEVICE inline float nan_max(float a, float b) { return a > b || a != a ? a : b; }

BP_HOST_DEVICE inline float reduce_identity(ReduceOp op) { return op == ReduceOp::Sum ? 0.0f : -INFINITY; }
BP_HOST_DEVICE inline float reduce_combine(ReduceOp op, float acc, float v) { return op == ReduceOp::Sum ? acc + v : nan_max(acc, v); }

/// blockDim.x must be a power of two; shared memory holds blockDim.x floats.
template <class Ctx, class In, class Out>
BP_HOST_DEVICE void reduce_blocks(Ctx& ctx, ReduceOp op, In in, KernelView kept, KernelView reduced, Out out, KernelView ov, float scale) {
  const int64_t outputs = kept.numel(), n = reduced.numel();
  const int t = ctx.thread_x(), threads = ctx.block_dim_x();
  auto shared = ctx.shared();
  for (int64_t o = ctx.block_x(); o < outputs; o += ctx.grid_dim_x()) {
    const int64_t base = kept.at(o);
    float acc = reduce_identity(op);
    for (int64_t j = t; j < n; j += threads) acc = reduce_combine(op, acc, in.load(base + reduced.at(j)));
    shared.store(t, acc);
    ctx.sync();
    for (int half = threads / 2; half > 0; half /= 2) {
      if (t < half) shared.store(t, reduce_combine(op, shared.load(t), shared.load(t + half)));
      ctx.sync();
    }
    if (t == 0) out.store(ov.at(o), shared.load(0) * scale);
    ctx.sync();  // the next output reuses shared memory
  }
}

/// scratch[c·outputs + o] = the reduction of chunk c (j in [c·chunk, (c+1)·chunk)) of output o,
/// for a 2-d grid: x over outputs (grid-stride), y over chunks.
template <class Ctx, class In, class S>
BP_HOST_DEVICE void reduce_partials(Ctx& ctx, ReduceOp op, In in, KernelView kept, KernelView reduced, S scratch, int64_t chunk) {
  const int64_t outputs = kept.numel(), n = reduced.numel();
  const int64_t c = ctx.block_y(), begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
  for (int64_t o = static_cast<int64_t>(ctx.block_x()) * ctx.block_dim_x() + ctx.thread_x(); o < outputs;
       o += static_cast<int64_t>(ctx.grid_dim_x()) * ctx.block_dim_x()) {
    const int64_t base = kept.at(o);
    float acc = reduce_identity(op);
    for (int64_t j = begin; j < end; ++j) acc = reduce_combine(op, acc, in.load(base + reduced.at(j)));
    scratch.store(c * outputs + o, acc);
  }
}

/// out[o] = scale · the reduction of scratch[0..chunks)[o], in chunk order.
template <class Ctx, class S, class Out>
BP_HOST_DEVICE void reduce_finish(Ctx& ctx, ReduceOp op, S scratch, int64_t outputs, int64_t chunks, Out out, KernelView ov, float scale) {
  for (int64_t o = static_cast<int64_t>(ctx.block_x()) * ctx.block_dim_x() + ctx.thread_x(); o < outputs;
       o += static_cast<int64_t>(ctx.grid_dim_x()) * ctx.block_dim_x()) {
    float acc = reduce_identity(op);
    for (int64_t c = 0; c < chunks; ++c) acc = reduce_combine(op, acc, scratch.load(c * outputs + o));
    out.store(ov.at(o), acc * scale);
  }
}

/// out[o] = the index of the first largest value along an axis (the first NaN wins), stored as a
/// float; `rest` views the input without the axis, whose length and stride are given.
template <class Ctx, class In, class Out>
BP_HOST_DEVICE void argmax_map(Ctx& ctx, In in, KernelView rest, int64_t len, int64_t axis_stride, Out out, KernelView ov) {
  const int64_t outputs = rest.numel();
  for (int64_t o = static_cast<int64_t>(ctx.block_x()) * ctx.block_dim_x() + ctx.thread_x(); o < outputs;
       o += static_cast<int64_t>(ctx.grid_dim_x()) * ctx.block_dim_x()) {
    const int64_t base = rest.at(o);
    int64_t best = 0;
    float bv = 0.0f;
    for (int64_t j = 0; j < len; ++j) {
      const float v = in.load(base + j * axis_stride);
      if (j == 0 || v > bv || (v != v && bv == bv)) {
        bv = v;
        best = j;
      }
    }
    out.store(ov.at(o), static_cast<float>(best));
  }
}

}  // namespace bp::cuda
