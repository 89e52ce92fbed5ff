// One pass over the rows of gy for the three gradients of a narrow Linear layer. Done as three
// separate products, each would read gy again from the L2 cache (a training step's activations
// and gradients outgrow L1) and create its own tensor; here each row of gy is loaded once and
// feeds all three while it sits in registers.
#include "linear_grad.h"

#include <algorithm>

#include "fast_math.h"

namespace bp::cpu {
namespace {

using fastmath::load_upto16;
using fastmath::store_upto16;
using fastmath::v16;

// O outputs, NVI vectors of 16 lanes per input row. gw's O·NVI accumulators stay in registers;
// when they are few, rows go round kChains sets of them so that consecutive rows do not wait on
// each other's multiply-add latency.
template <int O, int NVI, bool kGx>
[[gnu::noinline]] void rows_kernel(int64_t n, int in, const float* gy, int64_t gy_rs, const float* x,
                                   int64_t x_rs, const float* w, int64_t w_rs, float* gx, int64_t gx_rs,
                                   float* gw, float* gb) {
  constexpr int kChains = std::clamp(8 / (O * NVI), 1, 4);
  constexpr int kDxChains = O > 1 ? 2 : 1;
  int width[NVI];
  for (int v = 0; v < NVI; ++v) width[v] = std::clamp(in - 16 * v, 0, 16);
  // The rows of w, zero padded to whole vectors (read from L1 when they do not fit registers);
  // only gx reads them.
  alignas(64) float wpad[O][NVI * 16] = {};
  if constexpr (kGx)
    for (int o = 0; o < O; ++o)
      for (int v = 0; v < NVI; ++v)
        for (int j = 0; j < width[v]; ++j) wpad[o][16 * v + j] = w[o * w_rs + 16 * v + j];
  v16 dw[kChains][O][NVI] = {};
  v16 db[kChains] = {};
  auto row = [&](int c, int64_t i) [[gnu::always_inline]] {
    const float* g = gy + i * gy_rs;
    const float* xr = x + i * x_rs;
    v16 xv[NVI];
    for (int v = 0; v < NVI; ++v) xv[v] = load_upto16(xr + 16 * v, width[v]);
    v16 dx[kDxChains][NVI] = {};
    _Pragma("GCC unroll 16") for (int o = 0; o < O; ++o) {
      for (int v = 0; v < NVI; ++v) dw[c][o][v] += g[o] * xv[v];
      if constexpr (kGx)
        for (int v = 0; v < NVI; ++v) dx[o % kDxChains][v] += g[o] * fastmath::load16(&wpad[o][16 * v]);
    }
    db[c] += load_upto16(g, O);
    if constexpr (kGx)
      for (int v = 0; v < NVI; ++v) {
        v16 s = dx[0][v];
        for (int d = 1; d < kDxChains; ++d) s += dx[d][v];
        store_upto16(gx + i * gx_rs + 16 * v, s, width[v]);
      }
  };
  int64_t i = 0;
  for (; i + kChains <= n; i += kChains)
    _Pragma("GCC unroll 4") for (int c = 0; c < kChains; ++c) row(c, i + c);
  for (; i < n; ++i) row(0, i);
  // (Every loop over the accumulators is unrolled: an index left to run time would keep them
  // in memory, stored on every row.)
  _Pragma("GCC unroll 4") for (int c = 1; c < kChains; ++c) {
    db[0] += db[c];
    _Pragma("GCC unroll 16") for (int o = 0; o < O; ++o)
      _Pragma("GCC unroll 2") for (int v = 0; v < NVI; ++v) dw[0][o][v] += dw[c][o][v];
  }
  _Pragma("GCC unroll 16") for (int o = 0; o < O; ++o)
    _Pragma("GCC unroll 2") for (int v = 0; v < NVI; ++v) store_upto16(gw + o * in + 16 * v, dw[0][o][v], width[v]);
  if (gb) store_upto16(gb, db[0], O);
}

// The weight gradient of a layer with few inputs and no input gradient (the first layer):
// vectors run over the outputs instead, gwᵀ[j] += x[i][j] · gy[i] — I multiply-adds a row where
// the kernel above would spend O on mostly empty vectors — and gw is written transposed.
template <int I, int NVO>
[[gnu::noinline]] void rows_kernel_t(int64_t n, int out, const float* gy, int64_t gy_rs, const float* x,
                                     int64_t x_rs, float* gw, float* gb) {
  constexpr int kChains = std::clamp(8 / (I * NVO), 1, 4);
  int width[NVO];
  for (int v = 0; v < NVO; ++v) width[v] = std::clamp(out - 16 * v, 0, 16);
  v16 dwt[kChains][I][NVO] = {};
  v16 db[kChains][NVO] = {};
  auto row = [&](int c, int64_t i) [[gnu::always_inline]] {
    const float* g = gy + i * gy_rs;
    const float* xr = x + i * x_rs;
    v16 gv[NVO];
    _Pragma("GCC unroll 2") for (int v = 0; v < NVO; ++v) {
      gv[v] = load_upto16(g + 16 * v, width[v]);
      db[c][v] += gv[v];
    }
    _Pragma("GCC unroll 16") for (int j = 0; j < I; ++j)
      _Pragma("GCC unroll 2") for (int v = 0; v < NVO; ++v) dwt[c][j][v] += xr[j] * gv[v];
  };
  int64_t i = 0;
  for (; i + kChains <= n; i += kChains)
    _Pragma("GCC unroll 4") for (int c = 0; c < kChains; ++c) row(c, i + c);
  for (; i < n; ++i) row(0, i);
  _Pragma("GCC unroll 4") for (int c = 1; c < kChains; ++c)
    _Pragma("GCC unroll 2") for (int v = 0; v < NVO; ++v) {
      db[0][v] += db[c][v];
      _Pragma("GCC unroll 16") for (int j = 0; j < I; ++j) dwt[0][j][v] += dwt[c][j][v];
    }
  _Pragma("GCC unroll 16") for (int j = 0; j < I; ++j)
    _Pragma("GCC unroll 2") for (int v = 0; v < NVO; ++v)
      for (int l = 0; l < width[v]; ++l) gw[(16 * v + l) * I + j] = dwt[0][j][v][l];
  if (gb)
    _Pragma("GCC unroll 2") for (int v = 0; v < NVO; ++v) store_upto16(gb + 16 * v, db[0][v], width[v]);
}

using KernelT = void (*)(int64_t, int, const float*, int64_t, const float*, int64_t, float*, float*);

template <int NVO, int I = 1>
KernelT pick_t(int64_t in) {
  if constexpr (I * NVO <= 16) {
    if (in == I) return rows_kernel_t<I, NVO>;
    return pick_t<NVO, I + 1>(in);
  }
  return nullptr;
}

using Kernel = void (*)(int64_t, int, const float*, int64_t, const float*, int64_t, const float*,
                        int64_t, float*, int64_t, float*, float*);

// The kernel for O outputs and NVI input vectors, for every O·NVI ≤ 16.
template <int NVI, int O = 1>
Kernel pick(int64_t out, bool gx) {
  if constexpr (O * NVI <= 16) {
    if (out == O) return gx ? rows_kernel<O, NVI, true> : rows_kernel<O, NVI, false>;
    return pick<NVI, O + 1>(out, gx);
  }
  return nullptr;
}

}  // namespace

bool linear_backward_rows(int64_t n, int64_t in, int64_t out, const float* gy, int64_t gy_rs,
                          const float* x, int64_t x_rs, const float* w, int64_t w_rs, float* gx,
                          int64_t gx_rs, float* gw, float* gb) {
  if (n > kLinearBackwardMaxRows || in < 1 || out < 1) return false;
  // Fewer multiply-adds a row with vectors over the outputs, when no input gradient is wanted.
  const auto cost = [](int64_t bcast, int64_t lanes) { return bcast * ((lanes + 15) / 16); };
  if (!gx && out <= 32 && cost(in, out) < cost(out, in))
    if (const KernelT kt = out <= 16 ? pick_t<1>(in) : pick_t<2>(in)) {
      kt(n, static_cast<int>(out), gy, gy_rs, x, x_rs, gw, gb);
      return true;
    }
  if (in > 32) return false;
  const Kernel k = in <= 16 ? pick<1>(out, gx) : pick<2>(out, gx);
  if (!k) return false;
  k(n, static_cast<int>(in), gy, gy_rs, x, x_rs, w, w_rs, gx, gx_rs, gw, gb);
  return true;
}

}  // namespace bp::cpu
