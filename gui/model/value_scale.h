// The colour scale of a regression's values on the canvas: the boundary, the points and the
// legend read them on one scale, from -S (class 0's colour) through 0 (white) to +S (class 1's).
#pragma once
#include <string>

namespace bp::studio {

/// S for values as large as `largest` in size: 1 while they lie within ±1 (Playground's sets,
/// values placed by click), else the least of 1.5, 2, 2.5, 3, 4, 5, 6, 8 and 10 times a power of
/// ten at or above it (values from 4,238 to 5,926, scale 6,000: each in its own shade, where at
/// scale 1 they were all the one colour of 1). Not finite: 1.
float value_scale(float largest);
/// A legend's label for ±`scale` (or 0): "6000", "-1.5e+05" (as %g writes it).
std::string value_label(float v);

}  // namespace bp::studio
