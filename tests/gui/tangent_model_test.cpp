// The derivative-as-a-tangent view's numbers against an independent double-precision
// computation: a 2-3-1 tanh network and its binary cross-entropy written out by hand in double.
#include <gtest/gtest.h>

#include <cmath>

#include "backprop/backprop.h"
#include "model/tangent_model.h"

namespace bp::studio {
namespace {

struct Fixture {
  TrainConfig config;
  std::vector<LayerWeights> weights;
  Dataset train;
  Fixture() {
    config.hidden = {3};
    config.activations = {Activation::Tanh};
    config.lr = 0.5f;
    Rng rng(7);
    weights = {{2, 3, {}, {}}, {3, 1, {}, {}}};
    for (LayerWeights& l : weights) {
      for (int64_t i = 0; i < l.in * l.out; ++i) l.weight.push_back(rng.uniform(-1.5f, 1.5f));
      for (int64_t i = 0; i < l.out; ++i) l.bias.push_back(rng.uniform(-0.5f, 0.5f));
    }
    train = make_dataset("xor", 60, 0.0f, 3);
  }
  // The mean BCE-from-logits loss in double, with parameter p set to v.
  double loss(const ParameterRef& p, double v) const {
    std::vector<std::vector<double>> w(2), b(2);
    for (int l = 0; l < 2; ++l) {
      w[l].assign(weights[l].weight.begin(), weights[l].weight.end());
      b[l].assign(weights[l].bias.begin(), weights[l].bias.end());
    }
    if (p.bias) b[p.layer][p.out] = v;
    else w[p.layer][p.out * weights[p.layer].in + p.in] = v;
    double total = 0;
    for (const Point& pt : train.points) {
      double h[3];
      for (int j = 0; j < 3; ++j) h[j] = std::tanh(w[0][j * 2] * pt.x + w[0][j * 2 + 1] * pt.y + b[0][j]);
      const double z = w[1][0] * h[0] + w[1][1] * h[1] + w[1][2] * h[2] + b[1][0];
      total += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - z * pt.label;
    }
    return total / static_cast<double>(train.size());
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

}  // namespace
}  // namespace bp::studio
