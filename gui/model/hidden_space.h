// The hidden space (ConvNetJS's best view): the training points and the lines of a grid over the
// input plane, mapped through the network to one hidden layer and drawn on two of its neurons or
// on its first two principal components. As training goes on, the warped grid shows how the
// layers bend and stretch the plane until the classes are separable by a line. Plain C++ over
// the engine; views/hidden_space_panel.cpp draws it and the tests check it.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "backprop/data.h"
#include "backprop/train.h"
#include "model/app_model.h"

namespace bp::studio {

struct HiddenSpaceRequest {
  int layer = 0;        ///< the hidden layer (0 = the first)
  int x = -1, y = -1;   ///< its two neurons (0-based); -1, -1: the first two principal components
  int grid_lines = 13;  ///< lines across the plane in each direction
  int line_samples = 48;  ///< points along each line
};

struct HiddenSpace {
  int layer = 0, width = 0;   ///< the layer and its neurons
  bool pca = false;
  int x = 0, y = 0;           ///< the neurons on the axes (neuron axes)
  /// Principal components: the two unit directions in the layer's space, the training
  /// activations' mean, and each component's share of their variance.
  std::array<std::vector<double>, 2> components;
  std::vector<double> mean;
  std::array<double, 2> explained{0, 0};
  /// Every point lands on one spot on the axes: the layer gives them all the same values there
  /// (zero weights, or dead neurons), so the shares of variance above mean nothing.
  bool one_spot = false;
  /// Principal components, and the points all land on one line (the second component's share
  /// of the variance under a millionth): the layer passes on a single number per point (its
  /// neurons copies of one another, or all but one constant).
  bool one_line = false;
  /// The points (training and held-out) on the two axes, with their labels and test flags.
  std::vector<std::array<float, 2>> points;
  std::vector<float> labels;
  std::vector<bool> test;
  /// The grid's lines, each a polyline on the two axes: the first half x = const, then y = const.
  std::vector<std::vector<std::array<float, 2>>> lines;
  /// Where the output separates the classes (binary, the last hidden layer with exactly two
  /// neurons on the axes): w·h + b = 0 as a, b, c of a·u + b·v + c = 0. Not set otherwise.
  bool has_boundary = false;
  std::array<double, 3> boundary{0, 0, 0};
};

/// Maps `points` (up to kHiddenSpaceMaxPoints of them, evenly spread) and a grid over `plane`
/// through the network `weights` of `config` to the hidden layer and axes of `request`. Throws
/// ValueError when the network has no such layer or neuron, or the weights do not fit.
HiddenSpace hidden_space(const TrainConfig& config, const std::vector<LayerWeights>& weights, const std::vector<StudioPoint>& points,
                         const Region& plane, const HiddenSpaceRequest& request);

constexpr size_t kHiddenSpaceMaxPoints = 2000;

/// The top two eigenvectors (unit, each with its largest entry positive) and eigenvalues of the
/// symmetric n×n matrix `c` (row-major), by Jacobi rotations in double.
std::array<std::pair<double, std::vector<double>>, 2> top_two_eigen(const std::vector<double>& c, int n);

}  // namespace bp::studio
