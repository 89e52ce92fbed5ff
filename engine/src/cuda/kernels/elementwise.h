// Elementwise kernels over strided views (broadcast, transposed, sliced): a grid-stride loop,
// one element per thread per pass, and the value of every unary op in float as the CPU backend
// defines it (NaN propagates; GELU through erfc).
#pragma once
#include <cmath>

#include "../../backend.h"
#include "kernel_api.h"

namespace bp::cuda {

BP_HOST_DEVICE inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

/// op(x) with the op's scalars p0, p1.
BP_HOST_DEVICE inline float unary_value(UnaryOp op, float x, float p0, float p1) {
  switch (op) {
    case UnaryOp::Copy: return x;
    case UnaryOp::Neg: return -x;
    case UnaryOp::Exp: return expf(x);
    case UnaryOp::Log: return logf(x);
    case UnaryOp::Sqrt: return sqrtf(x);
    case UnaryOp::Abs: return fabsf(x);
    case UnaryOp::Relu: return x > 0.0f || x != x ? x : 0.0f;
    case UnaryOp::LeakyRelu: return x > 0.0f ? x : p0 * x;
    case UnaryOp::Elu: return x > 0.0f ? x : p0 * (expf(x) - 1.0f);
    case UnaryOp::Sigmoid: return sigmoidf_(x);
    case UnaryOp::Tanh: return tanhf(x);
    case UnaryOp::Softplus: return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));  // NaN: log1pf gives NaN
    case UnaryOp::Sin: return sinf(x);
    case UnaryOp::Cos: return cosf(x);
    case UnaryOp::Gelu: return 0.5f * x * erfcf(-x * 0.70710678118654752f);
    case UnaryOp::Silu: return x * sigmoidf_(x);
    case UnaryOp::Gaussian: return expf(-x * x);
    case UnaryOp::Pow: return p0 == 2.0f ? x * x : powf(x, p0);
    case UnaryOp::Clamp: return x < p0 ? p0 : (x > p1 ? p1 : x);
    case UnaryOp::AddScalar: return x + p0;
    case UnaryOp::MulScalar: return x * p0;
    case UnaryOp::RSubScalar: return p0 - x;
    case UnaryOp::RDivScalar: return p0 / x;
    case UnaryOp::NonFinite: return x - x == 0.0f ? 0.0f : 1.0f;  // Inf − Inf and NaN − NaN are NaN
  }
  return x;
}

/// out = op(in), element by element; in and out have the same shape.
template <class Ctx, class In, class Out>
BP_HOST_DEVICE void unary_map(Ctx& ctx, UnaryOp op, In in, KernelView iv, Out out, KernelView ov, float p0, float p1) {
  const int64_t n = ov.numel();
  const int64_t step = static_cast<int64_t>(ctx.grid_dim_x()) * ctx.block_dim_x();
  for (int64_t i = static_cast<int64_t>(ctx.block_x()) * ctx.block_dim_x() + ctx.thread_x(); i < n; i += step)
    out.store(ov.at(i), unary_value(op, in.load(iv.at(i)), p0, p1));
}

}  // namespace bp::cuda
