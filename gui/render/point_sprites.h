// The canvas's points as sprites: anti-aliased discs and rings rendered once on the CPU as
// white coverage masks in one texture, then drawn as one tinted quad each. ImGui's own circles
// cost about 100 triangles a point with anti-aliased outlines, and software OpenGL spent a
// third of each frame on a few hundred points; sprites cost two triangles and one draw call.
#pragma once
#include <imgui.h>

#include <vector>

#include "tile_atlas.h"

namespace bp::studio {

class PointSprites {
 public:
  /// A filled disc (width 0) or a ring of line width `width` centred on `radius`, in pixels.
  struct Shape {
    float radius = 0, width = 0;
    bool operator==(const Shape&) const = default;
  };

  /// Makes sure the texture holds these shapes, in this order (rebuilt only when they change).
  void prepare(const std::vector<Shape>& shapes);
  /// Draws shape i centred at c, tinted with `colour`. The centre is snapped to the pixel grid
  /// so that the mask's texels land on pixels exactly.
  void draw(ImDrawList* dl, size_t shape, ImVec2 c, ImU32 colour) const;

 private:
  TileAtlas atlas_;
  std::vector<Shape> shapes_;
};

}  // namespace bp::studio
