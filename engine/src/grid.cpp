#include "backprop/grid.h"

#include <algorithm>

#include "backprop/autograd.h"
#include "backprop/errors.h"

namespace bp {

std::vector<float> evaluate_grid(Module& model, const FeatureSet& features, const Region& region,
                                 int nx, int ny) {
  if (nx < 1 || ny < 1 || nx > 8192 || ny > 8192)
    throw ValueError("grid: resolution must be in 1..8192, got " + std::to_string(nx) + "x" +
                     std::to_string(ny));
  NoGradGuard no_grad;
  const int64_t total = static_cast<int64_t>(nx) * ny;
  // Chunks small enough that each layer's activations stay in the L2 cache.
  const int64_t chunk = 2048;
  std::vector<float> out;
  std::vector<float> pts;
  for (int64_t start = 0; start < total; start += chunk) {
    const int64_t n = std::min(chunk, total - start);
    pts.resize(static_cast<size_t>(2 * n));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t idx = start + i;
      pts[static_cast<size_t>(2 * i)] = grid_x(region, nx, static_cast<int>(idx % nx));
      pts[static_cast<size_t>(2 * i + 1)] = grid_y(region, ny, static_cast<int>(idx / nx));
    }
    const Tensor y = model(features.apply(Tensor::from_vector(pts, {n, 2})));
    const std::vector<float> v = y.to_vector();
    if (out.empty()) out.reserve(static_cast<size_t>(total) * v.size() / static_cast<size_t>(n));
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

}  // namespace bp
