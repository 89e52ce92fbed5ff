// Register-blocked SGEMM. B is packed into panels of 16 or 32 columns (zero padded, K blocked by
// kKc rows) so the micro-kernel streams it from L1; rows of A are broadcast one scalar at a time,
// which works for any stride of A. GCC vector extensions map to AVX-512/AVX2/SSE as available.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace bp::cpu {
namespace {

typedef float v16 __attribute__((vector_size(64)));

constexpr int64_t kKc = 256;  // K block: a packed 256×32 panel is 32 KiB
constexpr int kMr = 6;        // rows per micro-kernel call

inline v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <int MR, int NV>
void micro_kernel(int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
                  float* c, int64_t c_rs, int64_t c_cs, int ncols, bool accumulate) {
  v16 acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = v16{};
  for (int64_t k = 0; k < kc; ++k) {
    v16 b[NV];
    for (int v = 0; v < NV; ++v) b[v] = load16(bp + k * 16 * NV + 16 * v);
    for (int r = 0; r < MR; ++r) {
      const float av = a[r * a_rs + k * a_cs];
      for (int v = 0; v < NV; ++v) acc[r][v] += av * b[v];
    }
  }
  for (int r = 0; r < MR; ++r) {
    float* crow = c + r * c_rs;
    if (c_cs == 1 && ncols == 16 * NV) {
      for (int v = 0; v < NV; ++v) {
        v16 out = acc[r][v];
        if (accumulate) out += load16(crow + 16 * v);
        std::memcpy(crow + 16 * v, &out, sizeof out);
      }
    } else {
      float tmp[16 * NV];
      std::memcpy(tmp, acc[r], sizeof tmp);
      for (int j = 0; j < ncols; ++j) {
        float& dst = crow[j * c_cs];
        dst = accumulate ? dst + tmp[j] : tmp[j];
      }
    }
  }
}

template <int NV>
void row_block(int rows, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* bp,
               float* c, int64_t c_rs, int64_t c_cs, int ncols, bool accumulate) {
  switch (rows) {
    case 6: micro_kernel<6, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
    case 5: micro_kernel<5, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
    case 4: micro_kernel<4, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
    case 3: micro_kernel<3, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
    case 2: micro_kernel<2, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
    default: micro_kernel<1, NV>(kc, a, a_rs, a_cs, bp, c, c_rs, c_cs, ncols, accumulate); break;
  }
}

template <int NV>
void gemm_panels(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs,
                 int64_t c_cs, bool accumulate) {
  constexpr int64_t nr = 16 * NV;
  thread_local std::vector<float> pack;
  pack.resize(static_cast<size_t>(kKc * nr));
  float* bp = pack.data();
  for (int64_t j0 = 0; j0 < n; j0 += nr) {
    const int ncols = static_cast<int>(std::min(nr, n - j0));
    for (int64_t k0 = 0; k0 < k; k0 += kKc) {
      const int64_t kc = std::min(kKc, k - k0);
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* brow = b.data + (k0 + kk) * b.row_stride + j0 * b.col_stride;
        float* dst = bp + kk * nr;
        if (b.col_stride == 1) {
          std::memcpy(dst, brow, static_cast<size_t>(ncols) * sizeof(float));
        } else {
          for (int j = 0; j < ncols; ++j) dst[j] = brow[j * b.col_stride];
        }
        for (int64_t j = ncols; j < nr; ++j) dst[j] = 0.0f;
      }
      const bool acc = accumulate || k0 > 0;
      for (int64_t i0 = 0; i0 < m; i0 += kMr) {
        const int rows = static_cast<int>(std::min<int64_t>(kMr, m - i0));
        row_block<NV>(rows, kc, a.data + i0 * a.row_stride + k0 * a.col_stride, a.row_stride,
                      a.col_stride, bp, c + i0 * c_rs + j0 * c_cs, c_rs, c_cs, ncols, acc);
      }
    }
  }
}

// C[:, 0] = A · b for a single output column.
void gemv(int64_t m, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs, bool accumulate) {
  thread_local std::vector<float> col;
  col.resize(static_cast<size_t>(k));
  for (int64_t kk = 0; kk < k; ++kk) col[static_cast<size_t>(kk)] = b.data[kk * b.row_stride];
  const float* x = col.data();
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
    dst = accumulate ? dst + s : s;
  }
}

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_rs,
          int64_t c_cs, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) c[i * c_rs + j * c_cs] = 0.0f;
    return;
  }
  if (n == 1) {
    gemv(m, k, a, b, c, c_rs, accumulate);
    return;
  }
  if (m == 1 && n > 1 && k > 1 && n < 16) {
    // A single row against few columns: compute Cᵀ = Bᵀ·Aᵀ as a matrix-vector product.
    gemv(n, k, {b.data, b.col_stride, b.row_stride}, {a.data, a.col_stride, a.row_stride}, c, c_cs,
         accumulate);
    return;
  }
  if (n < 16 && m > n) {
    // Few output columns waste vector lanes: compute Cᵀ = Bᵀ·Aᵀ instead.
    gemm(n, m, k, {b.data, b.col_stride, b.row_stride}, {a.data, a.col_stride, a.row_stride}, c,
         c_cs, c_rs, accumulate);
    return;
  }
  if (n <= 16)
    gemm_panels<1>(m, n, k, a, b, c, c_rs, c_cs, accumulate);
  else
    gemm_panels<2>(m, n, k, a, b, c, c_rs, c_cs, accumulate);
}

}  // namespace bp::cpu
