// Binary cross-entropy from logits: the mean loss (one block, a fixed-order tree, so reruns are
// bit-identical) and its gradient, as the CPU backend computes them.
#pragma once
#include <cmath>

#include "elementwise.h"

namespace bp::cuda {

/// softplus(z) − z·y, the loss of one logit z with target y, without overflow.
BP_HOST_DEVICE inline float bce_term(float z, float y) { return fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z))) - z * y; }

/// out[0] = the mean of bce_term over z and y (same shape; NaN when empty). Run as one block of
/// a power-of-two size with that many floats of shared memory.
template <class Ctx, class M>
BP_HOST_DEVICE void bce_logits_mean(Ctx& ctx, M z, KernelView zv, M y, KernelView yv, M out) {
  const int64_t n = zv.numel();
  const int t = ctx.thread_x(), threads = ctx.block_dim_x();
  auto shared = ctx.shared();
  float acc = 0.0f;
  for (int64_t i = t; i < n; i += threads) acc += bce_term(z.load(zv.at(i)), y.load(yv.at(i)));
  shared.store(t, acc);
  ctx.sync();
  for (int half = threads / 2; half > 0; half /= 2) {
    if (t < half) shared.store(t, shared.load(t) + shared.load(t + half));
    ctx.sync();
  }
  if (t == 0) out.store(0, n == 0 ? NAN : shared.load(0) / static_cast<float>(n));
}

/// gz = scale · (sigmoid(z) − y) · gout[0], where gout is one value in device memory.
template <class Ctx, class M>
BP_HOST_DEVICE void bce_logits_backward_map(Ctx& ctx, M gz, KernelView gv, M z, KernelView zv, M y, KernelView yv, M gout, float scale) {
  const int64_t n = gv.numel();
  const float s = scale * gout.load(0);
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) gz.store(gv.at(i), s * (sigmoidf_(z.load(zv.at(i))) - y.load(yv.at(i))));
}

}  // namespace bp::cuda
