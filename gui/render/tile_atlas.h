// Equal-sized RGBA images packed into one texture, so that many small pictures (neuron
// heatmaps, dataset thumbnails, point sprites) draw as textured quads from a single texture:
// ImGui merges them into one draw call, and software GL rasterizes two triangles per picture.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bp::studio {

class TileAtlas {
 public:
  TileAtlas();
  ~TileAtlas();
  TileAtlas(const TileAtlas&) = delete;
  TileAtlas& operator=(const TileAtlas&) = delete;

  /// Replaces the texture's contents: `tiles` holds `count` images of size×size RGBA pixels
  /// each, one after the other, row 0 first. Each tile gets a one-texel border that repeats its
  /// edge, so linear filtering never bleeds one tile into the next.
  void upload(const std::vector<uint8_t>& tiles, size_t count, int size);
  unsigned texture() const { return texture_; }
  size_t count() const { return count_; }
  int tile_size() const { return size_; }
  /// Texture coordinates of tile i: u0, v0, u1, v1, with v0 at the tile's row 0.
  std::array<float, 4> tile(size_t i) const;

 private:
  unsigned texture_ = 0;
  size_t count_ = 0;
  int size_ = 1, cols_ = 1, rows_ = 1;
};

}  // namespace bp::studio
