// Views share storage with their base: reshape (of contiguous data), permute/transpose,
// broadcast_to, slice, unsqueeze/squeeze. Their backward rules map the gradient back.
#include <algorithm>
#include <array>
#include <string>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/ops.h"
#include "tensor_impl.h"

namespace bp {
namespace {

const OpDef kReshape{OpId::Reshape, "reshape", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                       r[0] = g.reshape(n.in[0].shape());
                     }};
const OpDef kPermute{OpId::Permute, "permute", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                       const Shape& order = n.permutation();
                       Shape inverse = order;
                       for (int i = 0; i < inverse.size(); ++i) inverse[static_cast<int>(order[i])] = i;
                       r[0] = g.permute(inverse);
                     }};
const OpDef kTranspose{OpId::Transpose, "transpose", kPermute.backward};
const OpDef kBroadcast{OpId::BroadcastTo, "broadcast_to", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                         r[0] = sum_to(g, n.in[0].shape());
                       }};
const OpDef kSlice{OpId::Slice, "slice", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                     const Tensor& x = n.in[0];
                     Tensor full = Tensor::zeros(x.shape(), x.device());
                     StridedView dst = full.impl()->view();
                     const TensorImpl::SliceState st = n.slice_state();
                     dst.data += st.start * dst.strides[st.axis];
                     dst.strides[st.axis] *= st.step;
                     dst.shape = g.shape();
                     full.impl()->backend().unary(UnaryOp::Copy, dst, g.impl()->view(), 0, 0);
                     r[0] = std::move(full);
                   }};
const OpDef kCopy{OpId::Copy, "copy", [](const TensorImpl&, const Tensor& g, Tensor* r) { r[0] = g; }};
const OpDef kTo{OpId::To, "to", [](const TensorImpl& n, const Tensor& g, Tensor* r) {
                  r[0] = g.to(n.in[0].device());
                }};

Tensor view_of(const Tensor& base, const OpDef* def, const Shape& shape, const Shape& strides,
               int64_t offset) {
  Tensor v = make_view(base, shape, strides, offset);
  record(v, def, {&base});
  return v;
}

Shape resolve_shape(const Shape& requested, int64_t numel, const Shape& from, const char* op) {
  Shape s = requested;
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (infer >= 0) throw ShapeError(std::string(op) + ": only one dimension may be -1 in " + requested.str());
      infer = i;
    } else if (s[i] < 0) {
      throw ShapeError(std::string(op) + ": negative dimension in " + requested.str());
    } else {
      known *= s[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      throw ShapeError(std::string(op) + ": cannot reshape " + from.str() + " to " + requested.str());
    s[infer] = numel / known;
  }
  if (s.numel() != numel)
    throw ShapeError(std::string(op) + ": cannot reshape " + from.str() + " (" +
                     std::to_string(numel) + " elements) to " + requested.str());
  return s;
}

}  // namespace

Tensor Tensor::view(const Shape& shape) const {
  if (!defined()) throw ValueError("view: tensor is undefined");
  const Shape s = resolve_shape(shape, numel(), this->shape(), "view");
  if (!is_contiguous())
    throw ShapeError("view: tensor of shape " + this->shape().str() +
                     " is not contiguous; use reshape() or contiguous()");
  if (s == this->shape()) return *this;
  return view_of(*this, &kReshape, s, contiguous_strides(s), offset());
}

Tensor Tensor::reshape(const Shape& shape) const {
  if (!defined()) throw ValueError("reshape: tensor is undefined");
  const Shape s = resolve_shape(shape, numel(), this->shape(), "reshape");
  if (s == this->shape()) return *this;
  if (is_contiguous()) return view_of(*this, &kReshape, s, contiguous_strides(s), offset());
  return contiguous().view(s);
}

Tensor Tensor::permute(const Shape& order) const {
  if (!defined()) throw ValueError("permute: tensor is undefined");
  const int nd = dim();
  if (order.size() != nd)
    throw ShapeError("permute: order " + order.str() + " does not fit shape " + shape().str());
  Shape norm = order, s = shape(), st = strides();
  std::array<bool, kMaxDims> seen{};
  for (int i = 0; i < nd; ++i) {
    const int a = normalize_axis(static_cast<int>(order[i]), nd, "permute", shape());
    if (seen[static_cast<size_t>(a)])
      throw ShapeError("permute: order " + order.str() + " repeats an axis");
    seen[static_cast<size_t>(a)] = true;
    norm[i] = a;
    s[i] = shape()[a];
    st[i] = strides()[a];
  }
  Tensor v = make_view(*this, s, st, offset());
  record(v, &kPermute, {this});
  if (v.impl()->op) v.impl()->save_permutation(norm);
  return v;
}

Tensor Tensor::transpose(int a, int b) const {
  if (!defined()) throw ValueError("transpose: tensor is undefined");
  const int nd = dim();
  const int x = normalize_axis(a, nd, "transpose", shape()), y = normalize_axis(b, nd, "transpose", shape());
  Shape order;
  for (int i = 0; i < nd; ++i) order.push_back(i);
  order[x] = y;
  order[y] = x;
  Shape s = shape(), st = strides();
  std::swap(s[x], s[y]);
  std::swap(st[x], st[y]);
  Tensor v = make_view(*this, s, st, offset());
  record(v, &kTranspose, {this});
  if (v.impl()->op) v.impl()->save_permutation(order);
  return v;
}

Tensor Tensor::broadcast_to(const Shape& target) const {
  if (!defined()) throw ValueError("broadcast_to: tensor is undefined");
  if (target == shape()) return *this;
  if (broadcast_shapes(shape(), target, "broadcast_to") != target)
    throw ShapeError("broadcast_to: shape " + shape().str() + " cannot be broadcast to " + target.str());
  const StridedView bv = broadcast_view(*impl(), target);
  return view_of(*this, &kBroadcast, target, bv.strides, offset());
}

Tensor Tensor::slice(int axis, int64_t start, int64_t end, int64_t step) const {
  if (!defined()) throw ValueError("slice: tensor is undefined");
  const int a = normalize_axis(axis, dim(), "slice", shape());
  if (step < 1) throw ValueError("slice: step must be positive, got " + std::to_string(step));
  const int64_t len = shape()[a];
  if (start < 0) start += len;
  if (end < 0) end += len;
  start = std::clamp<int64_t>(start, 0, len);
  end = std::clamp<int64_t>(end, start, len);
  Shape s = shape(), st = strides();
  s[a] = (end - start + step - 1) / step;
  st[a] *= step;
  Tensor v = make_view(*this, s, st, offset() + start * strides()[a]);
  record(v, &kSlice, {this});
  if (v.impl()->op) v.impl()->save_slice({a, start, step});
  return v;
}

Tensor Tensor::unsqueeze(int axis) const {
  if (!defined()) throw ValueError("unsqueeze: tensor is undefined");
  const int a = normalize_axis(axis, dim() + 1, "unsqueeze", shape());
  Shape s = shape(), st = strides();
  s.insert(a, 1);
  st.insert(a, a < dim() ? strides()[a] * shape()[a] : 1);
  return view_of(*this, &kReshape, s, st, offset());
}

Tensor Tensor::squeeze(int axis) const {
  if (!defined()) throw ValueError("squeeze: tensor is undefined");
  const int a = normalize_axis(axis, dim(), "squeeze", shape());
  if (shape()[a] != 1)
    throw ShapeError("squeeze: axis " + std::to_string(axis) + " of shape " + shape().str() +
                     " has size " + std::to_string(shape()[a]) + ", not 1");
  Shape s = shape(), st = strides();
  s.erase(a);
  st.erase(a);
  return view_of(*this, &kReshape, s, st, offset());
}

Tensor Tensor::clone() const {
  if (!defined()) throw ValueError("clone: tensor is undefined");
  Tensor out = make_tensor(shape(), impl()->backend());
  impl()->backend().unary(UnaryOp::Copy, out.impl()->view(), impl()->view(), 0, 0);
  record(out, &kCopy, {this});
  return out;
}

Tensor Tensor::contiguous() const {
  if (!defined()) throw ValueError("contiguous: tensor is undefined");
  return is_contiguous() ? *this : clone();
}

void Tensor::assign(const Tensor& src) const {
  if (!defined() || !src.defined()) throw ValueError("assign: tensor is undefined");
  if (src.shape() != shape())
    throw ShapeError("assign: values of shape " + src.shape().str() + " for a tensor of shape " + shape().str());
  if (src.device() != device())
    throw DeviceError("assign: values on " + src.device().str() + " for a tensor on " + device().str());
  impl_->backend().unary(UnaryOp::Copy, impl_->view(), src.impl()->view(), 0.0f, 0.0f);
}

void move_storage(const Tensor& t, Device device) {
  if (t.device() == device) return;
  // Contiguous copies on the device (detached: no graph node); throws DeviceError before
  // anything changes.
  const Tensor moved = t.detach().to(device);
  Tensor grad = t.grad().defined() ? t.grad().to(device) : Tensor();
  TensorImpl& impl = *t.impl();
  impl.storage = moved.impl()->storage;
  impl.strides = moved.impl()->strides;
  impl.offset = moved.impl()->offset;
  impl.grad = std::move(grad);
}

Tensor Tensor::to(Device device) const {
  if (!defined()) throw ValueError("to: tensor is undefined");
  if (device == this->device()) return *this;
  Backend& dst = backend_for(device);
  const std::vector<float> host = to_vector();
  Tensor out = make_tensor(shape(), dst);
  dst.from_host(out.impl()->ptr(), host.data(), host.size());
  record(out, &kTo, {this});
  return out;
}

}  // namespace bp
