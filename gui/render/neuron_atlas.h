// The network diagram's neuron heatmaps as one texture: a tile per neuron, coloured on the CPU
// when a new snapshot arrives, so the diagram draws each neuron as a single textured quad.
#pragma once
#include <array>
#include <vector>

#include "model/app_model.h"
#include "tile_atlas.h"

namespace bp::studio {

class NeuronAtlas {
 public:
  /// Rebuilds the texture when the snapshot changed.
  void update(const Snapshot& snap);
  unsigned texture() const { return atlas_.texture(); }
  /// Texture coordinates of a neuron's tile: u0, v0, u1, v1 (row 0 of the map at the bottom).
  std::array<float, 4> tile(size_t layer, size_t neuron) const;

 private:
  TileAtlas atlas_;
  uint64_t version_ = 0;
  std::vector<size_t> first_tile_;  // index of each layer's first tile
};

}  // namespace bp::studio
