// Copying an offscreen framebuffer onto the screen at a point of ImGui's drawing order. Software
// GL copies pixels for a fraction of what drawing them as a blended, textured quad costs.
#pragma once
#include <imgui.h>

#include <vector>

namespace bp::studio {

/// What to copy and where: the framebuffer's width × height pixels go to the rectangle (pos,
/// size) in ImGui coordinates, scaled when the sizes differ.
struct Blit {
  unsigned fbo = 0;
  int width = 0, height = 0;
  ImVec2 pos{0, 0}, size{0, 0};
  /// Screen rectangles (x0, y0, x1, y1, ImGui coordinates) that windows drawn later cover
  /// completely: the copy leaves them out.
  std::vector<ImVec4> covered;
};

/// `area` minus `hole`: up to four rectangles (x0, y0, x1, y1).
std::vector<ImVec4> subtract(const ImVec4& area, const ImVec4& hole);

/// Adds a command to `dl` that performs the copy when ImGui renders that point of the list,
/// clipped to the list's current clip rectangle. `blit` must stay alive until then.
void add_blit(ImDrawList* dl, const Blit* blit);

}  // namespace bp::studio
