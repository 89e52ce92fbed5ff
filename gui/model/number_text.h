// How the app writes a loss: as a number a student can compare across the panels, never one
// that reads as exactly zero when it is not (a network that learns its points by heart drives
// its training loss to 1e-5 and on, which four decimals showed as "0.0000").
#pragma once
#include <string>

namespace bp::studio {

/// "0.6931" (four decimals) from 0.001 up to 10,000, and exactly 0 as "0"; other magnitudes in
/// three significant digits, "3.21e-05" or "1.20e+05"; NaN as "-" (nothing measured, as with
/// no test points) and infinities as "infinite" / "-infinite".
std::string loss_text(double v);
/// An accuracy (a fraction) as a percentage with one decimal, "93.1 %"; NaN (none measured: a
/// regression, no test points) as "-".
std::string accuracy_text(double fraction);

}  // namespace bp::studio
