#include "point_sprites.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace bp::studio {

void PointSprites::prepare(const std::vector<Shape>& shapes) {
  if (shapes == shapes_ && atlas_.count() == shapes.size()) return;
  shapes_ = shapes;
  float reach = 1;
  for (const Shape& s : shapes) reach = std::max(reach, s.radius + 0.5f * s.width);
  const int size = 2 * static_cast<int>(std::ceil(reach + 1));  // even: the centre is a texel corner
  const size_t tile_bytes = static_cast<size_t>(size * size * 4);
  std::vector<uint8_t> rgba(shapes.size() * tile_bytes, 255);
  constexpr int kSub = 4;  // 4×4 samples per pixel
  const float half = 0.5f * static_cast<float>(size);
  for (size_t t = 0; t < shapes.size(); ++t) {
    const Shape& s = shapes[t];
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        int inside = 0;
        for (int sy = 0; sy < kSub; ++sy)
          for (int sx = 0; sx < kSub; ++sx) {
            const float px = static_cast<float>(x) + (static_cast<float>(sx) + 0.5f) / kSub - half;
            const float py = static_cast<float>(y) + (static_cast<float>(sy) + 0.5f) / kSub - half;
            const float d = std::sqrt(px * px + py * py);
            inside += s.width > 0 ? std::fabs(d - s.radius) <= 0.5f * s.width : d <= s.radius;
          }
        rgba[t * tile_bytes + static_cast<size_t>(y * size + x) * 4 + 3] = static_cast<uint8_t>(inside * 255 / (kSub * kSub));
      }
  }
  atlas_.upload(rgba, shapes.size(), size);
}

void PointSprites::draw(ImDrawList* dl, size_t shape, ImVec2 c, ImU32 colour) const {
  if (shape >= atlas_.count()) return;
  const float half = 0.5f * static_cast<float>(atlas_.tile_size());
  const ImVec2 tl(std::round(c.x) - half, std::round(c.y) - half);
  const auto uv = atlas_.tile(shape);
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(atlas_.texture())), tl, ImVec2(tl.x + 2 * half, tl.y + 2 * half),
               ImVec2(uv[0], uv[1]), ImVec2(uv[2], uv[3]), colour);
}

}  // namespace bp::studio
