// The loss landscape and the optimizer race against a network written out in double precision:
// every cell of the slice is the loss at those weights, the random directions are normalised per
// neuron, projections recover the coordinates, and plain SGD's path is double-precision
// gradient descent's.
#include <gtest/gtest.h>

#include <cmath>

#include "backprop/backprop.h"
#include "model/loss_landscape.h"
#include "reference_mlp.h"

namespace bp::studio {
namespace {

struct Fixture : reference::SmallNet {
  Fixture() : SmallNet(0.3f) {}
};

// A slice over parameters a (x axis) and b (y axis).
LandscapeRequest parameter_slice(ParameterRef a, ParameterRef b, int res, double span = 1.0) {
  LandscapeRequest req;
  req.random_directions = false;
  req.a = a;
  req.b = b;
  req.res = res;
  req.span = span;
  return req;
}

TEST(LossLandscape, EveryCellOfAParameterSliceIsTheLossThere) {
  const Fixture f;
  LandscapeRequest req = parameter_slice({0, 1, 0, false}, {1, 0, 0, true}, 9, 2);  // b: the output's bias
  const Landscape ls = loss_landscape(f.config, f.weights, f.train, req);
  ASSERT_EQ(ls.loss.size(), 81u);
  for (int j = 0; j < 9; ++j)
    for (int i = 0; i < 9; ++i) {
      std::vector<LayerWeights> w = f.weights;
      w[0].weight[2] += static_cast<float>(ls.coordinate(i));  // w[2, 1] of layer 1: row 1, column 0
      w[1].bias[0] += static_cast<float>(ls.coordinate(j));
      EXPECT_NEAR(ls.loss[static_cast<size_t>(j * 9 + i)], f.loss(w), 2e-5) << i << ", " << j;
    }
  EXPECT_NEAR(ls.centre_loss, f.loss(f.weights), 1e-5);
  EXPECT_DOUBLE_EQ(ls.coordinate(0), -2);
  EXPECT_DOUBLE_EQ(ls.coordinate(8), 2);
  EXPECT_LE(ls.lo, ls.centre_loss);
  EXPECT_GE(ls.hi, ls.centre_loss);
  // The same parameter twice, or one that is not there, is refused.
  req.b = req.a;
  EXPECT_THROW(loss_landscape(f.config, f.weights, f.train, req), ValueError);
  req.b = {1, 0, 3, false};
  EXPECT_THROW(loss_landscape(f.config, f.weights, f.train, req), ValueError);
}

TEST(LossLandscape, TheReadoutNamesWhatEachAxisChangesAndTheLossThere) {
  const Fixture f;
  LandscapeRequest req = parameter_slice({0, 1, 0, false}, {1, 0, 0, true}, 9, 2);
  Landscape ls = loss_landscape(f.config, f.weights, f.train, req);
  char loss[32];
  std::snprintf(loss, sizeof loss, "loss %.4f", ls.loss[2 * 9 + 7]);
  // Cell (7, 2): +1.5 on the x axis's parameter, -1 on the y axis's.
  EXPECT_EQ(ls.readout(7, 2), std::string("layer 1: w[2,1] + 1.500\nlayer 2: b[1] − 1.000\n") + loss);
  req.random_directions = true;
  ls = loss_landscape(f.config, f.weights, f.train, req);
  std::snprintf(loss, sizeof loss, "loss %.4f", ls.centre_loss);
  EXPECT_EQ(ls.readout(4, 4), std::string("α 0.000 (direction 1), β 0.000 (direction 2)\n") + loss) << "the centre";
  EXPECT_EQ(ls.readout(0, 8).rfind("α -2.000 (direction 1), β 2.000 (direction 2)\n", 0), 0u) << ls.readout(0, 8);
}

TEST(LossLandscape, RandomDirectionsAreNormalisedPerNeuronAndTheSliceFollowsThem) {
  const Fixture f;
  const std::vector<double> d = filter_normalised_direction(f.weights, 4);
  EXPECT_EQ(d, filter_normalised_direction(f.weights, 4));
  EXPECT_NE(d, filter_normalised_direction(f.weights, 5));
  const std::vector<LayerWeights> dw = with_values(f.weights, d);
  for (size_t l = 0; l < dw.size(); ++l) {
    for (int64_t o = 0; o < dw[l].out; ++o) {
      double dn = 0, wn = 0;
      for (int64_t i = 0; i < dw[l].in; ++i) {
        dn += std::pow(static_cast<double>(dw[l].weight[static_cast<size_t>(o * dw[l].in + i)]), 2);
        wn += std::pow(static_cast<double>(f.weights[l].weight[static_cast<size_t>(o * dw[l].in + i)]), 2);
      }
      EXPECT_NEAR(std::sqrt(dn), std::sqrt(wn), 1e-6) << "layer " << l << " neuron " << o;
    }
    for (float b : dw[l].bias) EXPECT_EQ(b, 0.0f);
  }
  LandscapeRequest req;
  req.res = 5;
  req.span = 0.8;
  const Landscape ls = loss_landscape(f.config, f.weights, f.train, req);
  for (int j = 0; j < 5; ++j)
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(ls.loss[static_cast<size_t>(j * 5 + i)], f.loss(ls.weights_at(ls.coordinate(i), ls.coordinate(j))), 2e-5);
  // Projection recovers the coordinates of a point on the slice.
  const auto p = ls.project(ls.weights_at(0.3, -0.2));
  EXPECT_NEAR(p[0], 0.3, 1e-5);
  EXPECT_NEAR(p[1], -0.2, 1e-5);
  EXPECT_EQ(flatten(with_values(f.weights, ls.centre)), ls.centre);
}

TEST(LossLandscape, PlainSgdsRaceIsDoublePrecisionGradientDescent) {
  const Fixture f;
  const LandscapeRequest req = parameter_slice({0, 0, 0, false}, {0, 0, 1, false}, 3);
  const Landscape ls = loss_landscape(f.config, f.weights, f.train, req);
  const std::vector<RacePath> race = optimizer_race(f.config, ls, f.train, 20);
  ASSERT_EQ(race.size(), 3u);
  EXPECT_EQ(race[0].optimizer, OptimizerKind::SGD);
  EXPECT_EQ(race[1].optimizer, OptimizerKind::Momentum);
  EXPECT_EQ(race[2].optimizer, OptimizerKind::Adam);
  // θ ← θ − lr ∇L(θ) in double, the gradient by central differences.
  std::vector<LayerWeights> w = f.weights;
  for (int step = 0; step <= 20; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    EXPECT_NEAR(race[0].points[static_cast<size_t>(step)][0], w[0].weight[0] - f.weights[0].weight[0], 1e-4);
    EXPECT_NEAR(race[0].points[static_cast<size_t>(step)][1], w[0].weight[1] - f.weights[0].weight[1], 1e-4);
    EXPECT_NEAR(race[0].losses[static_cast<size_t>(step)], f.loss(w), 1e-4);
    reference::Mlp ref(w, f.config.activations);
    const auto gw = ref.gradient(f.train.points, false), gb = ref.gradient(f.train.points, true);
    for (size_t l = 0; l < w.size(); ++l) {
      for (size_t i = 0; i < w[l].weight.size(); ++i) w[l].weight[i] = static_cast<float>(ref.w[l][i] - 0.3 * gw[l][i]);
      for (size_t i = 0; i < w[l].bias.size(); ++i) w[l].bias[i] = static_cast<float>(ref.b[l][i] - 0.3 * gb[l][i]);
    }
  }
  // Each optimizer lowers the loss, and they take different paths from the same start.
  for (const RacePath& p : race) {
    ASSERT_EQ(p.points.size(), 21u);
    EXPECT_EQ(p.points.front()[0], 0.0);
    EXPECT_LT(p.losses.back(), p.losses.front()) << optimizer_name(p.optimizer);
  }
  EXPECT_GT(std::abs(race[1].points.back()[0] - race[0].points.back()[0]) + std::abs(race[2].points.back()[0] - race[0].points.back()[0]), 1e-3);
}

TEST(LossLandscape, ARaceFromWeightsAtAMinimumSaysWhyNoneOfThemMoves) {
  // The optimizer-race lesson (a linear model on two Gaussian clusters, plain SGD at 0.01) played
  // for 3000 steps, then raced from there: all three stay on the cross at 0.2530, which the view
  // showed three times with no path and no word. From the lesson's first weights they move.
  TrainConfig c;
  c.hidden = {};
  c.activations = {Activation::Tanh};
  c.lr = 0.01f;
  c.batch_size = 0;
  c.init = Init::Zeros;
  const Dataset train = train_test_split(make_dataset("pg-gauss", 200, 0.5f, 2), 0.8f, 2).train;
  Trainer t(c, train, Dataset{train.name, {}, train.problem, train.num_classes, train.region});
  const auto race_from_here = [&] {
    const Landscape ls = loss_landscape(c, host_weights(t.model()), train, parameter_slice({0, 0, 0, false}, {0, 0, 1, false}, 3));
    return optimizer_race(c, ls, train, 100);
  };
  EXPECT_EQ(race_note(race_from_here()), "");  // 0.69 to 0.32, 0.25 and 0.27
  for (int s = 0; s < 3000; ++s) t.step();
  const std::vector<RacePath> still = race_from_here();
  for (const RacePath& p : still) EXPECT_LT(std::abs(p.losses.back() - p.losses.front()), kRaceStill * p.losses.front());
  EXPECT_EQ(race_note(still),
            "None of them changed the loss by 0.1% in 100 steps: at these weights the gradient is about 0 (a minimum, or a flat "
            "region). To race from elsewhere, Reset, then Recompute here.");
  // One that moved by 0.1% is enough for no note; nor is there one for no race or a path of one point.
  std::vector<RacePath> one_moved = still;
  one_moved[2].losses.back() = one_moved[2].losses.front() * (1 - 1.01 * kRaceStill);
  EXPECT_EQ(race_note(one_moved), "");
  EXPECT_EQ(race_note({}), "");
  EXPECT_EQ(race_note({RacePath{OptimizerKind::SGD, {{0, 0}}, {0.5}}}), "");
}

TEST(LossLandscape, ACancelledSliceOrRaceStopsEarly) {
  const Fixture f;
  std::atomic<bool> cancel{true};
  LandscapeRequest req;
  EXPECT_TRUE(loss_landscape(f.config, f.weights, f.train, req, &cancel).loss.empty());
  cancel = false;
  req.res = 3;
  const Landscape ls = loss_landscape(f.config, f.weights, f.train, req, &cancel);
  cancel = true;
  for (const RacePath& p : optimizer_race(f.config, ls, f.train, 100, &cancel)) EXPECT_EQ(p.points.size(), 1u);
  EXPECT_THROW(loss_landscape(f.config, f.weights, Dataset{}, req), ValueError);
}

TEST(LossLandscape, ASliceThroughDivergedWeightsHasNoFiniteLossAndIsNotRacedFrom) {
  // A diverged run's weights (NaN, or overflowed to infinity): every loss around them is NaN. The
  // view coloured the cells by the finite losses' range, which was then +inf to -inf, and indexed
  // its colour ramp out of bounds (a crash); it needs to know there is none.
  const Fixture f;
  LandscapeRequest req;
  req.res = 5;
  EXPECT_TRUE(loss_landscape(f.config, f.weights, f.train, req).any_finite());
  for (const float bad : {NAN, INFINITY}) {
    std::vector<LayerWeights> w = f.weights;
    w[0].weight[1] = bad;
    const Landscape ls = loss_landscape(f.config, w, f.train, req);
    ASSERT_EQ(ls.loss.size(), 25u);
    EXPECT_FALSE(ls.any_finite()) << bad;
    for (double v : ls.loss) EXPECT_FALSE(std::isfinite(v)) << bad;
    EXPECT_THROW(optimizer_race(f.config, ls, f.train, 10), ValueError) << bad;
  }
}

}  // namespace
}  // namespace bp::studio
