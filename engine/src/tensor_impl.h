// Internal: what a Tensor handle points to. A TensorImpl is both an n-d view over a Storage and a
// node of the autodiff graph (op, inputs, saved scalars). Not part of the public API.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "backprop/tensor.h"

namespace bp {

/// A device buffer of float32 values, returned to its backend's pool when the last view dies.
struct Storage {
  float* data = nullptr;
  size_t size = 0;
  Backend* backend = nullptr;
  Storage(Backend* b, size_t n) : data(b->allocate(n)), size(n), backend(b) {}
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() { backend->deallocate(data, size); }
};

/// Which op made a node. Code that treats ops differently (the inspector's backward rules)
/// switches on this, never on the display name.
enum class OpId : uint8_t {
  Unary, Add, Sub, Mul, Div, Maximum, Minimum, Where, Sum, Mean, Max, SumTo, Matmul, Linear, BceLogits, Cat,
  Reshape, Permute, Transpose, BroadcastTo, Slice, Copy, To,
  Custom,  ///< an op defined outside ops.cpp and views.cpp (tests)
};

/// One differentiable operation: its id, its display name and how to turn the output's
/// gradient into the gradients of its inputs. `grads` has one slot per input; slots of inputs
/// that do not require grad may be left undefined.
struct OpDef {
  OpId id;
  const char* name;
  void (*backward)(const TensorImpl& node, const Tensor& grad_out, Tensor* grads);
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;
  int64_t offset = 0;

  bool requires_grad = false;
  Tensor grad;

  // Graph node: null op means a leaf (input or parameter).
  const OpDef* op = nullptr;
  std::array<Tensor, 3> in;
  int num_in = 0;
  uint64_t seq = 0;
  uint64_t visit = 0;  // scratch mark for graph walks

  /// What few nodes need, allocated on first use: every op creates a TensorImpl, and a smaller
  /// one is cheaper to create and destroy.
  struct Extras {
    std::vector<Tensor> more_in;  // inputs past the third (only cat uses these)
    Shape aux;                    // op shape-like data (permutation, slice bounds)
    std::string name;
  };
  std::unique_ptr<Extras> extras;
  float saved_f_[2] = {0.0f, 0.0f};  // see the save_* accessors
  int saved_i_ = 0;
  Extras& extra() {
    if (!extras) extras = std::make_unique<Extras>();
    return *extras;
  }

  // ---- what an op saved for its backward rule, by name ----------------------------------------
  // Every node has room for two floats and an int (a node must stay small: every op makes one);
  // shape-like state lives in Extras. Each op writes and reads its state only through these.
  struct UnaryState {
    UnaryOp op;
    float p0, p1;  ///< the op's scalars (exponent, slope, bounds, the scalar operand)
  };
  void save_unary(const UnaryState& s) { saved_i_ = static_cast<int>(s.op), saved_f_[0] = s.p0, saved_f_[1] = s.p1; }
  UnaryState unary_state() const { return {static_cast<UnaryOp>(saved_i_), saved_f_[0], saved_f_[1]}; }
  struct ReduceState {
    int axis;     ///< the reduced axis, or kAllAxes
    float scale;  ///< the factor applied after summing (1/n for mean)
  };
  void save_reduce(const ReduceState& s) { saved_i_ = s.axis, saved_f_[0] = s.scale; }
  ReduceState reduce_state() const { return {saved_i_, saved_f_[0]}; }
  void save_cat_axis(int axis) { saved_i_ = axis; }
  int cat_axis() const { return saved_i_; }
  /// permute and transpose: the order of the input's axes.
  void save_permutation(const Shape& order) { extra().aux = order; }
  const Shape& permutation() const { return extras->aux; }
  struct SliceState {
    int axis;
    int64_t start, step;
  };
  void save_slice(const SliceState& s) { extra().aux = Shape{s.axis, s.start, s.step}; }
  SliceState slice_state() const { return {static_cast<int>(extras->aux[0]), extras->aux[1], extras->aux[2]}; }

  const Tensor& input(int i) const {
    return i < 3 ? in[static_cast<size_t>(i)] : extras->more_in[static_cast<size_t>(i - 3)];
  }
  float* ptr() const { return storage->data + offset; }
  Backend& backend() const { return *storage->backend; }
  StridedView view() const { return {ptr(), shape, strides}; }
};

/// A fresh contiguous tensor (uninitialised) on a backend.
Tensor make_tensor(const Shape& shape, Backend& backend);
/// A handle to a node's own value (no graph), for backward rules that read their output.
Tensor value_of(const TensorImpl& node);
/// Replaces t's storage by a contiguous copy on `device` (its gradient moves too): every handle
/// to t sees the new device. A no-op when t is already there.
void move_storage(const Tensor& t, Device device);
/// A view sharing `base`'s storage.
Tensor make_view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset);
/// Strided view of `t` broadcast to `shape` (zero strides on new or size-1 dimensions).
StridedView broadcast_view(const TensorImpl& t, const Shape& shape);
uint64_t next_sequence_number();
/// `axis` counted from the end when negative; throws ShapeError naming `op` when it is not an
/// axis of an `nd`-dimensional tensor of `shape`.
int normalize_axis(int axis, int nd, const char* op, const Shape& shape);

/// True when ops should record the graph (not inside a NoGradGuard).
bool grad_mode_enabled();

/// Records `out` as the result of `op` on `inputs` when grad mode is on and an input needs grad.
void record(const Tensor& out, const OpDef* op, std::initializer_list<const Tensor*> inputs);
void record(const Tensor& out, const OpDef* op, const std::vector<Tensor>& inputs);
/// True when input i of the node needs a gradient.
inline bool needs_grad(const TensorImpl& node, int i) {
  const Tensor& t = node.input(i);
  return t.defined() && t.impl()->requires_grad;
}

}  // namespace bp
