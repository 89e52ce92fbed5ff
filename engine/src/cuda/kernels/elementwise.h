// Elementwise kernels over strided views (broadcast, transposed, sliced): a grid-stride loop,
// one element per thread per pass, and the value of every unary op in float as the CPU backend
// defines it (NaN propagates; GELU through erfc).
#pragma once
#include <cmath>

#include "../../backend.h"
#include "kernel_api.h"
#include "trig.h"

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
    case UnaryOp::Sin: return sin_f(x);
    case UnaryOp::Cos: return cos_f(x);
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

/// gin = gout · op'(x), given y = op(x), written as the CPU backend writes each derivative.
BP_HOST_DEVICE inline float unary_grad(UnaryOp op, float g, float x, float y, float p0, float p1) {
  switch (op) {
    case UnaryOp::Copy:
    case UnaryOp::AddScalar: return g;
    case UnaryOp::Neg:
    case UnaryOp::RSubScalar: return -g;
    case UnaryOp::MulScalar: return g * p0;
    case UnaryOp::RDivScalar: return -g * p0 / (x * x);
    case UnaryOp::Exp: return g * y;
    case UnaryOp::Log: return g / x;
    case UnaryOp::Sqrt: return g * 0.5f / y;
    case UnaryOp::Abs: return x > 0.0f ? g : (x < 0.0f ? -g : 0.0f);
    case UnaryOp::Relu: return x > 0.0f ? g : 0.0f;
    case UnaryOp::LeakyRelu: return x > 0.0f ? g : p0 * g;
    case UnaryOp::Elu: return x > 0.0f ? g : g * (y + p0);
    case UnaryOp::Sigmoid: return g * y * (1.0f - y);
    case UnaryOp::Tanh: return g * (1.0f - y * y);
    case UnaryOp::Softplus: return g * sigmoidf_(x);
    case UnaryOp::Sin: return g * cos_f(x);
    case UnaryOp::Cos: return -g * sin_f(x);
    case UnaryOp::Gelu:
      return g * (0.5f * erfcf(-x * 0.70710678118654752f) + x * 0.39894228040143268f * expf(-0.5f * x * x));
    case UnaryOp::Silu: {
      const float s = sigmoidf_(x);
      return g * (s + x * s * (1.0f - s));
    }
    case UnaryOp::Gaussian: return g * -2.0f * x * y;
    case UnaryOp::Pow: return p0 == 0.0f ? 0.0f : g * p0 * (p0 == 2.0f ? x : powf(x, p0 - 1.0f));
    case UnaryOp::Clamp: return x >= p0 && x <= p1 ? g : 0.0f;
    case UnaryOp::NonFinite: return 0.0f;
  }
  return g;
}

BP_HOST_DEVICE inline float binary_value(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Maximum: return a > b || a != a ? a : b;  // NaN wins, as on the CPU
    case BinaryOp::Minimum: return a < b || a != a ? a : b;
    case BinaryOp::Lt: return a < b ? 1.0f : 0.0f;
    case BinaryOp::Le: return a <= b ? 1.0f : 0.0f;
    case BinaryOp::Gt: return a > b ? 1.0f : 0.0f;
    case BinaryOp::Ge: return a >= b ? 1.0f : 0.0f;
    case BinaryOp::Eq: return a == b ? 1.0f : 0.0f;
    case BinaryOp::Ne: return a != b ? 1.0f : 0.0f;
  }
  return a;
}

/// The first element this thread handles, and the stride of the grid-stride loop.
template <class Ctx>
BP_HOST_DEVICE int64_t first_element(Ctx& ctx) {
  return static_cast<int64_t>(ctx.block_x()) * ctx.block_dim_x() + ctx.thread_x();
}
template <class Ctx>
BP_HOST_DEVICE int64_t grid_stride(Ctx& ctx) {
  return static_cast<int64_t>(ctx.grid_dim_x()) * ctx.block_dim_x();
}

/// out = op(in), element by element; in and out have the same shape.
template <class Ctx, class In, class Out>
BP_HOST_DEVICE void unary_map(Ctx& ctx, UnaryOp op, In in, KernelView iv, Out out, KernelView ov, float p0, float p1) {
  const int64_t n = ov.numel();
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) out.store(ov.at(i), unary_value(op, in.load(iv.at(i)), p0, p1));
}

/// gin = gout · op'(x) (y = op(x) is read too); all four views have one shape.
template <class Ctx, class M>
BP_HOST_DEVICE void unary_backward_map(Ctx& ctx, UnaryOp op, M gin, KernelView giv, M gout, KernelView gv, M x, KernelView xv, M y,
                                       KernelView yv, float p0, float p1) {
  const int64_t n = giv.numel();
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx))
    gin.store(giv.at(i), unary_grad(op, gout.load(gv.at(i)), x.load(xv.at(i)), y.load(yv.at(i)), p0, p1));
}

/// out = a op b; a and b are already broadcast to out's shape (stride 0 where they repeat).
template <class Ctx, class M>
BP_HOST_DEVICE void binary_map(Ctx& ctx, BinaryOp op, M out, KernelView ov, M a, KernelView av, M b, KernelView bv) {
  const int64_t n = ov.numel();
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) out.store(ov.at(i), binary_value(op, a.load(av.at(i)), b.load(bv.at(i))));
}

/// out = cond ≠ 0 ? a : b.
template <class Ctx, class M>
BP_HOST_DEVICE void where_map(Ctx& ctx, M out, KernelView ov, M cond, KernelView cv, M a, KernelView av, M b, KernelView bv) {
  const int64_t n = ov.numel();
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx))
    out.store(ov.at(i), cond.load(cv.at(i)) != 0.0f ? a.load(av.at(i)) : b.load(bv.at(i)));
}

template <class Ctx, class M>
BP_HOST_DEVICE void fill_map(Ctx& ctx, M out, KernelView ov, float value) {
  const int64_t n = ov.numel();
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) out.store(ov.at(i), value);
}

/// out[i, ...] = in[index[i], ...], a NaN row where index[i] is not a whole number in 0..N-1.
/// out and in are viewed as [rows, width] (row r's elements at offset + r·row_stride + j·stride).
template <class Ctx, class M>
BP_HOST_DEVICE void gather_rows_map(Ctx& ctx, M out, KernelView ov, M in, KernelView iv, M index, KernelView xv) {
  const int64_t rows = ov.shape[0], width = rows ? ov.numel() / rows : 0, in_rows = iv.shape[0];
  KernelView orow = ov, irow = iv;  // one row: the view without its first dimension
  orow.shape[0] = irow.shape[0] = 1;
  for (int64_t i = first_element(ctx); i < rows * width; i += grid_stride(ctx)) {
    const int64_t r = i / width, j = i % width;
    const float k = index.load(xv.at(r));
    const bool ok = k >= 0.0f && k < static_cast<float>(in_rows) && k == floorf(k);
    const int64_t dst = orow.at(j) + r * ov.strides[0];
    out.store(dst, ok ? in.load(irow.at(j) + static_cast<int64_t>(k) * iv.strides[0]) : NAN);
  }
}

}  // namespace bp::cuda

namespace bp::cuda {

/// The epilogue of a Linear layer's forward pass over out [rows, cols] (contiguous rows):
/// out += bias (when given), then max(out, 0) when relu (NaN stays NaN).
template <class Ctx, class M>
BP_HOST_DEVICE void bias_activation_map(Ctx& ctx, M out, KernelView ov, M bias, bool has_bias, bool relu) {
  const int64_t n = ov.numel(), cols = ov.shape[1];
  for (int64_t i = first_element(ctx); i < n; i += grid_stride(ctx)) {
    const int64_t at = ov.at(i);
    float v = out.load(at);
    if (has_bias) v += bias.load(i % cols);
    out.store(at, relu ? (v > 0.0f || v != v ? v : 0.0f) : v);
  }
}

}  // namespace bp::cuda
