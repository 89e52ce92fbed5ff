// Every differentiable op: the forward computation (through the backend) and its backward rule.
// Backward rules run with grad mode off and may use the public ops freely.
#include "backprop/ops.h"

#include <cmath>
#include <string>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "tensor_impl.h"

namespace bp {
namespace {

Backend& be(const Tensor& t) { return t.impl()->backend(); }
StridedView sv(const Tensor& t) { return t.impl()->view(); }

void require(const Tensor& t, const char* op) {
  if (!t.defined()) throw ValueError(std::string(op) + ": input tensor is undefined");
}

void require_same_device(const Tensor& a, const Tensor& b, const char* op) {
  require(a, op);
  require(b, op);
  if (a.device() != b.device())
    throw DeviceError(std::string(op) + ": inputs are on different devices (" + a.device().str() +
                      " and " + b.device().str() + ")");
}

// ---- unary ---------------------------------------------------------------------------------

void unary_backward(const TensorImpl& node, const Tensor& g, Tensor* grads) {
  const Tensor& x = node.in[0];
  Tensor gi = make_tensor(x.shape(), node.backend());
  const TensorImpl::UnaryState st = node.unary_state();
  node.backend().unary_backward(st.op, sv(gi), sv(g), sv(x), node.view(), st.p0, st.p1);
  grads[0] = std::move(gi);
}

// Indexed by UnaryOp.
const OpDef kUnaryDefs[] = {
    {OpId::Unary, "copy", unary_backward},      {OpId::Unary, "neg", unary_backward},      {OpId::Unary, "exp", unary_backward},
    {OpId::Unary, "log", unary_backward},       {OpId::Unary, "sqrt", unary_backward},     {OpId::Unary, "abs", unary_backward},
    {OpId::Unary, "relu", unary_backward},      {OpId::Unary, "leaky_relu", unary_backward}, {OpId::Unary, "elu", unary_backward},
    {OpId::Unary, "sigmoid", unary_backward},   {OpId::Unary, "tanh", unary_backward},     {OpId::Unary, "softplus", unary_backward},
    {OpId::Unary, "sin", unary_backward},       {OpId::Unary, "cos", unary_backward},      {OpId::Unary, "gelu", unary_backward},
    {OpId::Unary, "silu", unary_backward},      {OpId::Unary, "gaussian", unary_backward}, {OpId::Unary, "pow", unary_backward},
    {OpId::Unary, "clamp", unary_backward},     {OpId::Unary, "add_scalar", unary_backward}, {OpId::Unary, "mul_scalar", unary_backward},
    {OpId::Unary, "rsub_scalar", unary_backward}, {OpId::Unary, "rdiv_scalar", unary_backward}, {OpId::Unary, "not_finite", unary_backward},
};
static_assert(sizeof(kUnaryDefs) / sizeof(kUnaryDefs[0]) ==
              static_cast<size_t>(UnaryOp::NonFinite) + 1);

Tensor unary(UnaryOp op, const Tensor& x, float p0 = 0.0f, float p1 = 0.0f) {
  require(x, kUnaryDefs[static_cast<int>(op)].name);
  Tensor out = make_tensor(x.shape(), be(x));
  be(x).unary(op, sv(out), sv(x), p0, p1);
  if (grad_mode_enabled() && x.requires_grad()) {
    out.impl()->save_unary({op, p0, p1});
    record(out, &kUnaryDefs[static_cast<int>(op)], {&x});
  }
  return out;
}

// ---- binary --------------------------------------------------------------------------------

Tensor binary(BinaryOp op, const OpDef* def, const Tensor& a, const Tensor& b, const char* name) {
  require_same_device(a, b, name);
  const Shape s = a.shape() == b.shape() ? a.shape() : broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = make_tensor(s, be(a));
  be(a).binary(op, sv(out), broadcast_view(*a.impl(), s), broadcast_view(*b.impl(), s));
  if (def) record(out, def, {&a, &b});
  return out;
}

const Shape& in_shape(const TensorImpl& n, int i) { return n.input(i).shape(); }

const OpDef kAdd{OpId::Add, "add", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   if (needs_grad(n, 0)) r[0] = sum_to(g, in_shape(n, 0));
                   if (needs_grad(n, 1)) r[1] = sum_to(g, in_shape(n, 1));
                 }};
const OpDef kSub{OpId::Sub, "sub", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   if (needs_grad(n, 0)) r[0] = sum_to(g, in_shape(n, 0));
                   if (needs_grad(n, 1)) r[1] = sum_to(neg(g), in_shape(n, 1));
                 }};
const OpDef kMul{OpId::Mul, "mul", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   if (needs_grad(n, 0)) r[0] = sum_to(mul(g, n.in[1]), in_shape(n, 0));
                   if (needs_grad(n, 1)) r[1] = sum_to(mul(g, n.in[0]), in_shape(n, 1));
                 }};
const OpDef kDiv{OpId::Div, "div", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   if (needs_grad(n, 0)) r[0] = sum_to(div(g, n.in[1]), in_shape(n, 0));
                   if (needs_grad(n, 1)) {
                     const Tensor& b = n.in[1];
                     r[1] = sum_to(neg(div(mul(g, n.in[0]), mul(b, b))), in_shape(n, 1));
                   }
                 }};
// Ties send the gradient to the first argument.
const OpDef kMaximum{OpId::Maximum, "maximum", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                       const Tensor pick_a = ge(n.in[0], n.in[1]);
                       if (needs_grad(n, 0)) r[0] = sum_to(mul(g, pick_a), in_shape(n, 0));
                       if (needs_grad(n, 1)) r[1] = sum_to(mul(g, 1.0f - pick_a), in_shape(n, 1));
                     }};
const OpDef kMinimum{OpId::Minimum, "minimum", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                       const Tensor pick_a = le(n.in[0], n.in[1]);
                       if (needs_grad(n, 0)) r[0] = sum_to(mul(g, pick_a), in_shape(n, 0));
                       if (needs_grad(n, 1)) r[1] = sum_to(mul(g, 1.0f - pick_a), in_shape(n, 1));
                     }};

// ---- reductions ----------------------------------------------------------------------------

constexpr int kAllAxes = -1000;

// Shape of the reduced result with every reduced axis kept as size 1.
Shape keep_shape(const Shape& s, int axis) {
  Shape k = s;
  for (int d = 0; d < s.size(); ++d)
    if (axis == kAllAxes || d == axis) k[d] = 1;
  return k;
}

// The upstream gradient of a reduction, reshaped to the kept shape and broadcast to the input.
Tensor spread(const TensorImpl& n, const Tensor& g) {
  const Shape& xs = n.in[0].shape();
  return g.reshape(keep_shape(xs, n.reduce_state().axis)).broadcast_to(xs);
}

const OpDef kSum{OpId::Sum, "sum", [](const TensorImpl& n, const Tensor& g, Tensor* r) { r[0] = spread(n, g); }};
const OpDef kMean{OpId::Mean, "mean", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                    r[0] = mul(spread(n, g), Tensor::scalar(n.reduce_state().scale, g.device()));
                  }};
const OpDef kMax{OpId::Max, "max", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   const Tensor& x = n.in[0];
                   const Shape ks = keep_shape(x.shape(), n.reduce_state().axis);
                   const Tensor mask = eq(x, value_of(n).reshape(ks));
                   const Tensor count = sum_to(mask, ks);
                   r[0] = mul(mask, div(g.reshape(ks), count));
                 }};

Tensor reduce(ReduceOp op, const OpDef* def, const Tensor& x, int axis, bool keepdim,
              float scale) {
  const Shape& xs = x.shape();
  const Shape ks = keep_shape(xs, axis);
  Shape final_shape;
  if (keepdim) {
    final_shape = ks;
  } else if (axis != kAllAxes) {
    final_shape = xs;
    final_shape.erase(axis);
  }
  Tensor out = make_tensor(final_shape, be(x));
  be(x).reduce(op, {out.impl()->ptr(), ks, contiguous_strides(ks)}, sv(x), scale);
  if (grad_mode_enabled() && x.requires_grad()) {
    out.impl()->save_reduce({axis, scale});
    record(out, def, {&x});
  }
  return out;
}

int64_t reduced_count(const Shape& s, int axis) { return axis == kAllAxes ? s.numel() : s[axis]; }

}  // namespace

// ---- public elementwise ops ----------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, &kAdd, a, b, "add"); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, &kSub, a, b, "sub"); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, &kMul, a, b, "mul"); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, &kDiv, a, b, "div"); }
Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Maximum, &kMaximum, a, b, "maximum");
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary(BinaryOp::Minimum, &kMinimum, a, b, "minimum");
}
Tensor lt(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Lt, nullptr, a, b, "lt"); }
Tensor le(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Le, nullptr, a, b, "le"); }
Tensor gt(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Gt, nullptr, a, b, "gt"); }
Tensor ge(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Ge, nullptr, a, b, "ge"); }
Tensor eq(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Eq, nullptr, a, b, "eq"); }
Tensor ne(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Ne, nullptr, a, b, "ne"); }

Tensor not_finite(const Tensor& x) {
  NoGradGuard no_grad;  // a count, not a differentiable value: never a graph node
  return unary(UnaryOp::NonFinite, x);
}

Tensor neg(const Tensor& x) { return unary(UnaryOp::Neg, x); }
Tensor pow(const Tensor& x, float p) { return unary(UnaryOp::Pow, x, p); }
Tensor exp(const Tensor& x) { return unary(UnaryOp::Exp, x); }
Tensor log(const Tensor& x) { return unary(UnaryOp::Log, x); }
Tensor sqrt(const Tensor& x) { return unary(UnaryOp::Sqrt, x); }
Tensor abs(const Tensor& x) { return unary(UnaryOp::Abs, x); }
Tensor relu(const Tensor& x) { return unary(UnaryOp::Relu, x); }
Tensor leaky_relu(const Tensor& x, float slope) { return unary(UnaryOp::LeakyRelu, x, slope); }
Tensor elu(const Tensor& x, float alpha) { return unary(UnaryOp::Elu, x, alpha); }
Tensor sigmoid(const Tensor& x) { return unary(UnaryOp::Sigmoid, x); }
Tensor tanh(const Tensor& x) { return unary(UnaryOp::Tanh, x); }
Tensor softplus(const Tensor& x) { return unary(UnaryOp::Softplus, x); }
Tensor sin(const Tensor& x) { return unary(UnaryOp::Sin, x); }
Tensor cos(const Tensor& x) { return unary(UnaryOp::Cos, x); }
Tensor gelu(const Tensor& x) { return unary(UnaryOp::Gelu, x); }
Tensor silu(const Tensor& x) { return unary(UnaryOp::Silu, x); }
Tensor gaussian(const Tensor& x) { return unary(UnaryOp::Gaussian, x); }
Tensor clamp(const Tensor& x, float low, float high) {
  if (!(low <= high))
    throw ValueError("clamp: low (" + std::to_string(low) + ") must not exceed high (" +
                     std::to_string(high) + ")");
  return unary(UnaryOp::Clamp, x, low, high);
}

Tensor operator+(const Tensor& a, float s) { return unary(UnaryOp::AddScalar, a, s); }
Tensor operator-(const Tensor& a, float s) { return unary(UnaryOp::AddScalar, a, -s); }
Tensor operator*(const Tensor& a, float s) { return unary(UnaryOp::MulScalar, a, s); }
Tensor operator/(const Tensor& a, float s) { return unary(UnaryOp::MulScalar, a, 1.0f / s); }
Tensor operator+(float s, const Tensor& a) { return unary(UnaryOp::AddScalar, a, s); }
Tensor operator-(float s, const Tensor& a) { return unary(UnaryOp::RSubScalar, a, s); }
Tensor operator*(float s, const Tensor& a) { return unary(UnaryOp::MulScalar, a, s); }
Tensor operator/(float s, const Tensor& a) { return unary(UnaryOp::RDivScalar, a, s); }

// ---- where ---------------------------------------------------------------------------------

namespace {
const OpDef kWhere{OpId::Where, "where", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                     const Tensor zero = Tensor::scalar(0.0f, g.device());
                     if (needs_grad(n, 1)) r[1] = sum_to(where(n.in[0], g, zero), in_shape(n, 1));
                     if (needs_grad(n, 2)) r[2] = sum_to(where(n.in[0], zero, g), in_shape(n, 2));
                   }};
}  // namespace

Tensor where(const Tensor& c, const Tensor& a, const Tensor& b) {
  require_same_device(a, b, "where");
  require_same_device(c, a, "where");
  const Shape s = broadcast_shapes(broadcast_shapes(c.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor out = make_tensor(s, be(a));
  be(a).where(sv(out), broadcast_view(*c.impl(), s), broadcast_view(*a.impl(), s),
              broadcast_view(*b.impl(), s));
  record(out, &kWhere, {&c, &a, &b});
  return out;
}

// ---- reductions ----------------------------------------------------------------------------

Tensor sum(const Tensor& x) {
  require(x, "sum");
  return reduce(ReduceOp::Sum, &kSum, x, kAllAxes, false, 1.0f);
}
Tensor sum(const Tensor& x, int axis, bool keepdim) {
  require(x, "sum");
  const int a = normalize_axis(axis, x.dim(), "sum", x.shape());
  return reduce(ReduceOp::Sum, &kSum, x, a, keepdim, 1.0f);
}
Tensor mean(const Tensor& x) {
  require(x, "mean");
  if (x.numel() == 0) throw ShapeError("mean: tensor of shape " + x.shape().str() + " is empty");
  return reduce(ReduceOp::Sum, &kMean, x, kAllAxes, false,
                1.0f / static_cast<float>(x.numel()));
}
Tensor mean(const Tensor& x, int axis, bool keepdim) {
  require(x, "mean");
  const int a = normalize_axis(axis, x.dim(), "mean", x.shape());
  if (x.shape()[a] == 0) throw ShapeError("mean: axis " + std::to_string(axis) + " of shape " + x.shape().str() + " is empty");
  return reduce(ReduceOp::Sum, &kMean, x, a, keepdim,
                1.0f / static_cast<float>(reduced_count(x.shape(), a)));
}
Tensor max(const Tensor& x) {
  require(x, "max");
  if (x.numel() == 0) throw ShapeError("max: tensor of shape " + x.shape().str() + " is empty");
  return reduce(ReduceOp::Max, &kMax, x, kAllAxes, false, 1.0f);
}
Tensor max(const Tensor& x, int axis, bool keepdim) {
  require(x, "max");
  const int a = normalize_axis(axis, x.dim(), "max", x.shape());
  if (x.shape()[a] == 0) throw ShapeError("max: axis " + std::to_string(axis) + " of shape " + x.shape().str() + " is empty");
  return reduce(ReduceOp::Max, &kMax, x, a, keepdim, 1.0f);
}

Tensor argmax(const Tensor& x, int axis, bool keepdim) {
  require(x, "argmax");
  const int a = normalize_axis(axis, x.dim(), "argmax", x.shape());
  if (x.shape()[a] == 0) throw ShapeError("argmax: axis " + std::to_string(axis) + " of shape " + x.shape().str() + " is empty");
  const Shape ks = keep_shape(x.shape(), a);
  Shape final_shape = ks;
  if (!keepdim) final_shape.erase(a);
  Tensor out = make_tensor(final_shape, be(x));
  be(x).argmax({out.impl()->ptr(), ks, contiguous_strides(ks)}, sv(x), a);
  return out;
}

Tensor logsumexp(const Tensor& x, int axis, bool keepdim) {
  require(x, "logsumexp");
  const int a = normalize_axis(axis, x.dim(), "logsumexp", x.shape());
  Tensor m;
  {
    NoGradGuard no_grad;
    m = max(x, a, true);
    // All -inf (or inf) rows would give inf - inf; shift by 0 there instead.
    m = where(eq(abs(m), Tensor::scalar(INFINITY, x.device())), Tensor::scalar(0.0f, x.device()), m);
  }
  Tensor r = add(log(sum(exp(sub(x, m)), a, true)), m);
  return keepdim ? r : r.squeeze(a);
}

Tensor log_softmax(const Tensor& x, int axis) { return sub(x, logsumexp(x, axis, true)); }
Tensor softmax(const Tensor& x, int axis) { return exp(log_softmax(x, axis)); }

namespace {
const OpDef kSumTo{OpId::SumTo, "sum_to", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                     r[0] = g.broadcast_to(n.in[0].shape());
                   }};
}  // namespace

Tensor sum_to(const Tensor& x, const Shape& shape) {
  require(x, "sum_to");
  if (x.shape() == shape) return x;
  const int nd = x.dim();
  if (shape.size() > nd)
    throw ShapeError("sum_to: cannot sum shape " + x.shape().str() + " to " + shape.str());
  Shape padded;
  for (int i = 0; i < nd - shape.size(); ++i) padded.push_back(1);
  for (int64_t d : shape) padded.push_back(d);
  for (int d = 0; d < nd; ++d)
    if (padded[d] != 1 && padded[d] != x.shape()[d])
      throw ShapeError("sum_to: cannot sum shape " + x.shape().str() + " to " + shape.str());
  Tensor out = make_tensor(shape, be(x));
  be(x).reduce(ReduceOp::Sum, {out.impl()->ptr(), padded, contiguous_strides(padded)}, sv(x), 1.0f);
  record(out, &kSumTo, {&x});
  return out;
}

// ---- matmul and linear ---------------------------------------------------------------------

namespace {
const OpDef kMatmul{OpId::Matmul, "matmul", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                      const Tensor& a = n.in[0];
                      const Tensor& b = n.in[1];
                      if (needs_grad(n, 0)) r[0] = sum_to(matmul(g, b.transpose(-2, -1)), a.shape());
                      if (needs_grad(n, 1)) r[1] = sum_to(matmul(a.transpose(-2, -1), g), b.shape());
                    }};

// gx = g·w, gw = gᵀ·x and gb = column sums of g, in one backend call.
const OpDef kLinear{OpId::Linear, "linear", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                      const Tensor& x = n.in[0];
                      const Tensor& w = n.in[1];
                      Backend& backend = n.backend();
                      if (needs_grad(n, 0)) r[0] = make_tensor(x.shape(), backend);
                      if (needs_grad(n, 1)) r[1] = make_tensor(w.shape(), backend);
                      if (n.num_in > 2 && needs_grad(n, 2)) r[2] = make_tensor(n.in[2].shape(), backend);
                      const StridedView gx = r[0].defined() ? sv(r[0]) : StridedView{};
                      backend.linear_backward(r[0].defined() ? &gx : nullptr,
                                              r[1].defined() ? r[1].impl()->ptr() : nullptr,
                                              r[2].defined() ? r[2].impl()->ptr() : nullptr, sv(g), sv(x), sv(w));
                    }};
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  require_same_device(a, b, "matmul");
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  if (as.size() < 2 || bs.size() < 2)
    throw ShapeError("matmul: inputs need at least 2 dimensions, got " + as.str() + " and " + bs.str());
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    throw ShapeError("matmul: inner dimensions differ in " + as.str() + " @ " + bs.str());
  Shape batch_a(as.begin(), as.end() - 2), batch_b(bs.begin(), bs.end() - 2);
  Shape batch = batch_a == batch_b ? batch_a : broadcast_shapes(batch_a, batch_b, "matmul");
  Shape out_shape = batch, a_full = batch, b_full = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  a_full.push_back(m);
  a_full.push_back(k);
  b_full.push_back(k);
  b_full.push_back(n);
  Tensor out = make_tensor(out_shape, be(a));
  be(a).matmul(sv(out), broadcast_view(*a.impl(), a_full), broadcast_view(*b.impl(), b_full), false);
  record(out, &kMatmul, {&a, &b});
  return out;
}

namespace {
Tensor linear_impl(const Tensor& x, const Tensor& w, const Tensor& b, bool relu) {
  require_same_device(x, w, "linear");
  if (x.dim() != 2 || w.dim() != 2 || x.shape()[1] != w.shape()[1])
    throw ShapeError("linear: input " + x.shape().str() + " does not fit weight " +
                     w.shape().str() + " (expected [N, in] and [out, in])");
  const int64_t n = x.shape()[0], out_f = w.shape()[0];
  Tensor out = make_tensor({n, out_f}, be(x));
  StridedView wt{w.impl()->ptr(), {w.shape()[1], out_f}, {w.strides()[1], w.strides()[0]}};
  Tensor copy;  // of a strided bias only (a handle copied and dropped costs a store-forwarding stall)
  const float* bias = nullptr;
  if (b.defined()) {
    require_same_device(x, b, "linear");
    if (b.dim() != 1 || b.shape()[0] != out_f)
      throw ShapeError("linear: bias " + b.shape().str() + " does not fit weight " + w.shape().str());
    if (b.is_contiguous()) {
      bias = b.impl()->ptr();
    } else {
      copy = b.contiguous();
      bias = copy.impl()->ptr();
    }
  }
  be(x).linear(sv(out), sv(x), wt, bias, relu);
  return out;
}
}  // namespace

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  Tensor out = linear_impl(x, w, b, false);
  if (b.defined())
    record(out, &kLinear, {&x, &w, &b});
  else
    record(out, &kLinear, {&x, &w});
  return out;
}

Tensor linear_relu_inference(const Tensor& x, const Tensor& w, const Tensor& b) {
  if (grad_mode_enabled() && (x.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad())))
    return relu(linear(x, w, b));  // recording: two nodes, as the graph inspector shows them
  return linear_impl(x, w, b, true);
}

// ---- fused loss ----------------------------------------------------------------------------

namespace {
const OpDef kBceLogits{OpId::BceLogits, "bce_with_logits", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                         const Tensor& z = n.in[0];
                         const Tensor& y = n.in[1];
                         const float scale = 1.0f / static_cast<float>(z.numel());
                         if (needs_grad(n, 0)) {
                           Tensor gz = make_tensor(z.shape(), be(z));
                           // (g has one element: its pointer is it, whatever its strides)
                           be(z).bce_logits_backward(sv(gz), sv(z), sv(y), g.impl()->ptr(), scale);
                           r[0] = std::move(gz);
                         }
                         if (needs_grad(n, 1)) r[1] = mul(z, g * -scale);
                       }};
}  // namespace

Tensor bce_with_logits(const Tensor& logits, const Tensor& targets) {
  require_same_device(logits, targets, "bce_with_logits");
  if (logits.shape() != targets.shape())
    throw ShapeError("bce_with_logits: logits " + logits.shape().str() + " and targets " +
                     targets.shape().str() + " differ in shape");
  if (logits.numel() == 0) throw ShapeError("bce_with_logits: no elements");
  Tensor out = make_tensor(Shape{}, be(logits));
  be(logits).bce_logits(out.impl()->ptr(), sv(logits), sv(targets));
  record(out, &kBceLogits, {&logits, &targets});
  return out;
}

// ---- assembling ----------------------------------------------------------------------------

namespace {
const OpDef kCat{OpId::Cat, "cat", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                   int64_t start = 0;
                   for (int i = 0; i < n.num_in; ++i) {
                     const int axis = n.cat_axis();
                     const int64_t len = n.input(i).shape()[axis];
                     if (needs_grad(n, i)) r[i] = g.slice(axis, start, start + len);
                     start += len;
                   }
                 }};
}  // namespace

Tensor cat(const std::vector<Tensor>& parts, int axis) {
  if (parts.empty()) throw ValueError("cat: no tensors given");
  for (const Tensor& p : parts) require_same_device(parts[0], p, "cat");
  const Shape& s0 = parts[0].shape();
  const int a = normalize_axis(axis, s0.size(), "cat", s0);
  Shape out_shape = s0;
  out_shape[a] = 0;
  for (const Tensor& p : parts) {
    const Shape& s = p.shape();
    bool ok = s.size() == s0.size();
    for (int d = 0; ok && d < s.size(); ++d) ok = d == a || s[d] == s0[d];
    if (!ok)
      throw ShapeError("cat: shape " + s.str() + " does not fit " + s0.str() + " along axis " +
                       std::to_string(axis));
    out_shape[a] += s[a];
  }
  Tensor out = make_tensor(out_shape, be(parts[0]));
  int64_t start = 0;
  for (const Tensor& p : parts) {
    StridedView dst = sv(out);
    dst.data += start * dst.strides[a];
    dst.shape[a] = p.shape()[a];
    be(p).unary(UnaryOp::Copy, dst, sv(p), 0.0f, 0.0f);
    start += p.shape()[a];
  }
  if (grad_mode_enabled()) {
    out.impl()->save_cat_axis(a);
    record(out, &kCat, parts);
  }
  return out;
}

Tensor gather_rows(const Tensor& x, const Tensor& index) {
  require_same_device(x, index, "gather_rows");
  if (x.dim() < 1) throw ShapeError("gather_rows: x must have at least one dimension, got a scalar");
  if (index.dim() != 1) throw ShapeError("gather_rows: index must be 1-D, got " + index.shape().str());
  if (grad_mode_enabled() && x.requires_grad())
    throw ValueError("gather_rows: carries no gradient; call it on data, or inside a NoGradGuard");
  Shape s = x.shape();
  s[0] = index.shape()[0];
  Tensor out = make_tensor(s, be(x));
  be(x).gather_rows(sv(out), sv(x), sv(index));
  return out;
}

Tensor one_hot(const Tensor& labels, int num_classes) {
  require(labels, "one_hot");
  if (labels.dim() != 1) throw ShapeError("one_hot: labels must be 1-D, got " + labels.shape().str());
  if (num_classes < 1) throw ValueError("one_hot: need at least one class");
  // On the labels' device, from a broadcast comparison: row i, column c is (label_i == c).
  const int64_t n = labels.shape()[0];
  const Tensor out = eq(labels.reshape({n, 1}), Tensor::arange(num_classes, labels.device()).reshape({1, num_classes}));
  // A label that is not a whole number in 0..k-1 (or NaN) leaves its row empty: one count comes
  // back to the host (exact below 2^24 rows), and only a failure reads the labels to name it.
  if (n > 0 && out.sum().item() != static_cast<float>(n)) {
    const std::vector<float> v = labels.to_vector();
    for (size_t i = 0; i < v.size(); ++i)
      if (!(v[i] >= 0.0f && v[i] < static_cast<float>(num_classes)) || v[i] != std::floor(v[i]))
        throw ValueError("one_hot: label " + std::to_string(v[i]) + " at row " + std::to_string(i) + " is not a class in 0.." +
                         std::to_string(num_classes - 1));
  }
  return out;
}

}  // namespace bp
