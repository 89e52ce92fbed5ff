// Graph recording and the reverse-mode pass.
#include "backprop/autograd.h"

#include <algorithm>
#include <atomic>

#include "backprop/errors.h"
#include "backprop/ops.h"
#include "tensor_impl.h"

namespace bp {
namespace {
thread_local bool t_grad_enabled = true;
std::atomic<uint64_t> g_sequence{0};
std::atomic<uint64_t> g_visit_epoch{0};

// Every node reachable from root (through all inputs), in no particular order.
std::vector<TensorImpl*> reachable(const Tensor& root, bool only_grad) {
  std::vector<TensorImpl*> nodes;
  if (!root.defined()) return nodes;
  const uint64_t epoch = ++g_visit_epoch;
  std::vector<TensorImpl*> stack{root.impl()};
  root.impl()->visit = epoch;
  while (!stack.empty()) {
    TensorImpl* n = stack.back();
    stack.pop_back();
    nodes.push_back(n);
    for (int i = 0; i < n->num_in; ++i) {
      TensorImpl* in = n->input(i).impl();
      if (!in || in->visit == epoch) continue;
      if (only_grad && !in->requires_grad) continue;
      in->visit = epoch;
      stack.push_back(in);
    }
  }
  return nodes;
}

void accumulate(TensorImpl& node, Tensor g) {
  if (g.shape() != node.shape)
    throw ShapeError(std::string("backward: gradient of shape ") + g.shape().str() +
                     " does not match its tensor's shape " + node.shape.str());
  if (node.op == nullptr && !g.is_contiguous()) g = g.contiguous();  // optimizers read raw data
  node.grad = node.grad.defined() ? add(node.grad, g) : g;
}
}  // namespace

uint64_t next_sequence_number() { return g_sequence.fetch_add(1, std::memory_order_relaxed); }

bool grad_mode_enabled() { return t_grad_enabled; }
bool is_grad_enabled() { return t_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(t_grad_enabled) { t_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { t_grad_enabled = previous_; }

void record(const Tensor& out, const OpDef* op, std::initializer_list<const Tensor*> inputs) {
  if (!t_grad_enabled) return;
  bool any = false;
  for (const Tensor* t : inputs) any = any || (t->defined() && t->impl()->requires_grad);
  if (!any) return;
  TensorImpl& o = *out.impl();
  o.op = op;
  o.requires_grad = true;
  int i = 0;
  for (const Tensor* t : inputs) {
    if (i < 3)
      o.in[static_cast<size_t>(i)] = *t;
    else
      o.more_in.push_back(*t);
    ++i;
  }
  o.num_in = i;
}

void record(const Tensor& out, const OpDef* op, const std::vector<Tensor>& inputs) {
  if (!t_grad_enabled) return;
  bool any = false;
  for (const Tensor& t : inputs) any = any || (t.defined() && t.impl()->requires_grad);
  if (!any) return;
  TensorImpl& o = *out.impl();
  o.op = op;
  o.requires_grad = true;
  o.num_in = static_cast<int>(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i < 3)
      o.in[i] = inputs[i];
    else
      o.more_in.push_back(inputs[i]);
  }
}

std::vector<Tensor> topological_order(const Tensor& root) {
  std::vector<Tensor> out;
  if (!root.defined()) return out;
  const uint64_t epoch = ++g_visit_epoch;
  std::vector<Tensor> stack{root};
  root.impl()->visit = epoch;
  while (!stack.empty()) {
    Tensor t = std::move(stack.back());
    stack.pop_back();
    for (int i = 0; i < t.impl()->num_in; ++i) {
      const Tensor& in = t.impl()->input(i);
      if (!in.defined() || in.impl()->visit == epoch) continue;
      in.impl()->visit = epoch;
      stack.push_back(in);
    }
    out.push_back(std::move(t));
  }
  // An op's output is always created after its inputs, so creation order is topological.
  std::sort(out.begin(), out.end(), [](const Tensor& a, const Tensor& b) { return a.seq() < b.seq(); });
  return out;
}

void Tensor::backward(const Tensor& seed) const {
  if (!defined()) throw ValueError("backward: called on an undefined tensor");
  if (!impl()->requires_grad)
    throw ValueError("backward: tensor does not require grad (no input had requires_grad set)");
  Tensor s = seed;
  if (!s.defined()) {
    if (numel() != 1)
      throw ShapeError("backward: a seed gradient is needed for a tensor of shape " +
                       shape().str() + " (only one-element tensors are seeded with 1)");
    s = Tensor::ones(shape(), device());
  } else if (s.shape() != shape()) {
    throw ShapeError("backward: seed of shape " + s.shape().str() +
                     " does not match tensor of shape " + shape().str());
  }
  NoGradGuard no_grad;
  std::vector<TensorImpl*> nodes = reachable(*this, true);
  std::sort(nodes.begin(), nodes.end(),
            [](const TensorImpl* a, const TensorImpl* b) { return a->seq > b->seq; });
  // Gradients of intermediate nodes belong to one pass; leaves accumulate across passes.
  for (TensorImpl* n : nodes)
    if (n->op) n->grad = Tensor();
  accumulate(*impl(), s);
  Tensor grads[3];
  std::vector<Tensor> many;
  for (TensorImpl* n : nodes) {
    if (!n->op || !n->grad.defined()) continue;
    Tensor* slots = grads;
    if (n->num_in > 3) {
      many.assign(static_cast<size_t>(n->num_in), Tensor());
      slots = many.data();
    } else {
      for (auto& g : grads) g = Tensor();
    }
    n->op->backward(*n, n->grad, slots);
    for (int i = 0; i < n->num_in; ++i) {
      const Tensor& in = n->input(i);
      if (in.defined() && in.impl()->requires_grad && slots[i].defined())
        accumulate(*in.impl(), slots[i]);
    }
  }
}

}  // namespace bp
