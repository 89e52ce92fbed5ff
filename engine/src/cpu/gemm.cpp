// Register-blocked SGEMM. B is packed into panels of 16 or 32 columns (zero padded, K blocked by
// kKc rows) so the micro-kernel streams it from L1; rows of A are broadcast one scalar at a time,
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
};

template <int MR, int NV>
void micro_kernel(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
                  const Out& o) {
  v16 acc[MR][NV];
  _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = v16{};
  for (int64_t k = 0; k < kc; ++k) {
    v16 b[NV];
    for (int v = 0; v < NV; ++v) b[v] = load16(bp + k * 16 * NV + 16 * v);
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r) {
      const float av = a[r * a_rs + k * a_cs];
      for (int v = 0; v < NV; ++v) acc[r][v] += av * b[v];
    }
  }
  // Epilogue: bias, accumulate, ReLU, with masked loads/stores for a partial last vector; the
  // accumulators stay in registers.
  v16 bias[NV] = {};
  for (int v = 0; v < NV && o.bias; ++v) {
    const int w = std::min(16, o.ncols - 16 * v);
    if (w > 0) bias[v] = w == 16 ? load16(o.bias + 16 * v) : fastmath::load_partial(o.bias + 16 * v, w);
  }
  _Pragma("GCC unroll 16") for (int r = 0; r < MR; ++r) {
    float* crow = o.c + r * o.rs;
    for (int v = 0; v < NV; ++v) {
      const int w = std::min(16, o.ncols - 16 * v);
      if (w <= 0) break;
      v16 out = o.bias ? acc[r][v] + bias[v] : acc[r][v];
      float* dst = crow + 16 * v * o.cs;
      if (o.cs == 1) {
        if (o.accumulate) out += w == 16 ? load16(dst) : fastmath::load_partial(dst, w);
        if (o.relu) out = out > 0 ? out : 0;
        if (w == 16)
          fastmath::store16(dst, out);
        else
          fastmath::store_partial(dst, out, w);
      } else {
        for (int j = 0; j < w; ++j) {
          float& d = dst[j * o.cs];
          d = o.accumulate ? d + out[j] : out[j];
          if (o.relu) d = d > 0 ? d : 0;
        }
      }
    }
  }
}

template <int NV>
constexpr int kMr = NV == 1 ? 16 : 8;

// Runs the micro-kernel over `rows` (≤ kMr) rows, largest power-of-two blocks first.
template <int NV>
void row_block(int rows, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
               Out o) {
  while (rows > 0) {
    int r = 1;
    if (rows >= 16 && kMr<NV> >= 16) {
      r = 16;
      micro_kernel<kMr<NV> >= 16 ? 16 : 1, NV>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 8) {
      r = 8;
      micro_kernel<8, NV>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 4) {
      r = 4;
      micro_kernel<4, NV>(kc, a, a_rs, a_cs, bp, o);
    } else if (rows >= 2) {
      r = 2;
      micro_kernel<2, NV>(kc, a, a_rs, a_cs, bp, o);
    } else {
      micro_kernel<1, NV>(kc, a, a_rs, a_cs, bp, o);
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
  pack.resize(static_cast<size_t>(kc_max * nr * panels));
  for (int64_t k0 = 0; k0 < k; k0 += kKc) {
    const int64_t kc = std::min(kKc, k - k0);
    // B already laid out as one panel (n == nr, contiguous rows) needs no packing.
    const bool direct = n == nr && b.col_stride == 1 && b.row_stride == nr;
    const float* packed = direct ? b.data + k0 * nr : pack.data();
    // Pack every panel of this K block: panel p holds columns p·nr .. p·nr+nr−1, row-major.
    for (int64_t p = 0; p < panels && !direct; ++p) {
      const int64_t j0 = p * nr;
      const int ncols = static_cast<int>(std::min(nr, n - j0));
      float* dst_panel = pack.data() + p * kc * nr;
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* brow = b.data + (k0 + kk) * b.row_stride + j0 * b.col_stride;
        float* dst = dst_panel + kk * nr;
        if (b.col_stride == 1) {
          std::memcpy(dst, brow, static_cast<size_t>(ncols) * sizeof(float));
        } else {
          for (int j = 0; j < ncols; ++j) dst[j] = brow[j * b.col_stride];
        }
        for (int64_t j = ncols; j < nr; ++j) dst[j] = 0.0f;
      }
    }
    const bool first = k0 == 0;
    for (int64_t i0 = 0; i0 < m; i0 += kMr<NV>) {
      const int rows = static_cast<int>(std::min<int64_t>(kMr<NV>, m - i0));
      const float* arow = a.data + i0 * a.row_stride + k0 * a.col_stride;
      for (int64_t p = 0; p < panels; ++p) {
        const int64_t j0 = p * nr;
        const Out o{c + i0 * c_rs + j0 * c_cs, c_rs, c_cs, static_cast<int>(std::min(nr, n - j0)),
                    accumulate || !first, first && bias ? bias + j0 : nullptr, relu && k0 + kc >= k};
        row_block<NV>(rows, kc, arow, a.row_stride, a.col_stride, packed + p * kc * nr, o);
      }
    }
  }
}

// C[:, 0] = A · b (+ bias[0]) for a single output column.
void gemv(int64_t m, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs, bool accumulate,
          const float* bias, bool relu) {
  thread_local std::vector<float> col;
  col.resize(static_cast<size_t>(k));
  for (int64_t kk = 0; kk < k; ++kk) col[static_cast<size_t>(kk)] = b.data[kk * b.row_stride];
  const float* x = col.data();
  const float b0 = bias ? bias[0] : 0.0f;
  for (int64_t i = 0; i < m; ++i) {
    const float* arow = a.data + i * a.row_stride;
    float s = 0.0f;
    if (a.col_stride == 1) {
      v16 acc{};
      int64_t kk = 0;
      for (; kk + 16 <= k; kk += 16) acc += load16(arow + kk) * load16(x + kk);
      for (int l = 0; l < 16; ++l) s += acc[l];
      for (; kk < k; ++kk) s += arow[kk] * x[kk];
    } else {
      for (int64_t kk = 0; kk < k; ++kk) s += arow[kk * a.col_stride] * x[kk];
    }
    float& dst = c[i * c_rs];
    dst = accumulate ? dst + s + b0 : s + b0;
    if (relu) dst = dst > 0 ? dst : 0;
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
