// A part of the UI rasterized once into an offscreen texture and copied onto the screen every
// frame until its contents change. The graph inspector's 1,000-node view costs software GL tens
// of milliseconds to rasterize (thousands of long anti-aliased edges); copying it costs one.
#pragma once
#include <imgui.h>

#include <cstdint>

#include "blit.h"

namespace bp::studio {

class CachedView {
 public:
  CachedView();
  CachedView(const CachedView&) = delete;
  CachedView& operator=(const CachedView&) = delete;

  /// Starts a frame of the view at (pos, size) in ImGui coordinates. When `key` (a digest of
  /// everything the drawing depends on, positions relative to `pos`) or the size changed, returns
  /// an empty draw list to record the view into, in screen coordinates; else nullptr.
  ImDrawList* begin(uint64_t key, ImVec2 pos, ImVec2 size);
  /// Rasterizes what was recorded, over `background`, and adds the copy onto the screen to `dl`.
  void end(ImDrawList* dl, ImVec4 background);
  /// Rasterizes what was recorded over nothing (transparent), and adds it to `dl` as one quad
  /// blended over what lies beneath (premultiplied alpha): a layer over a view that changes on
  /// its own, as the canvas's points over the boundary.
  void end_transparent(ImDrawList* dl);
  /// How many times the view was rasterized.
  int renders() const { return renders_; }

 private:
  void rasterize(ImVec4 clear);
  RenderTarget target_;
  ImDrawList list_;
  bool recording_ = false, valid_ = false;
  uint64_t key_ = 0;
  ImVec2 size_{0, 0}, record_pos_{0, 0};
  Blit blit_;
  int renders_ = 0;
};

/// Where a CachedView key's digest starts (the FNV-1a offset basis).
constexpr uint64_t kDigestSeed = 14695981039346656037ull;
/// Folds a value into a digest (FNV-1a over its bytes), for CachedView keys.
template <typename T>
uint64_t digest(uint64_t h, const T& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(&v);
  for (size_t i = 0; i < sizeof v; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace bp::studio
