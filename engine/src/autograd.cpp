// Graph recording and the reverse-mode pass.
#include "backprop/autograd.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "backprop/errors.h"
#include "backprop/ops.h"
#include "tensor_impl.h"

namespace bp {
namespace {
thread_local bool t_grad_enabled = true;

// Sequence numbers: (clock << kThreadBits) | thread. Each thread counts its own creations, so
// no atomic instruction is paid per tensor (one costs as much as the rest of a small tensor's
// creation). Within a thread the numbers follow creation order. Across threads, record() moves
// an op's output past its inputs and the thread's clock with it (a Lamport clock), so every
// node still comes after all its inputs and numbers stay unique.
constexpr int kThreadBits = 16;
std::atomic<uint64_t> g_threads{0};
thread_local uint64_t t_clock = 0;
thread_local uint64_t t_thread = ~uint64_t{0};

uint64_t thread_tag() {
  if (t_thread == ~uint64_t{0})
    t_thread = g_threads.fetch_add(1, std::memory_order_relaxed) & ((uint64_t{1} << kThreadBits) - 1);
  return t_thread;
}

// A new number on this thread, greater than `after`.
uint64_t sequence_after(uint64_t after) {
  t_clock = std::max(t_clock, after >> kThreadBits) + 1;
  return (t_clock << kThreadBits) | thread_tag();
}
std::atomic<uint64_t> g_visit_epoch{0};

// Buffers kept by each thread between backward passes, so that a pass allocates nothing. Taken
// out while in use (a nested pass, or one that threw, starts from an empty vector).
thread_local std::vector<TensorImpl*> t_nodes, t_stack;

// Every node reachable from root (through all inputs), in no particular order.
std::vector<TensorImpl*> reachable(const Tensor& root, bool only_grad) {
  std::vector<TensorImpl*> nodes = std::move(t_nodes);
  nodes.clear();
  if (!root.defined()) return nodes;
  const uint64_t epoch = ++g_visit_epoch;
  std::vector<TensorImpl*> stack = std::move(t_stack);
  stack.assign(1, root.impl());
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
  t_stack = std::move(stack);
  return nodes;
}

void accumulate(TensorImpl& node, Tensor g) {
  if (&g.impl()->backend() != &node.backend())  // one backend object per device: a pointer compare
    throw DeviceError("backward: a gradient on " + g.device().str() + " arrived at a tensor on " + node.backend().device().str() +
                      " (an op's backward rule returned it on the wrong device)");
  if (g.shape() != node.shape)
    throw ShapeError(std::string("backward: gradient of shape ") + g.shape().str() +
                     " does not match its tensor's shape " + node.shape.str());
  if (node.op == nullptr && !g.is_contiguous()) g = g.contiguous();  // optimizers read raw data
  node.grad = node.grad.defined() ? add(node.grad, g) : std::move(g);
}
}  // namespace

uint64_t next_sequence_number() { return sequence_after(0); }

bool grad_mode_enabled() { return t_grad_enabled; }
bool is_grad_enabled() { return t_grad_enabled; }

GradModeGuard::GradModeGuard(bool enabled) : previous_(t_grad_enabled) { t_grad_enabled = enabled; }
GradModeGuard::~GradModeGuard() { t_grad_enabled = previous_; }

namespace {
// Both record() overloads: `tensor(x)` gives the Tensor for each element of `inputs`.
template <class Inputs, class Get>
void record_inputs(const Tensor& out, const OpDef* op, const Inputs& inputs, Get tensor) {
  if (!t_grad_enabled) return;
  bool any = false;
  for (const auto& x : inputs) any = any || (tensor(x).defined() && tensor(x).impl()->requires_grad);
  if (!any) return;
  TensorImpl& o = *out.impl();
  o.op = op;
  o.requires_grad = true;
  int i = 0;
  uint64_t last = 0;
  for (const auto& x : inputs) {
    const Tensor& t = tensor(x);
    if (i < 3)
      o.in[static_cast<size_t>(i)] = t;
    else
      o.extra().more_in.push_back(t);
    if (t.defined()) last = std::max(last, t.impl()->seq);
    ++i;
  }
  o.num_in = i;
  if (o.seq <= last) o.seq = sequence_after(last);  // an input made on another thread
}
}  // namespace

void record(const Tensor& out, const OpDef* op, std::initializer_list<const Tensor*> inputs) {
  record_inputs(out, op, inputs, [](const Tensor* t) -> const Tensor& { return *t; });
}

void record(const Tensor& out, const OpDef* op, const std::vector<Tensor>& inputs) {
  record_inputs(out, op, inputs, [](const Tensor& t) -> const Tensor& { return t; });
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
  } else if (s.device() != device()) {
    throw DeviceError("backward: seed on " + s.device().str() + " for a tensor on " + device().str());
  }
  NoGradGuard no_grad;
  std::vector<TensorImpl*> nodes = reachable(*this, true);
  std::sort(nodes.begin(), nodes.end(),
            [](const TensorImpl* a, const TensorImpl* b) { return a->seq > b->seq; });
  // Gradients of intermediate nodes belong to one pass; leaves accumulate across passes.
  for (TensorImpl* n : nodes)
    if (n->op) n->grad = Tensor();
  accumulate(*impl(), std::move(s));
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
        accumulate(*in.impl(), std::move(slots[i]));
    }
  }
  t_nodes = std::move(nodes);
}

}  // namespace bp
