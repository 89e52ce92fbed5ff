// The loss landscape (after Li et al., "Visualizing the Loss Landscape of Neural Nets", 2018):
// the training loss over a 2D slice of weight space through the current weights, either over two
// chosen parameters (every other weight fixed) or over two random directions normalised per
// neuron ("filter normalisation": each neuron's row of a random direction scaled to the norm of
// that neuron's weights; biases left fixed). Optimizer paths are projected onto the slice; the
// race runs SGD, momentum and Adam from the same weights on the same data. Computed on the
// config's device, by views/landscape_panel.cpp off the UI thread (BackgroundTask).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/data.h"
#include "backprop/train.h"
#include "model/app_model.h"
#include "model/tangent_model.h"

namespace bp::studio {

/// All weights and biases in one vector: per Linear layer its weight (out × in), then its bias.
std::vector<double> flatten(const std::vector<LayerWeights>& w);
/// `shape`'s layers holding the values of `theta` (as flatten lays them out).
std::vector<LayerWeights> with_values(const std::vector<LayerWeights>& shape, const std::vector<double>& theta);
/// Where parameter `p` sits in flatten's vector; throws ValueError when it is not in `shape`.
size_t flat_index(const std::vector<LayerWeights>& shape, const ParameterRef& p);
/// A random Gaussian direction normalised per neuron to the norms of `w`'s weight rows (a row of
/// zeros stays zero); the biases' entries are 0. The same seed gives the same direction.
std::vector<double> filter_normalised_direction(const std::vector<LayerWeights>& w, uint64_t seed);

struct LandscapeRequest {
  bool random_directions = true;  ///< false: over parameters a and b
  ParameterRef a{0, 0, 0, false}, b{0, 0, 1, false};
  uint64_t seed = 1;              ///< of the random directions
  int res = 64;                   ///< cells per side
  double span = 1.0;              ///< α and β run over [−span, span]
};

struct Landscape {
  LandscapeRequest request;
  std::vector<LayerWeights> shape;  ///< the layers' sizes (and the centre's values)
  std::vector<double> centre, d1, d2;  ///< θ₀ and the two directions, flattened
  std::vector<double> loss;         ///< res × res: row j is β(j), column i is α(i)
  double lo = 0, hi = 0;            ///< the finite losses' range
  /// Some loss on the slice is a finite number: none where the weights it was computed at are
  /// not (a diverged run), and lo > hi then.
  bool any_finite() const { return lo <= hi; }
  double centre_loss = 0;
  double seconds = 0;               ///< the time the slice took
  double coordinate(int i) const { return -request.span + 2 * request.span * i / (request.res - 1); }
  /// What the plot shows at cell (i, j), for its tooltip: "α -0.587 (direction 1), β 0.206
  /// (direction 2)" or, over two parameters, each one's change from the centre ("layer 1: w[1,1]
  /// + 1.200"), one per line, then "loss 1.0206".
  std::string readout(int i, int j) const;
  /// The weights θ₀ + α·d1 + β·d2.
  std::vector<LayerWeights> weights_at(double alpha, double beta) const;
  /// (α, β) of `w` projected onto the slice: the least-squares fit of w − θ₀ by α·d1 + β·d2.
  std::array<double, 2> project(const std::vector<LayerWeights>& w) const;
};

/// The slice around `weights` on the training set, on the config's device. Returns early with an
/// incomplete slice (empty `loss`) when `cancel` turns true. Throws ValueError for a parameter
/// that is not in the network, weights that do not fit the config, or no training data.
Landscape loss_landscape(const TrainConfig& config, const std::vector<LayerWeights>& weights, const Dataset& train,
                         const LandscapeRequest& request, const std::atomic<bool>* cancel = nullptr);

/// One optimizer's run in the race: its position on the slice and its training loss after each
/// step (index 0: the start).
struct RacePath {
  OptimizerKind optimizer = OptimizerKind::SGD;
  std::vector<std::array<double, 2>> points;
  std::vector<double> losses;
};

/// SGD, momentum (the config's, or 0.9) and Adam, each for `steps` steps from `start` (the
/// landscape's centre) on the same training data with the config's learning rate and batch
/// size, projected onto `on`. Stops early, with shorter paths, when `cancel` turns true.
std::vector<RacePath> optimizer_race(const TrainConfig& config, const Landscape& on, const Dataset& train, int steps,
                                     const std::atomic<bool>* cancel = nullptr);
/// Where no optimizer of a finished race changed the loss by kRaceStill of it or more (a race
/// from weights trained to a minimum: three dots on the cross and one figure three times), why,
/// in a sentence for the view; else "".
constexpr double kRaceStill = 1e-3;
std::string race_note(const std::vector<RacePath>& race);

}  // namespace bp::studio
