#include "model/copied_neurons.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace bp::studio {

std::vector<CopiedLayer> copied_layers(const std::vector<LayerWeights>& layers, float rel_tol) {
  std::vector<CopiedLayer> out;
  for (size_t l = 0; l + 1 < layers.size(); ++l) {
    const LayerWeights& a = layers[l];      // into the layer: out × in
    const LayerWeights& b = layers[l + 1];  // out of it: b.out × a.out
    const int64_t width = a.out, in = a.in;
    if (width < 2 || b.in != width || a.weight.size() != static_cast<size_t>(width * in) ||
        a.bias.size() != static_cast<size_t>(width) || b.weight.size() != static_cast<size_t>(b.out * width))
      continue;
    float scale = 0;
    for (float v : a.weight) scale = std::max(scale, std::fabs(v));
    for (float v : a.bias) scale = std::max(scale, std::fabs(v));
    for (float v : b.weight) scale = std::max(scale, std::fabs(v));
    if (!std::isfinite(scale)) continue;
    const float tol = rel_tol * scale;
    auto same = [tol](float x, float y) { return std::fabs(x - y) <= tol; };
    bool copies = true;
    for (int64_t j = 1; j < width && copies; ++j) {
      copies = same(a.bias[static_cast<size_t>(j)], a.bias[0]);
      for (int64_t i = 0; i < in && copies; ++i)
        copies = same(a.weight[static_cast<size_t>(j * in + i)], a.weight[static_cast<size_t>(i)]);
      for (int64_t r = 0; r < b.out && copies; ++r)
        copies = same(b.weight[static_cast<size_t>(r * width + j)], b.weight[static_cast<size_t>(r * width)]);
    }
    if (copies) out.push_back({static_cast<int>(l), static_cast<int>(width)});
  }
  return out;
}

}  // namespace bp::studio
