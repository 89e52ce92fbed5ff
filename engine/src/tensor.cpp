// Shape helpers, devices, tensor creation, metadata and element access.
#include "backprop/tensor.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/ops.h"
#include "backprop/random.h"
#include "block_cache.h"
#include "tensor_impl.h"

namespace bp {

// ---- Shape ------------------------------------------------------------------------------------

Shape::Shape(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) push_back(d);
}

void Shape::push_back(int64_t v) {
  if (n_ >= kMaxDims)
    throw ShapeError("shape: tensors have at most " + std::to_string(kMaxDims) + " dimensions");
  d_[static_cast<size_t>(n_++)] = v;
}

void Shape::insert(int pos, int64_t v) {
  push_back(0);
  for (int i = n_ - 1; i > pos; --i) d_[static_cast<size_t>(i)] = d_[static_cast<size_t>(i - 1)];
  d_[static_cast<size_t>(pos)] = v;
}

void Shape::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[static_cast<size_t>(i)] = d_[static_cast<size_t>(i + 1)];
  --n_;
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < n_; ++i) n *= d_[static_cast<size_t>(i)];
  return n;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ", ";
    s += std::to_string(d_[static_cast<size_t>(i)]);
  }
  return s + "]";
}

namespace {
// Row-major strides of `shape`, written into `strides` (same rank).
void write_contiguous_strides(const Shape& shape, Shape& strides) {
  strides = shape;
  int64_t acc = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    strides[i] = acc;
    acc *= shape[i];
  }
}
}  // namespace

Shape contiguous_strides(const Shape& shape) {
  Shape s;
  write_contiguous_strides(shape, s);
  return s;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const int n = std::max(a.size(), b.size());
  Shape out;
  for (int i = 0; i < n; ++i) {
    const int ia = a.size() - n + i, ib = b.size() - n + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      throw ShapeError(std::string(op) + ": shapes " + a.str() + " and " + b.str() +
                       " cannot be broadcast together");
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

// ---- internal construction ------------------------------------------------------------------

Tensor make_tensor(const Shape& shape, Backend& backend) {
  for (int64_t d : shape)
    if (d < 0) throw ShapeError("tensor: negative dimension in shape " + shape.str());
  auto impl = std::allocate_shared<TensorImpl>(CachingAllocator<TensorImpl>{});
  impl->storage = std::allocate_shared<Storage>(CachingAllocator<Storage>{}, &backend, static_cast<size_t>(shape.numel()));
  impl->shape = shape;
  // Strides written in place: a Shape returned by value is stored element by element, and
  // copying it with vector loads right after stalls on store forwarding (~8% of a small step).
  write_contiguous_strides(shape, impl->strides);
  impl->seq = next_sequence_number();
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, const Shape& shape, const Shape& strides, int64_t offset) {
  auto impl = std::allocate_shared<TensorImpl>(CachingAllocator<TensorImpl>{});
  impl->storage = base.impl()->storage;
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->seq = next_sequence_number();
  return Tensor(std::move(impl));
}

Tensor value_of(const TensorImpl& node) {
  auto impl = std::allocate_shared<TensorImpl>(CachingAllocator<TensorImpl>{});
  impl->storage = node.storage;
  impl->shape = node.shape;
  impl->strides = node.strides;
  impl->offset = node.offset;
  impl->seq = node.seq;
  return Tensor(std::move(impl));
}

StridedView broadcast_view(const TensorImpl& t, const Shape& shape) {
  StridedView v{t.ptr(), shape, shape};
  const int pad = shape.size() - t.shape.size();
  for (int i = 0; i < shape.size(); ++i) {
    const int j = i - pad;
    v.strides[i] = (j < 0 || t.shape[j] == 1) ? 0 : t.strides[j];
  }
  return v;
}

namespace {
void check_defined(const Tensor& t, const char* what) {
  if (!t.defined()) throw ValueError(std::string(what) + ": tensor is undefined");
}
}  // namespace

// ---- creation -------------------------------------------------------------------------------

Tensor Tensor::empty(const Shape& shape, Device device) {
  return make_tensor(shape, backend_for(device));
}

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor t = empty(shape, device);
  t.impl()->backend().fill(t.impl()->view(), value);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }
Tensor Tensor::ones(const Shape& shape, Device device) { return full(shape, 1.0f, device); }
Tensor Tensor::scalar(float value, Device device) { return full(Shape{}, value, device); }

Tensor Tensor::from_vector(const std::vector<float>& values, const Shape& shape, Device device) {
  if (static_cast<int64_t>(values.size()) != shape.numel())
    throw ShapeError("from_vector: " + std::to_string(values.size()) +
                     " values do not fill shape " + shape.str());
  Tensor t = empty(shape, device);
  t.impl()->backend().from_host(t.impl()->ptr(), values.data(), values.size());
  return t;
}

Tensor Tensor::arange(int64_t n, Device device) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return from_vector(v, {n}, device);
}

Tensor Tensor::uniform(const Shape& shape, float low, float high, Rng& rng, Device device) {
  std::vector<float> v(static_cast<size_t>(shape.numel()));
  for (float& x : v) x = rng.uniform(low, high);
  return from_vector(v, shape, device);
}

Tensor Tensor::normal(const Shape& shape, float mean, float stddev, Rng& rng, Device device) {
  std::vector<float> v(static_cast<size_t>(shape.numel()));
  for (float& x : v) x = rng.normal(mean, stddev);
  return from_vector(v, shape, device);
}

// ---- metadata -------------------------------------------------------------------------------

const Shape& Tensor::shape() const {
  check_defined(*this, "shape");
  return impl_->shape;
}
const Shape& Tensor::strides() const {
  check_defined(*this, "strides");
  return impl_->strides;
}
int64_t Tensor::offset() const { return impl_->offset; }
Device Tensor::device() const {
  check_defined(*this, "device");
  return impl_->backend().device();
}

int normalize_axis(int axis, int nd, const char* op, const Shape& shape) {
  const int a = axis < 0 ? axis + nd : axis;
  if (a < 0 || a >= nd)
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for a tensor of shape " + shape.str());
  return a;
}

int64_t Tensor::size(int axis) const { return shape()[normalize_axis(axis, dim(), "size", shape())]; }

bool Tensor::is_contiguous() const {
  const Shape& s = shape();
  int64_t expect = 1;
  for (int d = s.size() - 1; d >= 0; --d) {
    if (s[d] != 1 && impl_->strides[d] != expect) return false;
    expect *= s[d];
  }
  return true;
}

// ---- element access -------------------------------------------------------------------------

std::vector<float> Tensor::to_vector() const {
  check_defined(*this, "to_vector");
  Tensor c = contiguous();
  std::vector<float> v(static_cast<size_t>(numel()));
  c.impl()->backend().to_host(v.data(), c.impl()->ptr(), v.size());
  return v;
}

float Tensor::item() const {
  check_defined(*this, "item");
  if (numel() != 1)
    throw ShapeError("item: tensor of shape " + shape().str() + " has " +
                     std::to_string(numel()) + " elements, not 1");
  float v;
  impl_->backend().to_host(&v, impl_->ptr(), 1);
  return v;
}

namespace {
// The storage offset of one element, with the index checked axis by axis.
int64_t element_offset(const Tensor& t, const TensorImpl& impl, const char* what, std::initializer_list<int64_t> index) {
  check_defined(t, what);
  if (static_cast<int>(index.size()) != t.dim())
    throw ShapeError(std::string(what) + ": " + std::to_string(index.size()) + " indices for shape " + t.shape().str());
  int64_t off = 0;
  int d = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= t.shape()[d])
      throw ShapeError(std::string(what) + ": index " + std::to_string(i) + " is out of range for axis " + std::to_string(d) +
                       " of shape " + t.shape().str());
    off += i * impl.strides[d];
    ++d;
  }
  return off;
}
}  // namespace

float Tensor::at(std::initializer_list<int64_t> index) const {
  const int64_t off = element_offset(*this, *impl_, "at", index);
  float v;
  impl_->backend().to_host(&v, impl_->ptr() + off, 1);
  return v;
}

void Tensor::set_at(std::initializer_list<int64_t> index, float value) const {
  const int64_t off = element_offset(*this, *impl_, "set_at", index);
  impl_->backend().from_host(impl_->ptr() + off, &value, 1);
}

void Tensor::copy_from(const std::vector<float>& values) const {
  check_defined(*this, "copy_from");
  if (static_cast<int64_t>(values.size()) != numel())
    throw ShapeError("copy_from: " + std::to_string(values.size()) + " values for a tensor of shape " +
                     shape().str());
  if (!is_contiguous()) throw ValueError("copy_from: the tensor is a non-contiguous view");
  impl_->backend().from_host(impl_->ptr(), values.data(), values.size());
}

float* Tensor::data() const {
  check_defined(*this, "data");
  if (!device().is_cpu())
    throw DeviceError("data: tensor lives on " + device().str() + "; copy it with to(cpu) first");
  return impl_->ptr();
}

// ---- autodiff accessors ---------------------------------------------------------------------

bool Tensor::requires_grad() const { return defined() && impl_->requires_grad; }

Tensor& Tensor::set_requires_grad(bool on) {
  check_defined(*this, "set_requires_grad");
  if (impl_->op && !on)
    throw ValueError("set_requires_grad: cannot switch off gradients of a non-leaf tensor; use detach()");
  impl_->requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  check_defined(*this, "grad");
  return impl_->grad;
}
void Tensor::set_grad(const Tensor& g) const {
  check_defined(*this, "set_grad");
  if (g.defined() && g.shape() != shape())
    throw ShapeError("set_grad: gradient of shape " + g.shape().str() +
                     " for a tensor of shape " + shape().str());
  if (g.defined() && g.device() != device())
    throw DeviceError("set_grad: gradient on " + g.device().str() + " for a tensor on " + device().str());
  impl_->grad = !g.defined() || g.is_contiguous() ? g : g.contiguous();  // optimizers read raw data
}
void Tensor::zero_grad() const {
  check_defined(*this, "zero_grad");
  impl_->grad = Tensor();
}

Tensor Tensor::detach() const {
  check_defined(*this, "detach");
  return make_view(*this, impl_->shape, impl_->strides, impl_->offset);
}

bool Tensor::is_leaf() const { return impl_->op == nullptr; }
const char* Tensor::op_name() const { return impl_->op ? impl_->op->name : "leaf"; }
std::vector<Tensor> Tensor::inputs() const {
  std::vector<Tensor> v;
  for (int i = 0; i < impl_->num_in; ++i) v.push_back(impl_->input(i));
  return v;
}
uint64_t Tensor::seq() const { return impl_->seq; }
const std::string& Tensor::name() const {
  static const std::string unnamed;
  return impl_->extras ? impl_->extras->name : unnamed;
}
Tensor& Tensor::set_name(std::string name) {
  impl_->extra().name = std::move(name);
  return *this;
}

// ---- printing -------------------------------------------------------------------------------

std::string Tensor::str() const {
  if (!defined()) return "tensor(undefined)";
  std::vector<float> v = to_vector();
  std::ostringstream os;
  os << "tensor(" << shape().str() << ")";
  const size_t limit = 64;
  os << " [";
  for (size_t i = 0; i < v.size() && i < limit; ++i) {
    if (i) os << ", ";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(v[i]));
    os << buf;
  }
  if (v.size() > limit) os << ", ... (" << v.size() << " values)";
  os << "]";
  return os.str();
}

// ---- method forms of reductions -------------------------------------------------------------

Tensor Tensor::sum() const { return bp::sum(*this); }
Tensor Tensor::sum(int axis, bool keepdim) const { return bp::sum(*this, axis, keepdim); }
Tensor Tensor::mean() const { return bp::mean(*this); }
Tensor Tensor::mean(int axis, bool keepdim) const { return bp::mean(*this, axis, keepdim); }
Tensor Tensor::max() const { return bp::max(*this); }
Tensor Tensor::max(int axis, bool keepdim) const { return bp::max(*this, axis, keepdim); }
Tensor Tensor::argmax(int axis, bool keepdim) const { return bp::argmax(*this, axis, keepdim); }

// ---- operators ------------------------------------------------------------------------------

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& a) { return neg(a); }

}  // namespace bp
