// The manual classifier: the separator's handles, each point's share of the loss, and handing
// a hand-placed line over to gradient descent, against independent computations.
#include <gtest/gtest.h>

#include <cmath>

#include "model/app_model.h"
#include "model/point_losses.h"
#include "model/separator.h"
#include "reference_mlp.h"

namespace bp::studio {
namespace {

double side(const Separator& s, std::array<double, 2> p) { return s.w1 * p[0] + s.w2 * p[1] + s.b; }

// The app on a linear model trained by plain SGD at rate 0.5 with minibatches of `batch` (0: all).
void use_linear_sgd(AppModel& m, int64_t batch) {
  TrainConfig c = linear_classifier(m.config());
  c.optimizer = OptimizerKind::SGD;
  c.batch_size = batch;
  c.lr = 0.5f;
  m.set_config(c);
}

TEST(ManualClassifier, TheHandlesShiftAndRotateTheLine) {
  const Separator s{1.5, -0.5, 2.0};
  const std::array<double, 2> centre{0.3, -0.7};
  const SeparatorHandles h = separator_handles(s, centre, 2.0);
  ASSERT_TRUE(h.valid);
  EXPECT_NEAR(side(s, h.anchor), 0, 1e-12) << "the anchor is on the line";
  // The anchor is the nearest point: centre − anchor is along w, as long as the distance.
  const double dx = centre[0] - h.anchor[0], dy = centre[1] - h.anchor[1];
  EXPECT_NEAR(dx * s.w2 - dy * s.w1, 0, 1e-12);
  EXPECT_NEAR(std::hypot(dx, dy), std::abs(side(s, centre)) / std::hypot(s.w1, s.w2), 1e-12);
  EXPECT_NEAR(h.tip[0] - h.anchor[0], 3.0, 1e-12);
  EXPECT_NEAR(h.tip[1] - h.anchor[1], -1.0, 1e-12);
  // Shifting keeps w and puts the line through the point.
  const Separator shifted = shift_to(s, {4, 1});
  EXPECT_EQ(shifted.w1, s.w1);
  EXPECT_EQ(shifted.w2, s.w2);
  EXPECT_NEAR(side(shifted, {4, 1}), 0, 1e-12);
  // Rotating about the anchor: w from the new tip, the anchor still on the line.
  const Separator turned = rotate_to(h.anchor, {h.anchor[0] + 1, h.anchor[1] + 4}, 2.0);
  EXPECT_NEAR(turned.w1, 0.5, 1e-12);
  EXPECT_NEAR(turned.w2, 2.0, 1e-12);
  EXPECT_NEAR(side(turned, h.anchor), 0, 1e-12);
  EXPECT_FALSE(separator_handles({0, 0, 1}, centre, 1).valid) << "w = 0 has no line";
}

TEST(ManualClassifier, EachPointsLossIsItsShareOfTheMean) {
  // Per point against double precision (BCE), and the training points' mean against the
  // engine's loss for every loss the app offers.
  AppModel m(false);
  m.run_steps(30);
  const auto s = m.snapshot();
  const std::vector<StudioPoint> pts = m.points();
  const std::vector<float> losses = point_losses(m.config(), s->weights, pts);
  ASSERT_EQ(losses.size(), pts.size());
  const reference::Mlp ref(s->weights, m.config().activations);
  for (size_t i = 0; i < pts.size(); ++i) EXPECT_NEAR(losses[i], ref.bce({{pts[i].x, pts[i].y, pts[i].label}}), 1e-5);
  auto check_mean = [](AppModel& a) {
    a.run_steps(20);
    const auto snap = a.snapshot();
    const std::vector<StudioPoint> p = a.points();
    const std::vector<float> l = point_losses(a.config(), snap->weights, p);
    double sum = 0;
    int n = 0;
    for (size_t i = 0; i < p.size(); ++i)
      if (!p[i].test) sum += l[i], ++n;
    EXPECT_NEAR(sum / n, snap->train.loss, 1e-4 * (1 + snap->train.loss)) << loss_name(a.config().loss);
    const int w = worst_point(l, p);
    ASSERT_GE(w, 0);
    EXPECT_FALSE(p[static_cast<size_t>(w)].test);
    for (size_t i = 0; i < p.size(); ++i)
      if (!p[i].test) EXPECT_LE(l[i], l[static_cast<size_t>(w)]);
  };
  for (LossKind k : {LossKind::BCE, LossKind::Hinge, LossKind::MSE}) {
    TrainConfig c = m.config();
    c.loss = k;
    m.set_config(c);
    check_mean(m);
  }
  AppModel multi(false);
  multi.load_session(BACKPROP_ASSETS_DIR "/presets/softmax_four_blobs.json");
  check_mean(multi);
  AppModel regression(false);
  regression.load_session(BACKPROP_ASSETS_DIR "/presets/regression_bumps.json");
  check_mean(regression);
  EXPECT_EQ(worst_point({}, {}), -1);
}

TEST(ManualClassifier, GradientDescentTakesOverFromTheHandPlacedLine) {
  AppModel m(false);
  use_linear_sgd(m, 0);
  ASSERT_TRUE(is_linear_classifier(m.config()));
  EXPECT_FALSE(is_linear_classifier(AppModel(false).config()));
  // The student's line: w = (1, -2), b = 0.5.
  m.set_weight(0, 0, 0, 1.0f);
  m.set_weight(0, 0, 1, -2.0f);
  m.set_weight(0, 0, -1, 0.5f);
  m.pump();
  const auto placed = m.snapshot();
  ASSERT_EQ(placed->weights.size(), 1u);
  EXPECT_EQ(placed->weights[0].weight, (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(placed->weights[0].bias, std::vector<float>{0.5f});
  // The loss shown for the hand-placed line is the loss there, in double precision.
  std::vector<Point> train;
  for (const StudioPoint& p : m.points())
    if (!p.test) train.push_back({p.x, p.y, p.label});
  reference::Mlp ref(placed->weights, {});
  EXPECT_NEAR(placed->train.loss, ref.bce(train), 1e-5);
  // The loss chart's point at this step is the hand-placed line's too.
  ASSERT_FALSE(placed->history.empty());
  EXPECT_NEAR(placed->history.back().train_loss, ref.bce(train), 1e-5);
  // One step of gradient descent moves it from there: w − lr·∇L.
  const auto gw = ref.gradient(train, false), gb = ref.gradient(train, true);
  m.run_steps(1);
  const auto after = m.snapshot();
  EXPECT_NEAR(after->weights[0].weight[0], 1.0 - 0.5 * gw[0][0], 1e-5);
  EXPECT_NEAR(after->weights[0].weight[1], -2.0 - 0.5 * gw[0][1], 1e-5);
  EXPECT_NEAR(after->weights[0].bias[0], 0.5 - 0.5 * gb[0][0], 1e-5);
  m.run_steps(50);
  EXPECT_LT(m.snapshot()->train.loss, placed->train.loss);
}

}  // namespace
}  // namespace bp::studio

namespace bp::studio {
namespace {

TEST(ManualClassifier, TheHighlightedMinibatchIsTheOneTheStepTrainedOn) {
  // Plain SGD on a minibatch of 10 moves the weights by −lr times the gradient of those ten
  // points' mean loss, computed here in double from the points the snapshot names.
  AppModel m(false);
  use_linear_sgd(m, 10);
  m.pump();
  const auto before = m.snapshot();
  m.run_steps(1);
  const auto after = m.snapshot();
  ASSERT_EQ(after->minibatch.size(), 10u);
  const std::vector<StudioPoint> pts = m.points();
  std::vector<Point> batch;
  for (int i : after->minibatch) {
    ASSERT_LT(static_cast<size_t>(i), pts.size());
    EXPECT_FALSE(pts[static_cast<size_t>(i)].test) << "held-out points are never trained on";
    batch.push_back({pts[static_cast<size_t>(i)].x, pts[static_cast<size_t>(i)].y, pts[static_cast<size_t>(i)].label});
  }
  reference::Mlp ref(before->weights, {});
  const auto gw = ref.gradient(batch, false), gb = ref.gradient(batch, true);
  EXPECT_NEAR(after->weights[0].weight[0], before->weights[0].weight[0] - 0.5 * gw[0][0], 1e-5);
  EXPECT_NEAR(after->weights[0].weight[1], before->weights[0].weight[1] - 0.5 * gw[0][1], 1e-5);
  EXPECT_NEAR(after->weights[0].bias[0], before->weights[0].bias[0] - 0.5 * gb[0][0], 1e-5);
}

}  // namespace
}  // namespace bp::studio
