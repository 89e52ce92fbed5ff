// What the canvas says when there is nothing to train on: how to get training points back, so
// that a student who cleared them (or opened an empty custom dataset) is told what to do rather
// than watching a Pause button while nothing trains.
#pragma once
#include <string>
#include <vector>

#include "model/settings.h"

namespace bp::studio {

/// The sentence for an empty canvas, or "" when there is a training point (a point that is not
/// held out for testing). `clicks_add_test_points` is the Data panel's toggle: then a click adds a
/// test point, which would not help.
std::string empty_canvas_hint(const std::vector<StudioPoint>& points, bool clicks_add_test_points);

}  // namespace bp::studio
