// A slider for a positive value that spans decades (the tangent view's ε, 1e-4 to 1): it moves
// evenly in log10 of the value and shows the value as a short decimal ("0.3", "0.0005").
//
// ImGui 1.86's own logarithmic slider takes the smallest value it can tell from zero from the
// decimals of the format: "%.0e" gives it 10 and "%.2g" 0.01, and a range that starts below that
// collapses (with "%.0e", a click anywhere past the left end gave 1; with "%.2g", nothing
// between 1e-4 and 0.014 could be had).
#pragma once

namespace bp::studio {

/// `v` rounded to `digits` significant decimal digits, as "%.*g" prints it (0, inf and NaN
/// unchanged).
double round_to_significant(double v, int digits);

/// A slider over [lo, hi] (0 < lo < hi) in log10 of `v`, showing `v` with `digits` significant
/// digits; a dragged value is rounded to those digits, so what it shows is what `v` holds. `v`
/// set elsewhere (a session, a command-line flag) is shown as it is, to `digits`. Ctrl+click
/// turns it into a field to type a value into (kept as typed, clamped to [lo, hi]), as ImGui's
/// sliders do. True when the user changed `v`.
bool log_slider(const char* label, float& v, float lo, float hi, int digits = 2);

}  // namespace bp::studio
