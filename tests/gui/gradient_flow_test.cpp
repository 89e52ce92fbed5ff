// Gradient flow: the gradients and per-layer gradient norms the snapshot publishes, against a
// network written out in double precision (which ReLUs it marks dead: app_truth_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "model/app_model.h"
#include "reference_mlp.h"

namespace bp::studio {
namespace {

std::vector<Point> training_points(const AppModel& m) {
  std::vector<Point> out;
  for (const StudioPoint& p : m.points())
    if (!p.test) out.push_back({p.x, p.y, p.label});
  return out;
}

TEST(GradientFlow, TheSnapshotsGradientsAreTheStepsGradientInDoublePrecision) {
  AppModel m(false);
  TrainConfig c = m.config();
  c.batch_size = 0;  // the full training set: the step's minibatch is known
  c.optimizer = OptimizerKind::SGD;
  c.lr = 0.1f;
  m.set_config(c);
  m.pump();
  const auto before = m.snapshot();
  EXPECT_TRUE(before->gradients.empty()) << "no step, no gradient";
  m.run_steps(1);
  const auto after = m.snapshot();
  ASSERT_EQ(after->gradients.size(), before->weights.size());

  reference::Mlp ref(before->weights, c.activations);
  const std::vector<Point> pts = training_points(m);
  const auto gw = ref.gradient(pts, false), gb = ref.gradient(pts, true);
  std::vector<double> norms;
  for (size_t l = 0; l < gw.size(); ++l) {
    const LayerWeights& g = after->gradients[l];
    ASSERT_EQ(g.weight.size(), gw[l].size());
    ASSERT_EQ(g.bias.size(), gb[l].size());
    double sum = 0;
    for (size_t i = 0; i < gw[l].size(); ++i) {
      EXPECT_NEAR(g.weight[i], gw[l][i], 1e-5 + 1e-4 * std::abs(gw[l][i])) << "layer " << l << " weight " << i;
      // Plain SGD moved each weight by −lr·gradient: the gradient the optimizer used.
      EXPECT_NEAR(after->weights[l].weight[i], before->weights[l].weight[i] - 0.1 * gw[l][i], 1e-5);
      sum += gw[l][i] * gw[l][i];
    }
    for (size_t i = 0; i < gb[l].size(); ++i) {
      EXPECT_NEAR(g.bias[i], gb[l][i], 1e-5 + 1e-4 * std::abs(gb[l][i])) << "layer " << l << " bias " << i;
      sum += gb[l][i] * gb[l][i];
    }
    norms.push_back(std::sqrt(sum));
  }
  ASSERT_FALSE(after->gradient_history.empty());
  EXPECT_EQ(after->gradient_history.back().step, 1);
  const std::vector<float>& reported = after->gradient_history.back().norms;
  ASSERT_EQ(reported.size(), norms.size());
  for (size_t l = 0; l < norms.size(); ++l) EXPECT_NEAR(reported[l], norms[l], 1e-5 + 1e-4 * norms[l]) << "layer " << l;
  // A new network has no gradients and no gradient history.
  c.hidden = {3};
  m.set_config(c);
  m.pump();
  EXPECT_TRUE(m.snapshot()->gradients.empty());
  EXPECT_TRUE(m.snapshot()->gradient_history.empty());
}

TEST(GradientFlow, DeepSigmoidNetworksShowVanishingGradients) {
  // Each sigmoid scales the gradient by at most 1/4 on its way back: in a 6-layer sigmoid
  // network the first layer's gradient is orders of magnitude below the last one's, while a tanh
  // network of the same shape keeps them within a few times of each other.
  auto ratio = [](Activation a) {
    AppModel m(false);
    TrainConfig c = m.config();
    c.hidden = {6, 6, 6, 6, 6, 6};
    c.activations = {a};
    c.batch_size = 0;
    m.set_config(c);
    m.run_steps(5);
    const auto& n = m.snapshot()->gradient_history.back().norms;
    return n.front() / n.back();
  };
  const float sigmoid = ratio(Activation::Sigmoid), tanh = ratio(Activation::Tanh);
  EXPECT_LT(sigmoid, 1e-3f);
  EXPECT_GT(tanh, 30 * sigmoid);
}

TEST(GradientFlow, TheGradientHistoryFollowsTheLossHistory) {
  AppModel m(false);
  m.run_steps(300);
  const auto s = m.snapshot();
  ASSERT_GE(s->gradient_history.size(), 2u);
  std::set<int64_t> steps;
  for (const HistoryPoint& h : s->history) steps.insert(h.step);
  for (const GradientNormPoint& g : s->gradient_history) {
    EXPECT_TRUE(steps.count(g.step)) << "a gradient point at step " << g.step << " has no loss point";
    EXPECT_EQ(g.norms.size(), s->weights.size());
    for (float v : g.norms) EXPECT_TRUE(std::isfinite(v) && v >= 0);
  }
  EXPECT_EQ(s->gradient_history.back().step, s->step);
}

}  // namespace
}  // namespace bp::studio

namespace bp::studio {
namespace {

TEST(GradientFlow, TheVerdictNamesVanishingAndExplodingGradients) {
  EXPECT_EQ(gradient_flow_verdict({}), "");
  EXPECT_EQ(gradient_flow_verdict({0.5f, 0.2f, 1.0f}), "");
  const std::string vanishing = gradient_flow_verdict({1e-5f, 1e-3f, 0.1f});
  EXPECT_NE(vanishing.find("Vanishing"), std::string::npos) << vanishing;
  EXPECT_NE(vanishing.find("0.0001"), std::string::npos) << vanishing;
  const std::string exploding = gradient_flow_verdict({1.0f, 250.0f, 3.0f});
  EXPECT_NE(exploding.find("Exploding"), std::string::npos) << exploding;
  EXPECT_NE(exploding.find("layer 2"), std::string::npos) << exploding;
  EXPECT_NE(gradient_flow_verdict({1.0f, NAN}).find("Exploding"), std::string::npos);
  // Without a sigmoid, vanishing gradients are not blamed on one.
  EXPECT_EQ(vanishing.find("sigmoid"), std::string::npos) << vanishing;
  EXPECT_NE(gradient_flow_verdict({1e-5f, 1e-3f, 0.1f}, {Activation::Tanh, Activation::Sigmoid}).find("sigmoid"), std::string::npos);
  // A layer of dead ReLUs stops the gradient: that is the reason given, not vanishing.
  const std::string dead = gradient_flow_verdict({0.0f, 0.0f, 0.3f}, {Activation::ReLU}, {2, 6}, {6, 6});
  EXPECT_NE(dead.find("past layer 2"), std::string::npos) << dead;
  EXPECT_EQ(dead.find("Vanishing"), std::string::npos) << dead;
  // Why, as the Training panel has it: the rate only where the loss jumped (it said "Reset with a
  // lower learning rate." whatever the cause).
  EXPECT_NE(dead.find("stopped learning. The learning rate was too high: reset with a lower one."), std::string::npos) << dead;
  auto verdict = [](DeadReLURemedy r) { return gradient_flow_verdict({0.0f, 0.0f, 0.3f}, {Activation::ReLU}, {2, 6}, {6, 6}, {}, false, r); };
  EXPECT_NE(verdict(DeadReLURemedy::LeakyReLU).find("Not the learning rate (the loss fell without jumps)"), std::string::npos);
  EXPECT_NE(verdict(DeadReLURemedy::AnotherSeed).find("The initial weights left them dead: reset with another seed."), std::string::npos);
  EXPECT_NE(verdict(DeadReLURemedy::Reset).find("They were dead in the weights training started from"), std::string::npos);
  for (DeadReLURemedy r : {DeadReLURemedy::LeakyReLU, DeadReLURemedy::AnotherSeed, DeadReLURemedy::Reset, DeadReLURemedy::Unknown})
    EXPECT_EQ(verdict(r).find("lower"), std::string::npos) << verdict(r);
  EXPECT_NE(verdict(DeadReLURemedy::Unknown).find("have stopped learning."), std::string::npos);
  // From a run: a deep sigmoid network's norms get the vanishing verdict.
  AppModel m(false);
  TrainConfig c = m.config();
  c.hidden = {6, 6, 6, 6, 6, 6};
  c.activations = {Activation::Sigmoid};
  m.set_config(c);
  m.run_steps(3);
  EXPECT_NE(gradient_flow_verdict(m.snapshot()->gradient_history.back().norms, c.activations).find("sigmoid"), std::string::npos);
}

}  // namespace
}  // namespace bp::studio
