// Evaluating a model over a grid of the plane (the decision boundary / heatmap), in chunks and
// without recording a graph.
#pragma once
#include <vector>

#include "backprop/data.h"
#include "backprop/features.h"
#include "backprop/nn.h"

namespace bp {

/// The model's raw outputs at the centres of an nx × ny grid over `region`, row-major from the
/// bottom row (y_min) up: result[(row·nx + col)·outputs + k]. Sizes must be in 1..8192.
std::vector<float> evaluate_grid(Module& model, const FeatureSet& features, const Region& region,
                                 int nx, int ny);

/// Coordinates of grid cell centre (col, row).
inline float grid_x(const Region& r, int nx, int col) {
  return r.x_min + (static_cast<float>(col) + 0.5f) / static_cast<float>(nx) * (r.x_max - r.x_min);
}
inline float grid_y(const Region& r, int ny, int row) {
  return r.y_min + (static_cast<float>(row) + 0.5f) / static_cast<float>(ny) * (r.y_max - r.y_min);
}

}  // namespace bp
