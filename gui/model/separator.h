// The manual classifier (MiniTorch Module 0): a linear model with no hidden layer, whose
// separator w1·x + w2·y + b = 0 the student moves by hand on the canvas. Two handles: the anchor,
// a point on the line (dragging it shifts the line: b changes), and the tip of the normal arrow
// from it, anchor + scale·w (dragging it rotates and steepens the line: w changes, the anchor
// stays on it). Plain geometry; views/manual_panel.cpp and the canvas use it, the tests check it.
#pragma once
#include <array>

#include "backprop/train.h"

namespace bp::studio {

struct Separator {
  double w1 = 0, w2 = 0, b = 0;
  friend bool operator==(const Separator&, const Separator&) = default;
};

/// A network the manual mode drives: binary classes, no hidden layer, inputs x1 and x2 only.
bool is_linear_classifier(const TrainConfig& c);
/// That network's settings from `c`: no hidden layer, inputs x1, x2, binary cross-entropy.
TrainConfig linear_classifier(TrainConfig c);

struct SeparatorHandles {
  std::array<double, 2> anchor, tip;
  bool valid = false;  ///< false when w = 0 (no line)
};
/// The anchor is the line's point nearest `centre`; the tip is anchor + scale·w.
SeparatorHandles separator_handles(const Separator& s, std::array<double, 2> centre, double scale);
/// The line moved parallel to itself through `p` (w kept).
Separator shift_to(const Separator& s, std::array<double, 2> p);
/// w = (tip − anchor) / scale, and b so that the anchor stays on the line.
Separator rotate_to(std::array<double, 2> anchor, std::array<double, 2> tip, double scale);

}  // namespace bp::studio
