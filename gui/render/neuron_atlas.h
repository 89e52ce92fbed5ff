// The network diagram's neuron heatmaps as one texture: a tile per neuron, coloured on the CPU
// when a new snapshot arrives, so the diagram draws each neuron as a single textured quad.
#pragma once
#include <array>
#include <vector>

#include "model/app_model.h"

namespace bp::studio {

class NeuronAtlas {
 public:
  NeuronAtlas();
  ~NeuronAtlas();
  NeuronAtlas(const NeuronAtlas&) = delete;
  NeuronAtlas& operator=(const NeuronAtlas&) = delete;

  /// Rebuilds the texture when the snapshot changed.
  void update(const Snapshot& snap);
  unsigned texture() const { return texture_; }
  /// Texture coordinates of a neuron's tile: u0, v0, u1, v1 (row 0 of the map at the bottom).
  std::array<float, 4> tile(size_t layer, size_t neuron) const;

 private:
  unsigned texture_ = 0;
  uint64_t version_ = 0;
  int cols_ = 1, rows_ = 1, res_ = 1;
  std::vector<size_t> first_tile_;  // index of each layer's first tile
};

}  // namespace bp::studio
