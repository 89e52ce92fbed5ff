// The teaching matrix multiply (MiniTorch Module 3): C = A·B (+ C when accumulate) for
// A [m, k], B [k, n] and C [m, n], any strides. Each block computes a TILE×TILE tile of C with
// TILE×TILE threads; the k dimension is walked one tile at a time:
//   1. every thread copies one element of A's tile and one of B's into shared memory (zero past
//      the matrix edges, so sizes need not be tile multiples);
//   2. barrier: the tiles are complete before anyone reads them;
//   3. every thread adds its row of A's tile times its column of B's tile;
//   4. barrier: nobody overwrites the tiles while others still read them.
// Shared memory holds 2·TILE² floats: A's tile, then B's.
#pragma once
#include "kernel_api.h"

namespace bp::cuda {

template <int TILE, class Ctx, class A, class B, class C>
BP_HOST_DEVICE void tiled_matmul(Ctx& ctx, A a, KernelView av, B b, KernelView bv, C c, KernelView cv, bool accumulate) {
  const int64_t m = cv.shape[0], n = cv.shape[1], k = av.shape[1];
  const int tx = ctx.thread_x(), ty = ctx.thread_y();
  const int64_t row = static_cast<int64_t>(ctx.block_y()) * TILE + ty;
  const int64_t col = static_cast<int64_t>(ctx.block_x()) * TILE + tx;
  auto shared = ctx.shared();
  const int a_tile = 0, b_tile = TILE * TILE;
  float acc = 0.0f;
  for (int64_t k0 = 0; k0 < k; k0 += TILE) {
    const int64_t ak = k0 + tx, bk = k0 + ty;
    shared.store(a_tile + ty * TILE + tx,
                 row < m && ak < k ? a.load(av.offset + row * av.strides[0] + ak * av.strides[1]) : 0.0f);
    shared.store(b_tile + ty * TILE + tx,
                 bk < k && col < n ? b.load(bv.offset + bk * bv.strides[0] + col * bv.strides[1]) : 0.0f);
    ctx.sync();
    for (int q = 0; q < TILE; ++q) acc += shared.load(a_tile + ty * TILE + q) * shared.load(b_tile + q * TILE + tx);
    ctx.sync();
  }
  if (row < m && col < n) {
    const int64_t at = cv.offset + row * cv.strides[0] + col * cv.strides[1];
    c.store(at, accumulate ? c.load(at) + acc : acc);
  }
}

}  // namespace bp::cuda
