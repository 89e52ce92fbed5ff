// The empty canvas's sentence: only while there is no training point, and it says how to get one.
#include <gtest/gtest.h>

#include "model/canvas_hint.h"

namespace bp::studio {
namespace {

TEST(CanvasHint, OnlyWhileNoPointIsTrainedOn) {
  EXPECT_EQ(empty_canvas_hint({{0.5f, 0.5f, 1, false}}, false), "");
  EXPECT_EQ(empty_canvas_hint({{0.5f, 0.5f, 1, true}, {1, 1, 0, false}}, true), "") << "one training point is enough";
  const std::string none = empty_canvas_hint({}, false);
  EXPECT_EQ(none, "No points to train on. Click to place training points, pick a dataset in Data, or Undo (Ctrl+Z).");
  const std::string only_test = empty_canvas_hint({{0.5f, 0.5f, 1, true}}, false);
  EXPECT_EQ(only_test.rfind("Only test points, which are never trained on. Click", 0), 0u) << only_test;
  // While clicks add test points, a click would not help: the toggle is named.
  const std::string toggled = empty_canvas_hint({}, true);
  EXPECT_NE(toggled.find("Untick \"clicks add test points\""), std::string::npos) << toggled;
}

}  // namespace
}  // namespace bp::studio
