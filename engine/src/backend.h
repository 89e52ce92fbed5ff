// Internal: the table of operations a device backend provides. The CPU backend always exists;
// a CUDA backend implements the same interface in its own target. Tensor ops in ops.cpp call
// only this interface, so no device type appears in a public header.
//
// Threading contract. One Backend object serves every thread: the app's training worker, its UI
// thread (the inspector's tensor graph, plots) and the CLI's main thread may call any method at
// the same time, on different memory. Calls on the same memory never overlap: the engine does
// not share a tensor that one thread writes. So a backend must make every method safe to call
// concurrently (no unguarded per-backend scratch or state; the CPU backend's thread pool runs
// one parallel region at a time and runs nested regions inline), and must have finished a call's
// writes, as seen from the calling thread, when the call returns (to_host included).
//
// Pointers. Every float* and every StridedView::data is device memory from allocate(), except
// the host side of to_host/from_host. That includes bce_logits_backward's `gout`, a single
// value on the device (the upstream gradient is never read back to the host to call it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "backprop/device.h"
#include "backprop/shape.h"

namespace bp {

/// Pointer to element zero of an n-d view, with its shape and element strides (0 = broadcast).
struct StridedView {
  float* data;
  Shape shape;
  Shape strides;
};

enum class UnaryOp : uint8_t {
  Copy, Neg, Exp, Log, Sqrt, Abs, Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softplus, Sin, Cos, Gelu,
  Silu, Gaussian, Pow, Clamp, AddScalar, MulScalar, RSubScalar, RDivScalar,
  NonFinite,  ///< 1 where x is NaN or ±Inf, else 0 (its derivative is 0)
};

enum class BinaryOp : uint8_t { Add, Sub, Mul, Div, Maximum, Minimum, Lt, Le, Gt, Ge, Eq, Ne };

enum class ReduceOp : uint8_t { Sum, Max };

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;
  /// One line for users: the device and what runs on it (see device_description).
  virtual std::string description() const = 0;

  virtual float* allocate(size_t count) = 0;
  virtual void deallocate(float* p, size_t count) = 0;
  virtual void to_host(float* host, const float* device_src, size_t count) = 0;
  virtual void from_host(float* device_dst, const float* host, size_t count) = 0;

  virtual void fill(const StridedView& out, float value) = 0;
  /// out = op(in); p0, p1 are the op's scalars (exponent, slope, bounds, the scalar operand).
  virtual void unary(UnaryOp op, const StridedView& out, const StridedView& in, float p0,
                     float p1) = 0;
  /// gin = gout · op'(x), where y = op(x) is passed too (some derivatives read it).
  virtual void unary_backward(UnaryOp op, const StridedView& gin, const StridedView& gout,
                              const StridedView& x, const StridedView& y, float p0, float p1) = 0;
  /// out = a op b; a and b are already broadcast to out's shape.
  virtual void binary(BinaryOp op, const StridedView& out, const StridedView& a,
                      const StridedView& b) = 0;
  virtual void where(const StridedView& out, const StridedView& cond, const StridedView& a,
                     const StridedView& b) = 0;
  /// Reduces `in` over every dimension where out's size is 1 and in's is not (out keeps all
  /// dimensions), then multiplies by `scale`.
  virtual void reduce(ReduceOp op, const StridedView& out, const StridedView& in, float scale) = 0;
  virtual void argmax(const StridedView& out, const StridedView& in, int axis) = 0;
  /// out[i, ...] = in[index[i], ...] for out [M, ...], in [N, ...] and index [M] (whole numbers
  /// stored as float). A row whose index is not a whole number in 0..N-1 is filled with NaN.
  virtual void gather_rows(const StridedView& out, const StridedView& in,
                           const StridedView& index) = 0;
  /// out[b] = a[b] · b[b] (+ out[b] when accumulate), over matching leading batch dimensions.
  virtual void matmul(const StridedView& out, const StridedView& a, const StridedView& b,
                      bool accumulate) = 0;

  /// out = x · wt + bias (bias contiguous [N] or null), then max(out, 0) when relu: the forward
  /// pass of a Linear layer (with its ReLU fused in, for inference).
  virtual void linear(const StridedView& out, const StridedView& x, const StridedView& wt,
                      const float* bias, bool relu) = 0;

  /// The gradients of y = x·wᵀ + b (a Linear layer) from gy [N, out]: gx = gy·w [N, in],
  /// gw = gyᵀ·x [out, in] and gb = column sums of gy [out] (contiguous), each skipped when null.
  virtual void linear_backward(const StridedView* gx, float* gw, float* gb, const StridedView& gy,
                               const StridedView& x, const StridedView& w) = 0;

  /// Mean binary cross-entropy from logits z and targets y (same shape), written to out[0].
  virtual void bce_logits(float* out, const StridedView& z, const StridedView& y) = 0;
  /// gz = scale · (sigmoid(z) − y) · gout, where gout is a single value on the device.
  virtual void bce_logits_backward(const StridedView& gz, const StridedView& z,
                                   const StridedView& y, const float* gout, float scale) = 0;

  /// Independent pieces of work that each call this backend (the boundary grid's chunks of
  /// rows): runs fn(begin, end) over [0, n) and returns when all have finished. The CPU backend
  /// spreads the ranges over its threads; a backend whose kernels are parallel already runs
  /// them in order, which is what this default does.
  virtual void run_chunks(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
    if (n > 0) fn(0, n);
  }

  struct SgdArgs {
    float lr, momentum, dampening, weight_decay, l1, l2;
    bool nesterov, first_step;
  };
  /// One SGD update of a contiguous parameter in place (buf is the momentum buffer).
  virtual void sgd_step(float* param, const float* grad, float* buf, size_t n,
                        const SgdArgs& args) = 0;
  struct AdamArgs {
    float lr, beta1, beta2, eps, weight_decay, l1, l2;
    bool decoupled;
    int64_t step;
  };
  virtual void adam_step(float* param, const float* grad, float* m, float* v, size_t n,
                         const AdamArgs& args) = 0;
};

/// The backend of a device; throws DeviceError when that device is unavailable.
Backend& backend_for(Device device);

/// Tests only: routes cuda:0 to `b` and reports CUDA available (the tests pass the CUDA
/// backend's own code running over their SIMT emulator); null restores the real answer.
void set_cuda_backend_override(Backend* b);
Backend& cpu_backend();

}  // namespace bp
