#include "neuron_atlas.h"

#include <algorithm>
#include <cmath>

#include "common/palette.h"

namespace bp::studio {

void NeuronAtlas::update(const Snapshot& snap) {
  if (snap.version == version_) return;
  version_ = snap.version;
  const int res = std::max(1, snap.neuron_res);
  size_t tiles = 0;
  first_tile_.clear();
  for (const auto& layer : snap.neuron_maps) {
    first_tile_.push_back(tiles);
    tiles += layer.size();
  }
  if (tiles == 0) return;
  const size_t tile_bytes = static_cast<size_t>(res * res * 4);
  std::vector<uint8_t> rgba(tiles * tile_bytes, 255);
  for (size_t l = 0; l < snap.neuron_maps.size(); ++l)
    for (size_t n = 0; n < snap.neuron_maps[l].size(); ++n) {
      const auto& v = snap.neuron_maps[l][n];
      if (static_cast<int>(v.size()) != res * res) continue;
      const bool output = l + 1 == snap.neuron_maps.size() && snap.problem != Problem::Regression;
      float vmax = 1e-6f;
      for (float x : v) vmax = std::max(vmax, std::fabs(x));
      uint8_t* tile = &rgba[(first_tile_[l] + n) * tile_bytes];
      for (size_t i = 0; i < v.size(); ++i) {
        const float val = output ? std::tanh(v[i]) : v[i] / vmax;  // logits: their sign decides the class
        const auto c = tools::to_bytes(tools::diverging(val, 0.9f));
        std::copy(c.begin(), c.end(), tile + i * 4);
      }
    }
  atlas_.upload(rgba, tiles, res);
}

std::array<float, 4> NeuronAtlas::tile(size_t layer, size_t neuron) const {
  if (layer >= first_tile_.size()) return {0, 0, 0, 0};
  return atlas_.tile(first_tile_[layer] + neuron);
}

}  // namespace bp::studio
