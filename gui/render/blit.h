// Offscreen images and copying them onto the screen at a point of ImGui's drawing order. Software
// GL copies pixels for a fraction of what drawing them as a blended, textured quad costs.
#pragma once
#include <imgui.h>

#include <vector>

namespace bp::studio {

/// An offscreen RGBA8 image that a shader pass or an ImGui draw list renders into (the
/// boundary, the cached views), and a Blit copies onto the screen.
class RenderTarget {
 public:
  RenderTarget();
  ~RenderTarget();
  RenderTarget(const RenderTarget&) = delete;
  RenderTarget& operator=(const RenderTarget&) = delete;

  /// Reallocates the image when the size changed (its contents are then undefined).
  void resize(int width, int height);
  unsigned fbo() const { return fbo_; }
  unsigned texture() const { return texture_; }
  int width() const { return width_; }
  int height() const { return height_; }

  /// While alive, GL draws into the target: its framebuffer is bound and the viewport covers it.
  /// The previous framebuffer and viewport come back at the end of the scope.
  class Scope {
   public:
    explicit Scope(const RenderTarget& target);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    int prev_fbo_ = 0, prev_viewport_[4] = {0, 0, 0, 0};
  };

 private:
  unsigned fbo_ = 0, texture_ = 0;
  int width_ = 0, height_ = 0;
};

/// What to copy and where: the source's pixels go to the rectangle (pos, size) in ImGui
/// coordinates, scaled when the sizes differ.
struct Blit {
  const RenderTarget* source = nullptr;
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
