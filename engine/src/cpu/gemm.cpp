// Register-blocked SGEMM. B is read in panels of 16 or 32 columns (K blocked by kKc rows): in
// place when its columns are contiguous and the panels whole, else packed and zero padded, so the
// micro-kernel streams it from L1; rows of A are broadcast one scalar at a time,
// which works for any stride of A. Each block of rows runs over every panel before moving on, so
// it stays in L1. GCC vector extensions map to AVX-512/AVX2/SSE as available.
#include "gemm.h"

#include "fast_math.h"
#include "parallel.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace bp::cpu {
namespace {

using fastmath::load16;
using fastmath::v16;

constexpr int64_t kKc = 256;  // K block

struct Out {
  float* c;
  int64_t rs, cs;
  int ncols;
  bool accumulate;
  const float* bias;  // added to every row (first K block only), or null
  bool relu;          // clamp at zero on the last K block
  int64_t ldb;        // distance between rows of the B panel (packed: the panel width)
};

// Columns 16·v .. 16·v+15 of the bias (zeros past the last column).
[[gnu::always_inline]] inline v16 bias_vector(const Out& o, int v) {
  const int w = std::min(16, o.ncols - 16 * v);
  if (w <= 0) return v16{};
  return fastmath::load_upto16(o.bias + 16 * v, w);
}

// Writes vector v of a row of C: accumulate, ReLU, and a masked store for a partial vector.
[[gnu::always_inline]] inline void finish_vector(float* crow, int v, v16 out, const Out& o) {
  const int w = std::min(16, o.ncols - 16 * v);
  if (w <= 0) return;
  float* dst = crow + 16 * v * o.cs;
  if (o.cs == 1) {
    if (o.accumulate) out += fastmath::load_upto16(dst, w);
    if (o.relu) out = out > 0 ? out : 0;
    fastmath::store_upto16(dst, out, w);
  } else {
    for (int j = 0; j < w; ++j) {
      float& d = dst[j * o.cs];
      d = o.accumulate ? d + out[j] : out[j];
      if (o.relu) d = d > 0 ? d : 0;
    }
  }
}

// Rows of A with unit row stride (a transposed operand, as in a weight gradient) are read as
// a[r + k·a_cs]: one pointer and constant offsets, where general strides need one per row.
// Fewer than eight accumulators (one or two rows over a long K, as in the weight gradient of a
// narrow layer) would wait on each other's latency: K is then split over kChains interleaved
// accumulator sets, summed at the end.
template <int MR, int NV, bool kUnitRows = false>
[[gnu::noinline]] void micro_kernel(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
                  const Out& o) {
  constexpr int kChains = MR * NV >= 8 ? 1 : 8 / (MR * NV);
  v16 acc[kChains][MR][NV];
  for (int c = 0; c < kChains; ++c)
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[c][r][v] = v16{};
  auto step = [&](int c, int64_t k) [[gnu::always_inline]] {
    v16 b[NV];
    for (int v = 0; v < NV; ++v) b[v] = load16(bp + k * o.ldb + 16 * v);
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r) {
      const float av = kUnitRows ? a[r + k * a_cs] : a[r * a_rs + k * a_cs];
      for (int v = 0; v < NV; ++v) acc[c][r][v] += av * b[v];
    }
  };
  int64_t k = 0;
  if constexpr (kChains > 1)
    for (; k + kChains <= kc; k += kChains)
      _Pragma("GCC unroll 8") for (int c = 0; c < kChains; ++c) step(c, k + c);
  for (; k < kc; ++k) step(0, k);
  for (int c = 1; c < kChains; ++c)
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[0][r][v] += acc[c][r][v];
  // Epilogue: bias, accumulate, ReLU; the accumulators stay in registers.
  v16 bias[NV] = {};
  for (int v = 0; v < NV && o.bias; ++v) bias[v] = bias_vector(o, v);
  if (o.cs == 1 && o.ncols == 16 * NV) {  // whole rows: plain vector loads and stores
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r) {
      float* crow = o.c + r * o.rs;
      for (int v = 0; v < NV; ++v) {
        v16 out = acc[0][r][v] + bias[v];
        if (o.accumulate) out += load16(crow + 16 * v);
        if (o.relu) out = out > 0 ? out : 0;
        fastmath::store16(crow + 16 * v, out);
      }
    }
    return;
  }
  _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r) {
    float* crow = o.c + r * o.rs;
    for (int v = 0; v < NV; ++v) finish_vector(crow, v, o.bias ? acc[0][r][v] + bias[v] : acc[0][r][v], o);
  }
}

// Every row of a B panel in registers, for a small fan-in (K·NV ≤ 16 vectors): each row of C is
// then K broadcast multiply-adds per vector from one pointer, with nothing reloaded.
// Not inlined: each instantiation gets its own register allocation (inlined into gemm_panels, the
// K = 2 rows spilled their pointers to the stack and ran seven times slower).
template <int K, int NV>
[[gnu::noinline]] void small_k_rows(int64_t m, const float* a, int64_t a_rs, const float* bp, const Out& o) {
  v16 b[K][NV];
  for (int kk = 0; kk < K; ++kk)
    for (int v = 0; v < NV; ++v) b[kk][v] = load16(bp + kk * o.ldb + 16 * v);
  v16 bias[NV] = {};
  for (int v = 0; v < NV && o.bias; ++v) bias[v] = bias_vector(o, v);
  constexpr int kChains = std::min(K, NV == 1 ? 4 : 2);  // short dependency chains per output vector
  auto row = [&](int64_t i, v16 (&out)[NV]) [[gnu::always_inline]] {
    const float* ar = a + i * a_rs;
    v16 acc[kChains][NV] = {};
    for (int v = 0; v < NV; ++v) acc[0][v] = bias[v];
    _Pragma("GCC unroll 16") for (int kk = 0; kk < K; ++kk) {
      _Pragma("GCC unroll 4") for (int v = 0; v < NV; ++v) acc[kk % kChains][v] += ar[kk] * b[kk][v];
    }
    for (int v = 0; v < NV; ++v) {
      out[v] = acc[0][v];
      for (int c = 1; c < kChains; ++c) out[v] += acc[c][v];
    }
  };
  v16 out[NV];
  if (o.cs == 1 && o.ncols == 16 * NV && !o.accumulate) {  // whole rows: a plain store (after ReLU)
    if (o.relu) {
      for (int64_t i = 0; i < m; ++i) {
        row(i, out);
        for (int v = 0; v < NV; ++v) fastmath::store16(o.c + i * o.rs + 16 * v, out[v] > 0 ? out[v] : 0);
      }
    } else {
      for (int64_t i = 0; i < m; ++i) {
        row(i, out);
        for (int v = 0; v < NV; ++v) fastmath::store16(o.c + i * o.rs + 16 * v, out[v]);
      }
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {
    row(i, out);
    for (int v = 0; v < NV; ++v) finish_vector(o.c + i * o.rs, v, out[v], o);
  }
}

template <int NV, int K = 1>
void small_k_dispatch(int64_t k, int64_t m, const float* a, int64_t a_rs, const float* bp, const Out& o) {
  if constexpr (K * NV <= 16) {
    if (k == K) return small_k_rows<K, NV>(m, a, a_rs, bp, o);
    return small_k_dispatch<NV, K + 1>(k, m, a, a_rs, bp, o);
  }
}

template <int NV>
constexpr int kMr = NV == 1 ? 16 : 8;

// Runs the micro-kernel over `rows` (≤ kMr) rows: a full block, else power-of-two pieces.
template <int NV, bool kUnitRows>
void row_block(int rows, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
               Out o) {
  while (rows > 0) {
    int r = 1;
    if (rows >= kMr<NV>) {
      r = kMr<NV>;
      micro_kernel<kMr<NV>, NV, kUnitRows>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 8) {
      r = 8;
      micro_kernel<8, NV, kUnitRows>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 4) {
      r = 4;
      micro_kernel<4, NV, kUnitRows>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 2) {
      r = 2;
      micro_kernel<2, NV, kUnitRows>(kc, a, a_rs, a_cs, bp, o);
    } else {
      micro_kernel<1, NV, kUnitRows>(kc, a, a_rs, a_cs, bp, o);
    }
    rows -= r;
    a += r * a_rs;
    o.c += r * o.rs;
  }
}

template <int NV>
void gemm_panels(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs,
                 int64_t c_cs, bool accumulate, const float* bias, bool relu) {
  constexpr int64_t nr = 16 * NV;
  const int64_t panels = (n + nr - 1) / nr;
  thread_local std::vector<float> pack;
  const int64_t kc_max = std::min(kKc, k);
  // Grown, never shrunk: a resize back up would zero-fill the buffer on every call.
  if (pack.size() < static_cast<size_t>(kc_max * nr * panels)) pack.resize(static_cast<size_t>(kc_max * nr * panels));
  for (int64_t k0 = 0; k0 < k; k0 += kKc) {
    const int64_t kc = std::min(kKc, k - k0);
    // B with unit column stride and whole panels is read in place (row stride ldb); otherwise
    // each panel is packed, zero padded.
    const bool direct = n % nr == 0 && b.col_stride == 1;
    const int64_t ldb = direct ? b.row_stride : nr;
    auto panel = [&](int64_t p) {
      return direct ? b.data + k0 * b.row_stride + p * nr : pack.data() + p * kc * nr;
    };
    // Pack every panel of this K block: panel p holds columns p·nr .. p·nr+nr−1, row-major.
    // Strided columns (a transposed weight) are gathered sixteen at a time where the offsets fit
    // the gather's 32-bit indices.
    const bool gather = b.col_stride != 1 && b.col_stride < (int64_t{1} << 26);
    for (int64_t p = 0; p < panels && !direct; ++p) {
      const int64_t j0 = p * nr;
      const int ncols = static_cast<int>(std::min(nr, n - j0));
      float* dst_panel = pack.data() + p * kc * nr;
      int64_t kk = 0;
#if defined(__AVX512F__)
      // Contiguous columns (a Linear weight, w[j][k]) in a whole panel: 16×16 blocks are read
      // as rows of w and transposed in registers, cheaper than gathering them.
      if (b.row_stride == 1 && ncols == nr)
        for (; kk + 16 <= kc; kk += 16)
          for (int v = 0; v < NV; ++v) {
            v16 blk[16];
            for (int j = 0; j < 16; ++j) blk[j] = load16(b.data + (k0 + kk) + (j0 + 16 * v + j) * b.col_stride);
            fastmath::transpose16(blk);
            for (int t = 0; t < 16; ++t) fastmath::store16(dst_panel + (kk + t) * nr + 16 * v, blk[t]);
          }
#endif
      for (; kk < kc; ++kk) {
        const float* brow = b.data + (k0 + kk) * b.row_stride + j0 * b.col_stride;
        float* dst = dst_panel + kk * nr;
        if (b.col_stride == 1) {
          std::memcpy(dst, brow, static_cast<size_t>(ncols) * sizeof(float));
        } else if (gather) {
          for (int v = 0; v < NV && 16 * v < ncols; ++v)
            fastmath::store16(dst + 16 * v, fastmath::gather16(brow + 16 * v * b.col_stride, b.col_stride,
                                                               ncols - 16 * v));
          for (int v = (ncols + 15) / 16; v < NV; ++v) fastmath::store16(dst + 16 * v, v16{});
          continue;
        } else {
          for (int j = 0; j < ncols; ++j) dst[j] = brow[j * b.col_stride];
        }
        for (int64_t j = ncols; j < nr; ++j) dst[j] = 0.0f;
      }
    }
    const bool first = k0 == 0;
    if (k * NV <= 16 && (a.col_stride == 1 || k == 1)) {  // (one column: its stride is never used)
      for (int64_t p = 0; p < panels; ++p) {
        const int64_t j0 = p * nr;
        const Out o{c + j0 * c_cs, c_rs, c_cs, static_cast<int>(std::min(nr, n - j0)), accumulate,
                    bias ? bias + j0 : nullptr, relu, ldb};
        small_k_dispatch<NV>(k, m, a.data, a.row_stride, panel(p), o);
      }
      return;
    }
    for (int64_t i0 = 0; i0 < m; i0 += kMr<NV>) {
      const int rows = static_cast<int>(std::min<int64_t>(kMr<NV>, m - i0));
      const float* arow = a.data + i0 * a.row_stride + k0 * a.col_stride;
      for (int64_t p = 0; p < panels; ++p) {
        const int64_t j0 = p * nr;
        const Out o{c + i0 * c_rs + j0 * c_cs, c_rs, c_cs, static_cast<int>(std::min(nr, n - j0)),
                    accumulate || !first, first && bias ? bias + j0 : nullptr, relu && k0 + kc >= k, ldb};
        if (a.row_stride == 1)
          row_block<NV, true>(rows, kc, arow, 1, a.col_stride, panel(p), o);
        else
          row_block<NV, false>(rows, kc, arow, a.row_stride, a.col_stride, panel(p), o);
      }
    }
  }
}

// Sixteen vectors in, one out: lane r holds the sum of the lanes of p[r]. Pairs are folded in
// four levels (each adds the matching halves of two vectors), which leaves the sums in
// bit-reversed lane order; a last shuffle puts them in order.
[[gnu::always_inline]] inline v16 sum_lanes_16(const v16 (&p)[16]) {
  // __builtin_shufflevector (constant lane indices) is understood by both GCC (12+) and clang.
#define BP_LO8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define BP_HI8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define BP_LO4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define BP_HI4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define BP_LO2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define BP_HI2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define BP_LO1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define BP_HI1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31
  v16 q[8], s[4], t[2];
  for (int j = 0; j < 8; ++j)
    q[j] = __builtin_shufflevector(p[2 * j], p[2 * j + 1], BP_LO8) + __builtin_shufflevector(p[2 * j], p[2 * j + 1], BP_HI8);
  for (int j = 0; j < 4; ++j)
    s[j] = __builtin_shufflevector(q[2 * j], q[2 * j + 1], BP_LO4) + __builtin_shufflevector(q[2 * j], q[2 * j + 1], BP_HI4);
  for (int j = 0; j < 2; ++j)
    t[j] = __builtin_shufflevector(s[2 * j], s[2 * j + 1], BP_LO2) + __builtin_shufflevector(s[2 * j], s[2 * j + 1], BP_HI2);
  const v16 u = __builtin_shufflevector(t[0], t[1], BP_LO1) + __builtin_shufflevector(t[0], t[1], BP_HI1);
#undef BP_LO8
#undef BP_HI8
#undef BP_LO4
#undef BP_HI4
#undef BP_LO2
#undef BP_HI2
#undef BP_LO1
#undef BP_HI1
  return __builtin_shufflevector(u, u, 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15);
}

// C[:, 0] = A · b (+ bias[0]) for a single output column. Rows of A (unit column stride) go
// sixteen at a time: a product vector per row, then one fold of all sixteen.
void gemv(int64_t m, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs, bool accumulate,
          const float* bias, bool relu) {
  thread_local std::vector<float> col;
  if (col.size() < static_cast<size_t>(k)) col.resize(static_cast<size_t>(k));
  for (int64_t kk = 0; kk < k; ++kk) col[static_cast<size_t>(kk)] = b.data[kk * b.row_stride];
  const float* x = col.data();
  const float b0 = bias ? bias[0] : 0.0f;
  auto finish = [&](float& dst, float sum) {
    dst = accumulate ? dst + sum + b0 : sum + b0;
    if (relu) dst = dst > 0 ? dst : 0;
  };
  if (a.col_stride != 1) {
    for (int64_t i = 0; i < m; ++i) {
      const float* arow = a.data + i * a.row_stride;
      float sum = 0.0f;
      for (int64_t kk = 0; kk < k; ++kk) sum += arow[kk * a.col_stride] * x[kk];
      finish(c[i * c_rs], sum);
    }
    return;
  }
  int64_t i0 = 0;
  if (k <= 16) {
    // A row is one (masked) vector: whole blocks of sixteen rows run with every product in a
    // register and one vector of results.
    const v16 xv = fastmath::load_upto16(x, k);
    for (; i0 + 16 <= m; i0 += 16) {
      v16 p[16];
      _Pragma("GCC unroll 16") for (int r = 0; r < 16; ++r)
        p[r] = fastmath::load_upto16(a.data + (i0 + r) * a.row_stride, k) * xv;
      const v16 sums = sum_lanes_16(p);
      if (c_rs == 1) {  // (the same order of additions as finish)
        v16 out = accumulate ? fastmath::load16(c + i0) + sums + b0 : sums + b0;
        if (relu) out = out > 0 ? out : 0;
        fastmath::store16(c + i0, out);
      } else {
        for (int r = 0; r < 16; ++r) finish(c[(i0 + r) * c_rs], sums[r]);
      }
    }
  }
  for (; i0 < m; i0 += 16) {
    const int rows = static_cast<int>(std::min<int64_t>(16, m - i0));
    v16 p[16] = {};
    for (int64_t k0 = 0; k0 < k; k0 += 16) {
      const int64_t w = std::min<int64_t>(16, k - k0);
      const v16 xv = fastmath::load_upto16(x + k0, w);
      for (int r = 0; r < rows; ++r) {
        const float* src = a.data + (i0 + r) * a.row_stride + k0;
        p[r] += fastmath::load_upto16(src, w) * xv;
      }
    }
    const v16 sums = sum_lanes_16(p);
    for (int r = 0; r < rows; ++r) finish(c[(i0 + r) * c_rs], sums[r]);
  }
}

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs,
          int64_t c_cs, bool accumulate, const float* bias, bool relu) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float& dst = c[i * c_rs + j * c_cs];
        dst = (accumulate ? dst : 0.0f) + (bias ? bias[j] : 0.0f);
        if (relu) dst = dst > 0 ? dst : 0;
      }
    return;
  }
  if (n == 1) return gemv(m, k, a, b, c, c_rs, accumulate, bias, relu);
  if (!bias && !relu && m == 1 && k > 1 && n < 16) {
    // A single row against few columns: compute Cᵀ = Bᵀ·Aᵀ as a matrix-vector product.
    return gemv(n, k, {b.data, b.col_stride, b.row_stride}, {a.data, a.col_stride, a.row_stride},
                c, c_cs, accumulate, nullptr, false);
  }
  if (!bias && !relu && n < 16 && m > n) {
    // Few output columns waste vector lanes: compute Cᵀ = Bᵀ·Aᵀ instead.
    return gemm(n, m, k, {b.data, b.col_stride, b.row_stride}, {a.data, a.col_stride, a.row_stride},
                c, c_cs, c_rs, accumulate, nullptr, false);
  }
  // Large products split their rows over the thread pool (each part packs B for itself). Waking
  // a worker costs tens of microseconds, so each part gets at least 2^23 multiply-adds.
  const int64_t rows_per_part = std::max<int64_t>(64, (int64_t{1} << 23) / std::max<int64_t>(1, n * k));
  parallel_for(m, rows_per_part, [&](int64_t r0, int64_t r1) {
    const MatrixRef ap{a.data + r0 * a.row_stride, a.row_stride, a.col_stride};
    if (n <= 16)
      gemm_panels<1>(r1 - r0, n, k, ap, b, c + r0 * c_rs, c_rs, c_cs, accumulate, bias, relu);
    else
      gemm_panels<2>(r1 - r0, n, k, ap, b, c + r0 * c_rs, c_rs, c_cs, accumulate, bias, relu);
  });
}

}  // namespace bp::cpu
