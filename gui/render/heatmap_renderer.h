// Draws the decision boundary of a Snapshot into a texture with the GLSL shaders in shaders/.
#pragma once
#include <string>
#include <vector>

#include "blit.h"

#include "model/app_model.h"

namespace bp::studio {

class HeatmapRenderer {
 public:
  /// Compiles shaders/heatmap.{vert,frag} from `shader_dir`; throws std::runtime_error with the
  /// compiler's log when that fails.
  explicit HeatmapRenderer(const std::string& shader_dir);
  ~HeatmapRenderer();
  HeatmapRenderer(const HeatmapRenderer&) = delete;
  HeatmapRenderer& operator=(const HeatmapRenderer&) = delete;

  /// Renders the snapshot's grid for the plane region `view` into an offscreen image of width ×
  /// height pixels times `scale`. Does nothing when neither the snapshot nor the arguments
  /// changed since the last call.
  void render(const Snapshot& snap, const Region& view, int width, int height, bool discretize, float scale = 1.0f);
  /// How many times the shader actually ran (the rest were cache hits).
  int renders() const { return renders_; }
  /// Adds to `dl` the copy of the last rendered image onto the screen rectangle (pos, size).
  void draw(ImDrawList* dl, ImVec2 pos, ImVec2 size);
  /// Rectangles that windows above the canvas cover (see Blit::covered), set before rendering.
  void set_covered(std::vector<ImVec4> covered) { blit_.covered = std::move(covered); }

 private:
  void upload(const Snapshot& snap);
  unsigned programs_[3] = {0, 0, 0};  // binary, multiclass, regression
  unsigned vao_ = 0, vbo_ = 0, values_ = 0, values_more_ = 0;
  RenderTarget target_;
  int renders_ = 0;
  Blit blit_;
  uint64_t uploaded_version_ = 0;
  struct Key {
    uint64_t version;
    float x0, x1, y0, y1;
    int w, h;
    bool discretize;
    bool operator==(const Key&) const = default;
  } drawn_{};
};

/// Reads the back buffer (before the swap) and writes the rectangle as PNG, top row first.
void save_framebuffer_png(const std::string& path, int x, int y, int w, int h, int framebuffer_height);

}  // namespace bp::studio
