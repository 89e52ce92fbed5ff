// Gradient flow: how much of the loss's gradient reaches each layer. Per Linear layer, the norm
// of one step's gradient, recorded over the run, and a sentence on what the norms show
// (vanishing gradients in a deep sigmoid network, exploding ones under a learning rate that is
// too high). The Snapshot carries the gradients (app_model.h); views/gradient_flow_panel.cpp
// draws them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/health.h"
#include "backprop/nn.h"

namespace bp::studio {

/// Per Linear layer (0 = the first), the L2 norm of one step's gradient over the layer's weights
/// and bias together, √(Σ(∂L/∂w)² + Σ(∂L/∂b)²), summed in double.
std::vector<float> gradient_norms(const std::vector<LayerWeights>& gradients);

/// The gradient norms after a step, recorded beside the loss history.
struct GradientNormPoint {
  int64_t step = 0;
  std::vector<float> norms;  ///< per Linear layer
};

/// Below this ratio of the first layer's norm to the last one's, the gradients vanish.
constexpr double kVanishingRatio = 1e-2;
/// At or above this norm in any layer, they explode.
constexpr double kExplodingNorm = 100;

/// What the latest norms show, in a sentence ("" when nothing stands out): exploding gradients;
/// no gradient at all below a layer whose weights are all 0 (`weights`, the network's, empty when
/// not known; the zeros initializer named as the cause only when `zeros_init`, as weight decay
/// can zero weights too); no gradient at all below a layer whose ReLUs are all
/// dead, with what `dead_remedy` (dead_relu_remedy, as the Training panel decides it) says of
/// why; or vanishing gradients, with the sigmoid named as the cause when the network has one.
/// `activations`: one for all hidden layers, or one each; `dead`: each hidden layer's dead ReLUs
/// and `widths` its neurons (empty: none dead).
std::string gradient_flow_verdict(const std::vector<float>& norms, const std::vector<Activation>& activations = {},
                                  const std::vector<int>& dead = {}, const std::vector<int>& widths = {},
                                  const std::vector<LayerWeights>& weights = {}, bool zeros_init = false,
                                  DeadReLURemedy dead_remedy = DeadReLURemedy::LowerRate);

}  // namespace bp::studio
