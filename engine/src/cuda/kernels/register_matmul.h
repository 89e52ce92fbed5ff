// The fast built-in matrix multiply, used when cuBLAS is missing (or chosen): C = A·B (+ C when
// accumulate) for A [m, k], B [k, n], C [m, n], any strides. A block of 16×16 threads computes a
// 64×64 tile of C, each thread a 4×4 grid of it held in registers (rows ty + 16·i, columns
// tx + 16·j: neighbouring threads touch neighbouring columns, so C's stores and B's shared reads
// are contiguous). k is walked 16 at a time through shared memory: A's 64×16 slice stored
// transposed (As[q][r]) and B's 16×64 slice (Bs[q][c]); each element a thread loads there is
// reused 64 times. Every thread multiplies 4 values of A by 4 of B per q: 16 FMAs for 8 shared
// loads, against 2 loads per FMA in the teaching kernel. Sizes need not be multiples of 64:
// loads past an edge read 0 and stores past it are skipped.
// Shared memory: 2·16·64 floats (8 KiB).
#pragma once
#include "kernel_api.h"

namespace bp::cuda {

constexpr int kRegTile = 64, kRegK = 16, kRegThreads = 16, kRegPer = kRegTile / kRegThreads;

template <class Ctx, class A, class B, class C>
BP_HOST_DEVICE void register_matmul(Ctx& ctx, A a, KernelView av, B b, KernelView bv, C c, KernelView cv, bool accumulate) {
  const int64_t m = cv.shape[0], n = cv.shape[1], k = av.shape[1];
  const int tx = ctx.thread_x(), ty = ctx.thread_y(), tid = ty * kRegThreads + tx;
  const int64_t row0 = static_cast<int64_t>(ctx.block_y()) * kRegTile, col0 = static_cast<int64_t>(ctx.block_x()) * kRegTile;
  auto shared = ctx.shared();
  const int as = 0, bs = kRegK * kRegTile;  // As[q][r] at as + q·64 + r, Bs[q][c] at bs + q·64 + c
  float acc[kRegPer][kRegPer];
  BP_UNROLL
  for (int i = 0; i < kRegPer; ++i)
    BP_UNROLL
    for (int j = 0; j < kRegPer; ++j) acc[i][j] = 0.0f;

  for (int64_t k0 = 0; k0 < k; k0 += kRegK) {
    // 64·16 elements of each slice, 4 per thread. A: consecutive threads walk q fastest (a
    // row-major A is then read 16 floats at a time); B: consecutive threads walk columns.
    BP_UNROLL
    for (int l = 0; l < kRegTile * kRegK / (kRegThreads * kRegThreads); ++l) {
      const int e = tid + l * kRegThreads * kRegThreads;
      const int ar = e / kRegK, aq = e % kRegK;
      const int64_t gr = row0 + ar, gk = k0 + aq;
      shared.store(as + aq * kRegTile + ar, gr < m && gk < k ? a.load(av.offset + gr * av.strides[0] + gk * av.strides[1]) : 0.0f);
      const int bq = e / kRegTile, bc = e % kRegTile;
      const int64_t hk = k0 + bq, gc = col0 + bc;
      shared.store(bs + bq * kRegTile + bc, hk < k && gc < n ? b.load(bv.offset + hk * bv.strides[0] + gc * bv.strides[1]) : 0.0f);
    }
    ctx.sync();
    BP_UNROLL
    for (int q = 0; q < kRegK; ++q) {
      float ra[kRegPer], rb[kRegPer];
      BP_UNROLL
      for (int i = 0; i < kRegPer; ++i) ra[i] = shared.load(as + q * kRegTile + ty + kRegThreads * i);
      BP_UNROLL
      for (int j = 0; j < kRegPer; ++j) rb[j] = shared.load(bs + q * kRegTile + tx + kRegThreads * j);
      BP_UNROLL
      for (int i = 0; i < kRegPer; ++i)
        BP_UNROLL
        for (int j = 0; j < kRegPer; ++j) acc[i][j] += ra[i] * rb[j];
    }
    ctx.sync();
  }
  BP_UNROLL
  for (int i = 0; i < kRegPer; ++i)
    BP_UNROLL
    for (int j = 0; j < kRegPer; ++j) {
      const int64_t r = row0 + ty + kRegThreads * i, col = col0 + tx + kRegThreads * j;
      if (r < m && col < n) {
        const int64_t at = cv.offset + r * cv.strides[0] + col * cv.strides[1];
        c.store(at, accumulate ? c.load(at) + acc[i][j] : acc[i][j]);
      }
    }
}

}  // namespace bp::cuda
