#include "model/number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bp::studio {
namespace {

TEST(AccuracyText, OneDecimalPercentAndADashForNone) {
  EXPECT_EQ(accuracy_text(0.93125), "93.1 %");
  EXPECT_EQ(accuracy_text(1.0), "100.0 %");
  EXPECT_EQ(accuracy_text(0.0), "0.0 %");
  EXPECT_EQ(accuracy_text(std::nan("")), "-");
}

TEST(LossText, FourDecimalsInTheUsualRange) {
  EXPECT_EQ(loss_text(0.693147), "0.6931");
  EXPECT_EQ(loss_text(3.10573), "3.1057");
  EXPECT_EQ(loss_text(0.001), "0.0010");
  EXPECT_EQ(loss_text(9999.5), "9999.5000");
}

TEST(LossText, ASmallLossIsNotShownAsZero) {
  // The regularization lesson's over-fitted network: train loss 3.2e-5 read "0.0000".
  EXPECT_EQ(loss_text(3.2104e-5), "3.21e-05");
  EXPECT_EQ(loss_text(9.99e-4), "9.99e-04");
  EXPECT_EQ(loss_text(1e-30), "1.00e-30");
  EXPECT_EQ(loss_text(0.0), "0");
  // Every value under the switch keeps a nonzero digit.
  for (double v = 1e-12; v < 1e-3; v *= 1.37) EXPECT_NE(std::stod(loss_text(v)), 0.0) << v;
}

TEST(LossText, LargeAndMissingValues) {
  EXPECT_EQ(loss_text(123456.0), "1.23e+05");
  EXPECT_EQ(loss_text(-2.5e-6), "-2.50e-06");  // a regression target's signed value, never a loss
  EXPECT_EQ(loss_text(std::numeric_limits<double>::quiet_NaN()), "-");
  EXPECT_EQ(loss_text(std::numeric_limits<double>::infinity()), "infinite");
}

}  // namespace
}  // namespace bp::studio
