// A chart over training steps: the y axis's ticks (linear, or log10) left of the plot, the step
// ticks below it, light grid lines across it, and its box. The loss chart and the gradient-flow
// chart draw their series inside it.
#pragma once
#include <imgui.h>

#include <optional>

namespace bp::studio {

struct ChartFrame {
  ImVec2 a0, a1;         ///< the plot area
  double s0 = 0, s1 = 1;  ///< steps at its left and right
  double lo = 0, hi = 1;  ///< values at its bottom and top, as log10 on a log axis
  bool log = false;
  double floor = 1e-8;    ///< on a log axis, smaller values are drawn at this one

  /// A value in axis units (log10 of it, at least `floor`, on a log axis).
  double axis(double v) const;
  float x(double step) const;
  float y(double v) const;
  /// The step under a pixel column.
  double step_at(float px) const;
};

/// Draws the frame for `size` pixels at p0 over steps [s0, s1] and values whose axis units run
/// [lo, hi] (see ChartFrame::axis); nullopt, with nothing drawn, when it is too small to read.
std::optional<ChartFrame> draw_chart_frame(ImDrawList* dl, ImVec2 p0, ImVec2 size, ChartFrame range);

/// An empty chart's box with a hint in its middle ("the loss appears here while training").
void draw_empty_chart(ImDrawList* dl, ImVec2 p0, ImVec2 size, const char* hint);

/// A legend entry: a short thick line in the series' colour, then its name.
void legend_entry(const char* name, ImU32 color);

}  // namespace bp::studio
