// The fused optimizer updates, one element per thread (grid-stride), as the CPU backend writes
// them: SGD with momentum, dampening, Nesterov, weight decay, L1 and L2; Adam and AdamW.
#pragma once
#include <cmath>

#include "../../backend.h"
#include "elementwise.h"

namespace bp::cuda {

BP_HOST_DEVICE inline float signf_(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f); }

template <class Ctx, class M>
BP_HOST_DEVICE void sgd_step(Ctx& ctx, M p, M g, M buf, int64_t n, Backend::SgdArgs a) {
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) {
    const float w = p.load(i);
    float d = g.load(i) + a.weight_decay * w + a.l2 * w;
    if (a.l1 != 0.0f) d += a.l1 * signf_(w);
    if (a.momentum != 0.0f) {
      const float b = a.first_step ? d : a.momentum * buf.load(i) + (1.0f - a.dampening) * d;
      buf.store(i, b);
      d = a.nesterov ? d + a.momentum * b : b;
    }
    p.store(i, w - a.lr * d);
  }
}

/// bc1 = 1 − β1^t and bc2_sqrt = √(1 − β2^t) come from the host (computed once per step).
template <class Ctx, class M>
BP_HOST_DEVICE void adam_step(Ctx& ctx, M p, M g, M m, M v, int64_t n, Backend::AdamArgs a, float bc1, float bc2_sqrt) {
  const float step_size = a.lr / bc1;
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) {
    float w = p.load(i);
    float d = g.load(i) + a.l2 * w;
    if (a.l1 != 0.0f) d += a.l1 * signf_(w);
    if (a.decoupled)
      w *= 1.0f - a.lr * a.weight_decay;
    else
      d += a.weight_decay * w;
    const float mi = a.beta1 * m.load(i) + (1.0f - a.beta1) * d;
    const float vi = a.beta2 * v.load(i) + (1.0f - a.beta2) * d * d;
    m.store(i, mi);
    v.store(i, vi);
    p.store(i, w - step_size * mi / (sqrtf(vi) / bc2_sqrt + a.eps));
  }
}

}  // namespace bp::cuda
