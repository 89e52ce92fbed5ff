// The derivative as a tangent (MiniTorch Module 1.1, "Learning with derivatives"): the training
// loss as a function of one parameter around its current value with every other weight fixed,
// the tangent line whose slope is the autodiff gradient, the central-difference secant for an ε
// the student picks, and the next gradient-descent step (−lr·gradient) as a move along the
// curve. Plain C++ over the engine; views/tangent_panel.cpp draws it and the tests check it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/data.h"
#include "backprop/train.h"
#include "model/app_model.h"

namespace bp::studio {

/// One parameter: the weight from input `in` to neuron `out` of Linear layer `layer` (0 = the
/// first), or that neuron's bias.
struct ParameterRef {
  int layer = 0;
  int64_t out = 0, in = 0;
  bool bias = false;
  friend bool operator==(const ParameterRef&, const ParameterRef&) = default;
};

/// "w₂ layer 1, neuron 3 ← input 2" style label: "layer 1: w[3,2]" or "layer 1: b[3]" (1-based).
std::string parameter_label(const ParameterRef& p);

struct TangentPlot {
  ParameterRef param;
  double value = 0;           ///< the parameter's current value
  double loss = 0;            ///< the training loss there (the data loss the optimizer follows)
  double gradient = 0;        ///< ∂loss/∂parameter by backpropagation
  double eps = 0;             ///< the secant's half-width
  double loss_minus = 0, loss_plus = 0;  ///< loss(v − ε) and loss(v + ε): the secant's ends
  double secant_slope = 0;    ///< (loss(v + ε) − loss(v − ε)) / 2ε, in the engine's float32
  double relative_error = 0;  ///< |secant − gradient| / max(|secant|, |gradient|) (0 when both are 0; NaN when not finite())
  double lr = 0;
  double step_to = 0;         ///< value − lr·gradient: where plain gradient descent moves it
  double loss_after = 0;      ///< the loss there
  std::vector<double> xs, ys; ///< the loss curve: samples over [value − span, value + span]
  /// The loss, backprop's slope and the secant's are finite numbers: not so at a diverged run's
  /// weights, where there are no slopes to compare (the error read 0, "they agree").
  bool finite() const;
};

/// Computes the plot for `p` of the network `weights` (a Snapshot's) on the training set, on
/// the config's device. `samples` points on the curve (at least 3). The span covers the
/// gradient-descent step and ε with room on both sides. Throws ValueError when the parameter is
/// not in the network, the weights do not fit the config, or there is no training data.
TangentPlot tangent_plot(const TrainConfig& config, const std::vector<LayerWeights>& weights, const Dataset& train, const ParameterRef& p,
                         double eps, int samples = 61);

}  // namespace bp::studio
