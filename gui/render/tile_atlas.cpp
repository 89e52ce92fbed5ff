#include "tile_atlas.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gl.h"

namespace bp::studio {

TileAtlas::TileAtlas() : texture_(make_linear_texture()) {}

TileAtlas::~TileAtlas() { glDeleteTextures(1, &texture_); }

void TileAtlas::upload(const std::vector<uint8_t>& tiles, size_t count, int size) {
  if (count == 0 || size < 1 || tiles.size() < count * static_cast<size_t>(size * size * 4)) {
    count_ = 0;
    return;
  }
  count_ = count;
  size_ = size;
  cols_ = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  rows_ = static_cast<int>((count + static_cast<size_t>(cols_) - 1) / static_cast<size_t>(cols_));
  const int tw = size + 2, w = cols_ * tw, h = rows_ * tw;
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * static_cast<size_t>(h) * 4, 0);
  for (size_t t = 0; t < count; ++t) {
    const uint8_t* src = &tiles[t * static_cast<size_t>(size * size * 4)];
    const int ox = static_cast<int>(t % static_cast<size_t>(cols_)) * tw, oy = static_cast<int>(t / static_cast<size_t>(cols_)) * tw;
    for (int y = -1; y <= size; ++y)
      for (int x = -1; x <= size; ++x) {
        const int sx = std::clamp(x, 0, size - 1), sy = std::clamp(y, 0, size - 1);
        std::memcpy(&rgba[(static_cast<size_t>(oy + y + 1) * static_cast<size_t>(w) + static_cast<size_t>(ox + x + 1)) * 4],
                    &src[static_cast<size_t>(sy * size + sx) * 4], 4);
      }
  }
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
}

std::array<float, 4> TileAtlas::tile(size_t i) const {
  if (i >= count_) return {0, 0, 0, 0};
  const float tw = static_cast<float>(size_ + 2), w = static_cast<float>(cols_) * tw, h = static_cast<float>(rows_) * tw;
  const float x0 = static_cast<float>(i % static_cast<size_t>(cols_)) * tw + 1, y0 = static_cast<float>(i / static_cast<size_t>(cols_)) * tw + 1;
  return {x0 / w, y0 / h, (x0 + static_cast<float>(size_)) / w, (y0 + static_cast<float>(size_)) / h};
}

}  // namespace bp::studio
