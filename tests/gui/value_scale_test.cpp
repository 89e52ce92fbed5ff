#include "model/value_scale.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bp::studio {
namespace {

TEST(ValueScale, OneWithinPlusMinusOneElseTheNextRoundNumberAtOrAboveTheLargest) {
  EXPECT_EQ(value_scale(0), 1);
  EXPECT_EQ(value_scale(1), 1);
  EXPECT_EQ(value_scale(0.3f), 1);  // small values keep the scale of values placed by click
  EXPECT_EQ(value_scale(1.2f), 1.5f);
  EXPECT_EQ(value_scale(5926), 6000);
  EXPECT_EQ(value_scale(6000), 6000);
  EXPECT_EQ(value_scale(8001), 10000);
  EXPECT_EQ(value_scale(27), 30);
  EXPECT_EQ(value_scale(1e6f), 1e6f);  // the app's largest value
  EXPECT_EQ(value_scale(NAN), 1);
  EXPECT_EQ(value_scale(INFINITY), 1);
  // Every value up to the scale is on it: none beyond ±1 once divided.
  for (float v = 1.01f; v < 2e6f; v *= 1.37f) {
    EXPECT_GE(value_scale(v), v * (1 - 1e-6f)) << v;
    EXPECT_LE(value_scale(v), v * 1.5f + 1e-3f) << v;  // and no more than half again as wide
  }
}

TEST(ValueScale, LabelsAsPercentGWritesThem) {
  EXPECT_EQ(value_label(6000), "6000");
  EXPECT_EQ(value_label(-6000), "-6000");
  EXPECT_EQ(value_label(1), "1");
  EXPECT_EQ(value_label(-1.5e5f), "-150000");
  EXPECT_EQ(value_label(1e6f), "1e+06");
}

}  // namespace
}  // namespace bp::studio
