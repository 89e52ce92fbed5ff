// Differentiable tensor operations. Elementwise ops broadcast their inputs (NumPy rules); their
// backward pass sums gradients over the broadcast dimensions. Comparisons, argmax and the
// rounding-like ops carry no gradient.
#pragma once
#include <vector>

#include "backprop/tensor.h"

namespace bp {

// ---- elementwise, binary ---------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// ---- elementwise, unary ----------------------------------------------------------------------
Tensor neg(const Tensor& x);
/// x^p for a scalar exponent p.
Tensor pow(const Tensor& x, float p);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, float slope = 0.01f);
Tensor elu(const Tensor& x, float alpha = 1.0f);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
/// log(1 + e^x), computed stably.
Tensor softplus(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
/// x·Φ(x) with the exact normal CDF (PyTorch's default GELU).
Tensor gelu(const Tensor& x);
/// x·sigmoid(x), also called swish.
Tensor silu(const Tensor& x);
inline Tensor swish(const Tensor& x) { return silu(x); }
/// exp(−x²), the bump used by radial-basis networks.
Tensor gaussian(const Tensor& x);
Tensor clamp(const Tensor& x, float low, float high);

// ---- selection and comparison (no gradient through the condition) ----------------------------
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
/// 1 where x is NaN or ±Inf, else 0 (no gradient): sum() of it counts non-finite values on the
/// tensor's device.
Tensor not_finite(const Tensor& x);

// ---- linear algebra ---------------------------------------------------------------------------
/// Matrix product of 2-D tensors, or batched over leading dimensions (which broadcast).
Tensor matmul(const Tensor& a, const Tensor& b);
/// x·wᵀ + b for x [N, in], w [out, in], b [out] (b may be undefined): one fused node.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);
/// relu(linear(x, w, b)) in one pass when no graph is recorded (inference); otherwise the same
/// two recorded nodes.
Tensor linear_relu_inference(const Tensor& x, const Tensor& w, const Tensor& b);

// ---- reductions -------------------------------------------------------------------------------
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, int axis, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int axis, bool keepdim = false);
/// Largest value; the gradient is split evenly between tied maxima.
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, int axis, bool keepdim = false);
/// Index of the largest value along `axis` (first on ties), as float.
Tensor argmax(const Tensor& x, int axis, bool keepdim = false);
Tensor logsumexp(const Tensor& x, int axis, bool keepdim = false);
Tensor log_softmax(const Tensor& x, int axis);
Tensor softmax(const Tensor& x, int axis);
/// Sums a gradient shaped like a broadcast result back to `shape`.
Tensor sum_to(const Tensor& x, const Shape& shape);

// ---- assembling -------------------------------------------------------------------------------
Tensor cat(const std::vector<Tensor>& parts, int axis);
/// Rows of x [N, ...] picked by index [M] (whole numbers, stored as float) on x's device:
/// [M, ...]. A row whose index is not a whole number in 0..N-1 comes out as NaN. No gradient:
/// throws ValueError when x requires grad and grad mode is on (minibatches gather data).
Tensor gather_rows(const Tensor& x, const Tensor& index);
/// [N] integer labels to [N, k] one-hot rows (no gradient).
Tensor one_hot(const Tensor& labels, int num_classes);

// ---- fused losses (see loss.h for the user-facing versions) ----------------------------------
/// mean over elements of max(z,0) − z·y + log(1 + e^−|z|).
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets);

}  // namespace bp
