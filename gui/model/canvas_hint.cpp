#include "model/canvas_hint.h"

#include <algorithm>

namespace bp::studio {

std::string empty_canvas_hint(const std::vector<StudioPoint>& points, bool clicks_add_test_points) {
  if (std::any_of(points.begin(), points.end(), [](const StudioPoint& p) { return !p.test; })) return "";
  const std::string what = points.empty() ? "No points to train on." : "Only test points, which are never trained on.";
  const std::string click = clicks_add_test_points ? "Untick \"clicks add test points\" and click to place training points"
                                                   : "Click to place training points";
  return what + " " + click + ", pick a dataset in Data, or Undo (Ctrl+Z).";
}

}  // namespace bp::studio
