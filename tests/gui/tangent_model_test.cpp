// The derivative-as-a-tangent view's numbers against an independent double-precision
// computation: a 2-3-1 tanh network and its binary cross-entropy written out by hand in double.
#include <gtest/gtest.h>

#include <cmath>

#include "backprop/backprop.h"
#include "model/tangent_model.h"
#include "reference_mlp.h"

namespace bp::studio {
namespace {

struct Fixture : reference::SmallNet {
  Fixture() : SmallNet(0.5f) {}
  // The loss in double with parameter p set to v.
  double loss(const ParameterRef& p, double v) const {
    reference::Mlp m(weights, config.activations);
    const int64_t in = weights[static_cast<size_t>(p.layer)].in;
    (p.bias ? m.b : m.w)[static_cast<size_t>(p.layer)][static_cast<size_t>(p.bias ? p.out : p.out * in + p.in)] = v;
    return m.bce(train.points);
  }
};

TEST(TangentModel, CurveTangentSecantAndStepMatchADoublePrecisionComputation) {
  const Fixture f;
  for (const ParameterRef& p : {ParameterRef{0, 1, 0, false}, ParameterRef{1, 0, 2, false}, ParameterRef{0, 2, 0, true}}) {
    SCOPED_TRACE(parameter_label(p));
    const TangentPlot t = tangent_plot(f.config, f.weights, f.train, p, 1e-2, 41);
    const double v = t.value;
    EXPECT_NEAR(t.loss, f.loss(p, v), 1e-6);
    // The tangent's slope is the autodiff gradient: against a double central difference.
    const double h = 1e-6, slope = (f.loss(p, v + h) - f.loss(p, v - h)) / (2 * h);
    EXPECT_NEAR(t.gradient, slope, 1e-5 * (1 + std::abs(slope)));
    // The secant is the float32 engine's central difference with the chosen ε.
    EXPECT_NEAR(t.secant_slope, (f.loss(p, v + 1e-2) - f.loss(p, v - 1e-2)) / 2e-2, 2e-4);
    ASSERT_EQ(t.xs.size(), 41u);
    for (size_t i = 0; i < t.xs.size(); ++i) EXPECT_NEAR(t.ys[i], f.loss(p, t.xs[i]), 1e-5) << "curve at " << t.xs[i];
    EXPECT_DOUBLE_EQ(t.step_to, v - 0.5 * t.gradient);
    EXPECT_NEAR(t.loss_after, f.loss(p, t.step_to), 1e-5);
    EXPECT_LE(t.xs.front(), std::min(t.step_to, v - 1e-2));
    EXPECT_GE(t.xs.back(), std::max(t.step_to, v + 1e-2));
  }
}

TEST(TangentModel, TheSecantConvergesOnTheTangentAsEpsilonShrinks) {
  // Central differences err by O(ε²) until float32 rounding takes over.
  const Fixture f;
  const ParameterRef p{0, 0, 1, false};
  const double wide = tangent_plot(f.config, f.weights, f.train, p, 0.5).relative_error;
  const double mid = tangent_plot(f.config, f.weights, f.train, p, 0.05).relative_error;
  EXPECT_GT(wide, 10 * mid) << wide << " vs " << mid;
  EXPECT_LT(mid, 1e-2);
}

TEST(TangentModel, BadParametersAndNoDataAreRefused) {
  const Fixture f;
  EXPECT_THROW(tangent_plot(f.config, f.weights, f.train, {2, 0, 0, false}, 0.1), ValueError);
  EXPECT_THROW(tangent_plot(f.config, f.weights, f.train, {0, 3, 0, false}, 0.1), ValueError);
  EXPECT_THROW(tangent_plot(f.config, f.weights, f.train, {0, 0, 2, false}, 0.1), ValueError);
  EXPECT_THROW(tangent_plot(f.config, f.weights, Dataset{}, {0, 0, 0, false}, 0.1), ValueError);
  EXPECT_THROW(tangent_plot(f.config, f.weights, f.train, {0, 0, 0, false}, 0.0), ValueError);
  EXPECT_EQ(parameter_label({1, 0, 2, false}), "layer 2: w[1,3]");
  EXPECT_EQ(parameter_label({0, 2, 0, true}), "layer 1: b[3]");
}

TEST(TangentModel, AtNonFiniteWeightsThereIsNoErrorToReport) {
  // A diverged run's weights: the loss and both slopes are NaN, and the relative error, which
  // read 0 (max(|NaN|, 0) is not > 0), is NaN too, so that the view says there is nothing to
  // compare instead of "they agree".
  const Fixture f;
  const ParameterRef p{0, 1, 0, false};
  const TangentPlot fine = tangent_plot(f.config, f.weights, f.train, p, 0.1);
  EXPECT_TRUE(fine.finite());
  EXPECT_TRUE(std::isfinite(fine.relative_error));
  std::vector<LayerWeights> w = f.weights;
  w[1].weight[0] = NAN;
  const TangentPlot t = tangent_plot(f.config, w, f.train, p, 0.1);
  EXPECT_FALSE(t.finite());
  EXPECT_TRUE(std::isnan(t.loss));
  EXPECT_TRUE(std::isnan(t.relative_error));
}

}  // namespace
}  // namespace bp::studio
