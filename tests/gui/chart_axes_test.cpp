// Axis arithmetic of the canvas and the loss chart (model/chart_axes.h), checked against values
// worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "model/chart_axes.h"

namespace bp::studio {
namespace {

TEST(ChartAxes, NiceTicksAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_EQ(nice_ticks(0, 1, 5), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(nice_ticks(-6, 6, 6), (std::vector<double>{-6, -4, -2, 0, 2, 4, 6}));
  const auto t = nice_ticks(0, 12345, 4);  // step 5000
  EXPECT_EQ(t, (std::vector<double>{0, 5000, 10000}));
  EXPECT_TRUE(nice_ticks(1, 1, 5).empty());
  EXPECT_TRUE(nice_ticks(0, NAN, 5).empty());
  for (double v : nice_ticks(-0.3, 0.3, 6)) EXPECT_FALSE(std::signbit(v) && v == 0) << "no -0";
}

TEST(ChartAxes, LogTicksArePowersOfTenOrNiceValuesWithinADecade) {
  EXPECT_EQ(log_ticks(-3.2, 0.5, 10), (std::vector<double>{-3, -2, -1, 0}));
  EXPECT_EQ(log_ticks(-6, 0, 3), (std::vector<double>{-6, -3, 0})) << "every third decade for 3 ticks";
  const auto within = log_ticks(std::log10(0.2), std::log10(0.7), 5);  // 0.2 .. 0.7
  ASSERT_FALSE(within.empty());
  for (double e : within) {
    const double v = std::pow(10.0, e);
    EXPECT_GE(v, 0.2 - 1e-12);
    EXPECT_LE(v, 0.7 + 1e-12);
  }
}

TEST(ChartAxes, TickLabelsAreShort) {
  EXPECT_EQ(tick_label(0), "0");
  EXPECT_EQ(tick_label(-0.0), "0");
  EXPECT_EQ(tick_label(0.25), "0.25");
  EXPECT_EQ(tick_label(1500), "1.5k");
  EXPECT_EQ(tick_label(20000), "20k");
  EXPECT_EQ(tick_label(1.2e6), "1.2M");
  EXPECT_EQ(tick_label(1e-5), "1e-05");
  EXPECT_EQ(tick_label(5e8), "500M");
  // A diverging run's loss chart: "4e+28M" before.
  EXPECT_EQ(tick_label(4e34), "4e+34");
  EXPECT_EQ(tick_label(-2e9), "-2e+09");
  EXPECT_EQ(tick_label(-5), "-5");
}

TEST(ChartAxes, FixedReadoutsNeverSayMinusZero) {
  EXPECT_EQ(fixed(-0.001, 2), "0.00");
  EXPECT_EQ(fixed(-0.0, 4), "0.0000");
  EXPECT_EQ(fixed(-0.00004, 4), "0.0000");
  EXPECT_EQ(fixed(-0.00006, 4), "-0.0001");
  EXPECT_EQ(fixed(1.234567, 2), "1.23");
  EXPECT_EQ(fixed(-3.5, 1), "-3.5");
  EXPECT_EQ(fixed(-2.0, 0), "-2");
}

TEST(ChartAxes, TheNearestHistoryPointToTheMouse) {
  std::vector<HistoryPoint> h;
  for (int64_t s : {0, 10, 20, 40}) h.push_back({s, 0, 1, 1, 0, 0});
  EXPECT_EQ(nearest_history_point({}, 5), -1);
  EXPECT_EQ(nearest_history_point(h, -100), 0);
  EXPECT_EQ(nearest_history_point(h, 4), 0);
  EXPECT_EQ(nearest_history_point(h, 6), 1);
  EXPECT_EQ(nearest_history_point(h, 29), 2);
  EXPECT_EQ(nearest_history_point(h, 31), 3);
  EXPECT_EQ(nearest_history_point(h, 1e9), 3);
}

}  // namespace
}  // namespace bp::studio
