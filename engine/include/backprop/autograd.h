// The autodiff graph: every Tensor made by an op is a node that records its op name, its inputs
// (the edges), its value, its gradient after backward(), and a sequence number in creation
// order. These functions let a caller walk a computation node by node (the graph inspector is
// built on them) and switch recording off.
#pragma once
#include <vector>

#include "backprop/tensor.h"

namespace bp {

/// While alive, ops record a graph or not, as `enabled` says. Nests; restores on exit.
class GradModeGuard {
 public:
  explicit GradModeGuard(bool enabled);
  ~GradModeGuard();
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool previous_;
};

/// While alive, ops record no graph (inference, optimizer updates).
class NoGradGuard : public GradModeGuard {
 public:
  NoGradGuard() : GradModeGuard(false) {}
};

/// While alive, ops record a graph again, inside a NoGradGuard too (a check that differentiates
/// something of its own, called from code that runs without grad).
class EnableGradGuard : public GradModeGuard {
 public:
  EnableGradGuard() : GradModeGuard(true) {}
};

bool is_grad_enabled();

/// Every node `root` depends on, inputs before the ops that read them, ordered by sequence
/// number (creation order), `root` last. Includes leaves that do not require grad.
std::vector<Tensor> topological_order(const Tensor& root);

}  // namespace bp
