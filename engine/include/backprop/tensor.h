// Tensor: a float32 n-d array with shape, strides and offset over a shared storage, and a node of
// the autodiff graph. Views (reshape of contiguous data, permute, transpose, broadcast_to, slice)
// share storage; `contiguous()` copies only when needed. Copying a Tensor copies the handle.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "backprop/device.h"
#include "backprop/shape.h"

namespace bp {

struct TensorImpl;
class Rng;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- creation -------------------------------------------------------------------------------
  static Tensor empty(const Shape& shape, Device device = {});
  static Tensor zeros(const Shape& shape, Device device = {});
  static Tensor ones(const Shape& shape, Device device = {});
  static Tensor full(const Shape& shape, float value, Device device = {});
  static Tensor scalar(float value, Device device = {});
  /// Copies `values` (row-major) into a new tensor; throws ShapeError if the counts differ.
  static Tensor from_vector(const std::vector<float>& values, const Shape& shape, Device device = {});
  static Tensor arange(int64_t n, Device device = {});
  static Tensor uniform(const Shape& shape, float low, float high, Rng& rng, Device device = {});
  static Tensor normal(const Shape& shape, float mean, float stddev, Rng& rng, Device device = {});

  // ---- metadata -------------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  const Shape& strides() const;
  int64_t offset() const;
  int dim() const { return shape().size(); }
  /// Size of one axis; negative axes count from the end.
  int64_t size(int axis) const;
  int64_t numel() const { return shape().numel(); }
  bool is_contiguous() const;
  Device device() const;

  // ---- element access (copies to the host when needed) ----------------------------------------
  /// The single value of a one-element tensor; throws ShapeError otherwise.
  float item() const;
  std::vector<float> to_vector() const;
  /// Overwrites a contiguous tensor's values in place (row-major); throws ShapeError if the
  /// counts differ. Not recorded in the graph.
  void copy_from(const std::vector<float>& values) const;
  /// Overwrites this tensor's values with src's (same shape, same device), in place on the
  /// device. Not recorded in the graph.
  void assign(const Tensor& src) const;
  /// One element, by its index on every axis (throws ShapeError when out of range).
  float at(std::initializer_list<int64_t> index) const;
  /// Overwrites one element in place, on the tensor's device (the mirror of at(); throws
  /// ShapeError when out of range). Not recorded in the graph.
  void set_at(std::initializer_list<int64_t> index, float value) const;
  /// Pointer to the first element of a CPU tensor (respect strides()); throws DeviceError on GPU.
  float* data() const;

  // ---- autodiff -------------------------------------------------------------------------------
  bool requires_grad() const;
  Tensor& set_requires_grad(bool on = true);
  /// Gradient after backward() (undefined before, or after zero_grad()).
  Tensor grad() const;
  void set_grad(const Tensor& g) const;
  void zero_grad() const;
  /// Reverse-mode pass from this tensor. A one-element tensor is seeded with 1; any other
  /// needs `seed` of the same shape. Gradients accumulate into every node's grad().
  void backward(const Tensor& seed = {}) const;
  /// Same data, cut from the graph.
  Tensor detach() const;
  bool is_leaf() const;
  /// Name of the op that made this tensor ("leaf" for inputs and parameters).
  const char* op_name() const;
  /// The tensors this op read (the graph's edges), in argument order.
  std::vector<Tensor> inputs() const;
  /// Creation order of this node: increasing over a thread's run, unique, and always greater
  /// than the numbers of the node's inputs (also when they were made on other threads).
  uint64_t seq() const;
  const std::string& name() const;
  Tensor& set_name(std::string name);

  // ---- views and copies -----------------------------------------------------------------------
  /// View with a new shape when the data is contiguous, else a copy. One dimension may be -1.
  Tensor reshape(const Shape& shape) const;
  /// Like reshape but throws ShapeError instead of copying.
  Tensor view(const Shape& shape) const;
  Tensor flatten() const { return reshape({numel()}); }
  Tensor permute(const Shape& order) const;
  Tensor transpose(int a, int b) const;
  /// Transpose of a 2-D tensor.
  Tensor T() const { return transpose(0, 1); }
  Tensor broadcast_to(const Shape& shape) const;
  /// Elements start, start+step, ... < end along `axis` (negative start/end count from the end).
  Tensor slice(int axis, int64_t start, int64_t end, int64_t step = 1) const;
  Tensor unsqueeze(int axis) const;
  Tensor squeeze(int axis) const;
  Tensor contiguous() const;
  /// A contiguous copy that is part of the graph.
  Tensor clone() const;
  Tensor to(Device device) const;

  // ---- reductions (also free functions in ops.h) ----------------------------------------------
  Tensor sum() const;
  Tensor sum(int axis, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(int axis, bool keepdim = false) const;
  Tensor max() const;
  Tensor max(int axis, bool keepdim = false) const;
  Tensor argmax(int axis, bool keepdim = false) const;

  /// "tensor([2, 3]) [[1, 2, 3], [4, 5, 6]]" (values elided past a few dozen).
  std::string str() const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, float s);
Tensor operator-(const Tensor& a, float s);
Tensor operator*(const Tensor& a, float s);
Tensor operator/(const Tensor& a, float s);
Tensor operator+(float s, const Tensor& a);
Tensor operator-(float s, const Tensor& a);
Tensor operator*(float s, const Tensor& a);
Tensor operator/(float s, const Tensor& a);

}  // namespace bp
