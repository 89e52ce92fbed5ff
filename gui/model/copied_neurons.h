// Hidden layers whose neurons are all copies of one another: the same weights in, the same
// bias and the same weights out. A network started with equal weights (the zeros initializer)
// stays that way: at every step each copy gets the same gradient, so the copies never part
// (the symmetry that random initial weights break) and the layer works as a single neuron
// however wide it is. The Training panel says so.
#pragma once
#include <vector>

#include "model/gradient_flow.h"  // LayerWeights

namespace bp::studio {

struct CopiedLayer {
  int layer = 0;    ///< 0 = the first hidden layer
  int neurons = 0;  ///< its width: every one of them a copy of the first
  friend bool operator==(const CopiedLayer&, const CopiedLayer&) = default;
};

/// For a network's Linear layers in order (the last one the output layer), each hidden layer of
/// two or more neurons in which every neuron equals the first: its weights in, its bias and its
/// weights out, each within `rel_tol` of the largest magnitude among them (equal but for float
/// rounding; all zero counts as equal).
std::vector<CopiedLayer> copied_layers(const std::vector<LayerWeights>& layers, float rel_tol = 1e-5f);

}  // namespace bp::studio
