// Axis arithmetic and number text for the canvas, the loss chart and the tooltips, with no ImGui
// in it: "nice" tick values (1, 2 or 5 times a power of ten), short tick labels, fixed-point
// readouts that never say "-0.00", and the history point under the mouse.
#pragma once
#include <string>
#include <vector>

#include "backprop/train.h"

namespace bp::studio {

/// About `target` ticks between lo and hi at a step of 1, 2 or 5 × 10^k (empty if hi <= lo).
std::vector<double> nice_ticks(double lo, double hi, int target);
/// Ticks for a log10 axis from 10^lo to 10^hi: the powers of ten inside it, or, when the range
/// spans less than one decade, nice ticks of the values (returned as log10 of them).
std::vector<double> log_ticks(double lo, double hi, int target);
/// A short label: "0", "0.25", "1.5k", "20k", "1.2M", "500M", "4e+34", "1e-05" (never "-0").
std::string tick_label(double v);
/// `v` with `decimals` decimals, never "-0.00" (a value that rounds to zero prints as 0.00).
std::string fixed(double v, int decimals);
/// The index of the history point whose step is nearest `step` (-1 for an empty history).
int nearest_history_point(const std::vector<HistoryPoint>& h, double step);

}  // namespace bp::studio
