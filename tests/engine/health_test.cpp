// Why a network stops learning (backprop/health.h), on weights made by hand. Dead ReLUs: a neuron
// is dead when it is 0 for every training point, and alive when it is positive for a single one.
// Which hidden layers are copies of one neuron: equal rows in and columns out are copies, within
// float rounding and no further; a layer of one neuron, or weights that are not finite, never are.
#include "backprop/health.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backprop/autograd.h"
#include "backprop/init.h"
#include "backprop/train.h"

namespace bp {
namespace {

// A 2-3-2-1 network (first hidden layer ReLU, second `second`) with the given weights.
MLP network(const std::vector<LayerWeights>& w, Activation second = Activation::ReLU) {
  MlpSpec spec;
  spec.hidden = {3, 2};
  spec.activations = {Activation::ReLU, second};
  MLP m(spec);
  const auto lin = m.linears();
  for (size_t i = 0; i < lin.size(); ++i) {
    assign_(lin[i]->weight(), w[i].weight);
    assign_(lin[i]->bias(), w[i].bias);
  }
  return m;
}

Dataset points(std::vector<Point> p) {
  Dataset d;
  d.points = std::move(p);
  return d;
}

TEST(DeadReLUs, ANeuronIsDeadWhenZeroForEveryTrainingPointAndAliveWhenPositiveForOne) {
  // Layer 1: neuron 0 is x1 (positive only at the last point), neuron 1 is -x1 - 10 (negative
  // everywhere) and neuron 2 has all-zero weights and bias (0 everywhere). Layer 2: neuron 0 has
  // bias -100 (dead), neuron 1 bias 1 (alive).
  const std::vector<LayerWeights> w{
      {2, 3, {1, 0, -1, 0, 0, 0}, {0, -10, 0}}, {3, 2, {0, 0, 0, 0, 0, 0}, {-100, 1}}, {2, 1, {1, 1}, {0}}};
  MLP m = network(w);
  const Dataset train = points({{-1, 0, 0}, {-2, 3, 1}, {0, 5, 0}, {0.5f, -1, 1}});
  const std::vector<DeadReLULayer> dead = dead_relus(m, host_weights(m), FeatureSet::plain(), train);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].layer, 0);
  EXPECT_EQ(dead[0].total, 3);
  EXPECT_EQ(dead[0].dead, 2);
  EXPECT_EQ(dead[0].neurons, (std::vector<int>{1, 2}));
  EXPECT_EQ(dead[0].zero_weights, 1);  // neuron 2: never alive, rather than killed
  EXPECT_EQ(dead[1].layer, 1);
  EXPECT_EQ(dead[1].neurons, (std::vector<int>{0}));
  EXPECT_EQ(dead[1].zero_weights, 1);  // its weights in are 0; its bias is not
  // Without the one point that keeps layer 1's neuron 0 alive, it is dead too.
  const std::vector<DeadReLULayer> fewer =
      dead_relus(m, host_weights(m), FeatureSet::plain(), points({{-1, 0, 0}, {0, 5, 0}}));
  ASSERT_FALSE(fewer.empty());
  EXPECT_EQ(fewer[0].neurons, (std::vector<int>{0, 1, 2}));
  // No training points: nothing is known to be dead.
  EXPECT_TRUE(dead_relus(m, host_weights(m), FeatureSet::plain(), Dataset{}).empty());
}

TEST(DeadReLUs, TheSummaryBlamesTheZerosInitializerOnlyWhenItWasUsed) {
  const std::vector<DeadReLULayer> zero{{0, 8, 8, {0, 1, 2, 3, 4, 5, 6, 7}, 8}}, killed{{1, 2, 6, {0, 3}, 1}};
  EXPECT_TRUE(never_alive(zero));
  EXPECT_FALSE(never_alive(killed));
  for (const RunStart start : {RunStart::Initialized, RunStart::Loaded, RunStart::Unknown}) {
    EXPECT_EQ(dead_relu_summary(zero, true, start, false),
              "8 of 8 neurons in layer 1 are dead. Their weights are all 0 (the zeros initializer): a ReLU outputs 0 for every "
              "point and passes back no gradient, so they never start learning.");
    // Zero weights from weight decay, say: the initializer is not named.
    EXPECT_EQ(dead_relu_summary(zero, false, start, true).find("initializer"), std::string::npos);
    EXPECT_NE(dead_relu_summary(zero, false, start, true).find("Their weights are all 0: a ReLU"), std::string::npos);
    EXPECT_EQ(dead_relu_summary({}, true, start, true), "");
    EXPECT_EQ(dead_relu_remedy(zero, true, start, true), DeadReLURemedy::DefaultInit);
  }
  // Killed as it trained: by a rate too high where the loss jumped, else by gradient descent.
  EXPECT_EQ(dead_relu_summary(killed, true, RunStart::Initialized, true),
            "2 of 6 neurons in layer 2 are dead. A dead ReLU outputs 0 for every training point, so it no longer learns: the "
            "learning rate was too high.");
  EXPECT_EQ(dead_relu_remedy(killed, true, RunStart::Initialized, true), DeadReLURemedy::LowerRate);
  EXPECT_EQ(dead_relu_summary(killed, true, RunStart::Initialized, false),
            "2 of 6 neurons in layer 2 are dead. A dead ReLU outputs 0 for every training point, so it no longer learns. The loss "
            "fell without jumps, so the learning rate is not to blame: gradient descent turned it off, as it can at any rate. A "
            "leaky ReLU (a small slope below 0) never dies.");
  EXPECT_EQ(dead_relu_remedy(killed, true, RunStart::Initialized, false), DeadReLURemedy::LeakyReLU);
}

TEST(DeadReLUs, TheLossJumpedWhereItRoseTo1Point3TimesItsLowestSoFar) {
  const std::vector<HistoryPoint> smooth{{0, 0, 0.7f, 0, 0, 0}, {10, 0, 0.5f, 0, 0, 0}, {20, 0, 0.6f, 0, 0, 0}, {30, 0, 0.3f, 0, 0, 0}};
  EXPECT_FALSE(loss_jumped(smooth));  // 0.6 is 1.2 x 0.5
  std::vector<HistoryPoint> jump = smooth;
  jump[2].train_loss = 0.65f;  // 1.3 x 0.5
  EXPECT_TRUE(loss_jumped(jump));
  EXPECT_FALSE(loss_jumped(jump, 20));  // from step 20 on: 0.65, then 0.3
  jump[2].train_loss = NAN;
  EXPECT_TRUE(loss_jumped(jump));
  EXPECT_FALSE(loss_jumped({}));
  // One at a time, as the app's thinned history needs it: a jump, once seen, stays seen.
  LossJumpWatch watch;
  for (float loss : {0.7f, 0.5f, 0.6f}) watch.add(loss);
  EXPECT_FALSE(watch.jumped);
  watch.add(0.66f);
  EXPECT_TRUE(watch.jumped);
  watch.add(0.1f);
  EXPECT_TRUE(watch.jumped);
}

TEST(DeadReLUs, NeuronsDeadWithTheFirstWeightsAreNotBlamedOnTheLearningRate) {
  // The first weights: layer 1's neuron 0 is x1 (alive at the last point), neuron 1 is
  // -x1 - 10 (dead), neuron 2 is 0 (dead); layer 2's neuron 0 has bias -100 (dead). After
  // "training": layer 1's neuron 0 is -x1 - 10 (killed), neuron 1 as it was, neuron 2 is x1
  // (alive again); layer 2 as it was.
  const Dataset train = points({{-1, 0, 0}, {-2, 3, 1}, {0, 5, 0}, {0.5f, -1, 1}});
  MLP first = network({{2, 3, {1, 0, -1, 0, 0, 0}, {0, -10, 0}}, {3, 2, {0, 0, 0, 0, 0, 0}, {-100, 1}}, {2, 1, {1, 1}, {0}}});
  MLP now = network({{2, 3, {-1, 0, -1, 0, 1, 0}, {-10, -10, 0}}, {3, 2, {0, 0, 0, 0, 0, 0}, {-100, 1}}, {2, 1, {1, 1}, {0}}});
  std::vector<DeadReLULayer> dead = dead_relus(now, host_weights(now), FeatureSet::plain(), train);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].neurons, (std::vector<int>{0, 1}));
  mark_dead_from_start(dead, first, FeatureSet::plain(), train);
  EXPECT_EQ(dead[0].from_start, 1);  // neuron 1; neuron 0 was alive
  EXPECT_EQ(dead[1].from_start, 1);
  EXPECT_FALSE(dead_from_start(dead));
  EXPECT_EQ(dead_relu_summary(dead, false, RunStart::Initialized, true),
            "2 of 3 neurons in layer 1 are dead. 1 of 2 neurons in layer 2 is dead. A dead ReLU outputs 0 for every training "
            "point, so it no longer learns: the learning rate was too high (2 of them were dead from the start).");
  const std::string steady = dead_relu_summary(dead, false, RunStart::Initialized, false);
  EXPECT_NE(steady.find("never dies. 2 of them were dead from the start."), std::string::npos) << steady;
  // All of them dead from the start (the first weights are these): not the learning rate.
  std::vector<DeadReLULayer> same = dead_relus(now, host_weights(now), FeatureSet::plain(), train);
  mark_dead_from_start(same, now, FeatureSet::plain(), train);
  EXPECT_TRUE(dead_from_start(same));
  for (const bool jumped : {false, true}) {
    EXPECT_EQ(dead_relu_remedy(same, false, RunStart::Initialized, jumped), DeadReLURemedy::AnotherSeed);
    EXPECT_EQ(dead_relu_remedy(same, false, RunStart::Loaded, jumped), DeadReLURemedy::Reset);
  }
  // Where the weights began is not known (a trained model file or session): each cause named,
  // but a loss history that jumped (a restored session's) names the rate.
  EXPECT_EQ(dead_relu_remedy(same, false, RunStart::Unknown, false), DeadReLURemedy::Unknown);
  EXPECT_EQ(dead_relu_remedy(same, false, RunStart::Unknown, true), DeadReLURemedy::LowerRate);
  const std::string initialized = dead_relu_summary(same, false, RunStart::Initialized, true);
  EXPECT_EQ(initialized,
            "2 of 3 neurons in layer 1 are dead. 1 of 2 neurons in layer 2 is dead. They have been from the start: the initial "
            "weights give them 0 for every training point, and a dead ReLU passes back no gradient, so they never learned. A lower "
            "learning rate would not help; other initial weights (another seed) may.");
  const std::string loaded = dead_relu_summary(same, false, RunStart::Loaded, true);
  EXPECT_NE(loaded.find("They were already dead in the weights training started from"), std::string::npos) << loaded;
  EXPECT_EQ(loaded.find("learning rate was too high"), std::string::npos) << loaded;
  // One neuron: "it", not "they".
  const std::vector<DeadReLULayer> one{{1, 1, 2, {0}, 0, 1}};
  EXPECT_EQ(dead_relu_summary(one, false, RunStart::Loaded, false),
            "1 of 2 neurons in layer 2 is dead. It was already dead in the weights training started from: a dead ReLU outputs 0 for "
            "every training point and passes back no gradient, so it has not learned since. New weights (a reset) may bring it back.");
  // Not known where the weights began (a trained model file): each cause named.
  EXPECT_NE(dead_relu_summary(same, false, RunStart::Unknown, false)
                .find("the initial weights can leave it so, and training can move it there, most of all at a learning rate too high."),
            std::string::npos);
  // On points where the first weights' neuron 0 was dead too (without the last one), it counts.
  const Dataset fewer = points({{-1, 0, 0}, {0, 5, 0}});
  std::vector<DeadReLULayer> on_fewer = dead_relus(now, host_weights(now), FeatureSet::plain(), fewer);
  mark_dead_from_start(on_fewer, first, FeatureSet::plain(), fewer);
  ASSERT_FALSE(on_fewer.empty());
  EXPECT_EQ(on_fewer[0].neurons, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(on_fewer[0].from_start, 3);
}

TEST(DeadReLUs, OnlyAWholeLayerOrHalfOfOneWhereTheNetworkHasNotLearnedKeepItFromLearning) {
  const std::vector<DeadReLULayer> whole{{1, 6, 6, {0, 1, 2, 3, 4, 5}, 0}}, half{{0, 1, 8, {2}, 0}, {1, 3, 6, {0, 2, 5}, 0}},
      few{{0, 3, 8, {1, 4, 6}, 0}, {1, 2, 6, {0, 3}, 0}};
  const float constant = 0.69f;
  for (const float loss : {0.0f, 0.1f, 0.69f, NAN}) EXPECT_TRUE(dead_relus_hurt(whole, loss, constant)) << loss;  // nothing passes
  for (const float loss : {0.0f, 0.1f, 0.69f, 2.0f}) EXPECT_FALSE(dead_relus_hurt(few, loss, constant)) << loss;  // under half of each
  EXPECT_FALSE(dead_relus_hurt(half, 0.17f, constant));   // learned: at or under a quarter of one answer's loss
  EXPECT_TRUE(dead_relus_hurt(half, 0.18f, constant));
  EXPECT_TRUE(dead_relus_hurt(half, INFINITY, constant));
  EXPECT_TRUE(dead_relus_hurt(half, NAN, constant));
  EXPECT_FALSE(dead_relus_hurt({}, 0.69f, constant));
  // With the constant answer's loss taken from the points: the circle's classes are balanced,
  // one answer scores ln 2 there.
  const Dataset d = make_dataset("pg-circle", 300, 0.1f, 3);
  TrainConfig c;
  const float ln2 = constant_answer_loss(c, d);
  EXPECT_NEAR(ln2, std::log(2.0f), 0.01f);
  EXPECT_FALSE(dead_relus_hurt(half, 0.24f * ln2, c, d));
  EXPECT_TRUE(dead_relus_hurt(half, 0.26f * ln2, c, d));
  EXPECT_TRUE(dead_relus_hurt(whole, 0.0f, c, d));
  EXPECT_FALSE(dead_relus_hurt(few, ln2, c, d));
  EXPECT_EQ(dead_relu_note({{1, 1, 8, {4}, 0}}),
            "1 of 8 neurons in layer 2 is dead (its ReLU outputs 0 for every training point); the network learned its points without it.");
  EXPECT_EQ(dead_relu_note(few),
            "3 of 8 neurons in layer 1 and 2 of 6 neurons in layer 2 are dead (their ReLUs output 0 for every training point); the "
            "network learned its points without them.");
  EXPECT_EQ(dead_relu_note({}), "");
}

TEST(DeadReLUs, ANetworkThatLearnsTheCircleWithTwoDeadNeuronsIsNotHurtOneThatLosesHalfALayerIs) {
  // Measured: this 6-6 ReLU network at rate 0.03 reaches 97.6% on the circle in 800 steps with
  // two neurons of layer 2 dead; a remedy was offered for them. With seed 2 half of layer 2 dies
  // and the loss stays at half of one answer's (94%).
  const Split split = train_test_split(make_dataset("pg-circle", 300, 0.1f, 3), 0.7f, 3);
  auto run = [&](uint64_t seed) {
    TrainConfig c;
    c.hidden = {6, 6};
    c.activations = {Activation::ReLU};
    c.optimizer = OptimizerKind::SGD;
    c.lr = 0.03f;
    c.batch_size = 10;
    c.seed = seed;
    Trainer t(c, split.train, split.test);
    for (int s = 0; s < 800; ++s) t.step();
    const std::vector<DeadReLULayer> dead = dead_relus(t.model(), host_weights(t.model()), t.features(), split.train);
    const Metrics m = t.train_metrics();
    return std::tuple{dead, m, dead_relus_hurt(dead, m.loss, c, split.train)};
  };
  const auto [dead, m, hurt] = run(1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].dead, 2);
  EXPECT_GT(m.accuracy, 0.97f);
  EXPECT_FALSE(hurt);
  const auto [dead2, m2, hurt2] = run(2);
  ASSERT_EQ(dead2.size(), 1u);
  EXPECT_EQ(dead2[0].dead, 3);
  EXPECT_TRUE(hurt2) << m2.loss;
}

TEST(DeadReLUs, OnTheCircleOnesDeadFromTheStartOnesARateKilledAndOnesTurnedOffAtAnyRateAreToldApart) {
  // Measured: a 6-6 ReLU network with seed 1 on 300 points of the Playground circle has a neuron
  // of layer 2 dead from its initial weights; one step at rate 0.001 changes nothing about it,
  // and the warning blamed the learning rate. A rate of 10 kills more as the loss jumps, and is
  // blamed for them; at 0.03, and at 0.003 for ten times the steps, another dies as the loss
  // falls steadily, which the warning blamed on the rate too.
  const Dataset d = make_dataset("pg-circle", 300, 0.1f, 3);
  struct Run {
    std::vector<DeadReLULayer> dead;
    bool jumped;
    std::string text;
  };
  auto run = [&](float lr, int steps) {
    TrainConfig c;
    c.hidden = {6, 6};
    c.activations = {Activation::ReLU};
    c.optimizer = OptimizerKind::SGD;
    c.lr = lr;
    c.batch_size = 10;
    c.seed = 1;
    Trainer t(c, d, Dataset{});
    const std::shared_ptr<MLP> start = copy_of(t.model());
    t.record();
    for (int s = 0; s < steps; ++s) t.step(), t.record();
    Run r{dead_relus(t.model(), host_weights(t.model()), t.features(), d), loss_jumped(t.history()), ""};
    mark_dead_from_start(r.dead, *start, t.features(), d);
    r.text = dead_relu_summary(r.dead, false, RunStart::Initialized, r.jumped);
    return r;
  };
  const Run tiny = run(0.001f, 1);
  ASSERT_FALSE(tiny.dead.empty());
  EXPECT_TRUE(dead_from_start(tiny.dead));
  EXPECT_NE(tiny.text.find(" been from the start"), std::string::npos) << tiny.text;
  auto killed = [](const Run& r) {
    int dead = 0, from_start = 0;
    for (const DeadReLULayer& l : r.dead) dead += l.dead, from_start += l.from_start;
    return dead - from_start;
  };
  const Run high = run(10, 400);
  EXPECT_GT(killed(high), 0);
  EXPECT_TRUE(high.jumped);
  EXPECT_NE(high.text.find("the learning rate was too high"), std::string::npos) << high.text;
  // At 0.03 and at 0.003 the same neuron dies as the loss falls steadily: not the rate.
  for (const auto& [lr, steps] : {std::pair{0.03f, 3000}, std::pair{0.003f, 30000}}) {
    const Run steady = run(lr, steps);
    EXPECT_GT(killed(steady), 0) << lr;
    EXPECT_FALSE(steady.jumped) << lr;
    EXPECT_NE(steady.text.find("the learning rate is not to blame"), std::string::npos) << steady.text;
  }
}

TEST(DeadReLUs, TheSeedOfferedIsTheNextWhoseInitialWeightsLeaveEveryReLUAlive) {
  const Dataset d = make_dataset("pg-circle", 300, 0.1f, 3);
  TrainConfig c;
  c.hidden = {6, 6};
  c.activations = {Activation::ReLU};
  auto dead_at = [&](uint64_t seed) {
    TrainConfig s = c;
    s.seed = seed;
    MLP m(s.mlp_spec());
    return dead_relus(m, host_weights(m), FeatureSet(c.features), d).size();
  };
  ASSERT_GT(dead_at(1), 0u);
  const std::optional<uint64_t> live = seed_with_live_relus(c, d, 1);
  ASSERT_TRUE(live);
  EXPECT_EQ(dead_at(*live), 0u);
  for (uint64_t s = 2; s < *live; ++s) EXPECT_GT(dead_at(s), 0u) << s;  // the next, not just any
  EXPECT_FALSE(seed_with_live_relus(c, d, 1, 0));
  // Past the largest seed it wraps to 0; a network without ReLUs takes the next seed.
  c.activations = {Activation::Tanh};
  EXPECT_EQ(seed_with_live_relus(c, d, 7), 8u);
  EXPECT_EQ(seed_with_live_relus(c, d, std::numeric_limits<uint64_t>::max()), 0u);
}

TEST(CopyOf, ACopyHasTheSameWeightsAndTrainingTheModelLeavesItAsItWas) {
  TrainConfig c;
  const Dataset d = make_dataset("xor", 100, 0.0f, 1);
  Trainer t(c, d, Dataset{});
  const std::shared_ptr<MLP> copy = copy_of(t.model());
  EXPECT_EQ(host_weights(*copy), host_weights(t.model()));
  EXPECT_EQ(copy->describe(), t.model().describe());
  const std::vector<LayerWeights> before = host_weights(t.model());
  t.step();
  EXPECT_NE(host_weights(t.model()), before);
  EXPECT_EQ(host_weights(*copy), before);
}

TEST(DeadReLUs, OnlyReLULayersThroughTheInputFeatures) {
  const std::vector<LayerWeights> w{
      {2, 3, {1, 0, 1, 0, 1, 0}, {0, 0, 0}}, {3, 2, {0, 0, 0, 0, 0, 0}, {-100, -100}}, {2, 1, {1, 1}, {0}}};
  // A tanh second layer is never dead, however negative its input.
  MLP m = network(w, Activation::Tanh);
  const Dataset train = points({{-1, 0, 0}, {-2, 3, 1}});
  EXPECT_EQ(dead_relus(m, host_weights(m), FeatureSet::plain(), train).size(),
            1u);  // layer 1: x1 < 0 throughout
  // Through x1^2 (and x2), the same weights read x1² > 0: alive.
  MlpSpec spec;
  spec.hidden = {3};
  spec.activations = {Activation::ReLU};
  MLP squared(spec);
  assign_(squared.linears()[0]->weight(), std::vector<float>{1, 0, 1, 0, 1, 0});
  assign_(squared.linears()[0]->bias(), std::vector<float>{0, 0, 0});
  EXPECT_EQ(dead_relus(squared, host_weights(squared), FeatureSet::plain(), train).size(), 1u);
  EXPECT_TRUE(dead_relus(squared, host_weights(squared), FeatureSet::parse("x1^2,x2"), train).empty());
}

// A 2-3-1 network whose three hidden neurons all take weights (0.5, -1), bias 0.25, and give 2.
std::vector<LayerWeights> three_copies() {
  return {{2, 3, {0.5f, -1.0f, 0.5f, -1.0f, 0.5f, -1.0f}, {0.25f, 0.25f, 0.25f}},
          {3, 1, {2.0f, 2.0f, 2.0f}, {0.1f}}};
}

TEST(ZeroWeights, WeightsWithin1e6OfZeroCountAsZeroAndNoFurther) {
  EXPECT_TRUE(all_zero_weights({0.0f, 1e-6f, -1e-6f, 1e-40f}));
  EXPECT_FALSE(all_zero_weights({0.0f, 1.1e-6f}));
  EXPECT_FALSE(all_zero_weights({0.0f, -2e-6f}));
  EXPECT_FALSE(all_zero_weights({0.0f, std::numeric_limits<float>::quiet_NaN()}));
  EXPECT_FALSE(all_zero_weights({std::numeric_limits<float>::infinity()}));
}

// Layer 1's neuron 0 is 0.05·x1 (the rest 0), copied by both neurons of layer 2 (weights 0.1)
// and summed by the output (weights 0.1): 0.001·relu(x1) + `bias`, which spreads 0.002 over x1
// in 0..2. Every weight at most 0.1.
std::vector<LayerWeights> shrunk(float bias) {
  return {{2, 3, {0.05f, 0, 0, 0, 0, 0}, {0, 0, 0}}, {3, 2, {0.1f, 0, 0, 0.1f, 0, 0}, {0, 0}}, {2, 1, {0.1f, 0.1f}, {bias}}};
}

TEST(Flattened, OutputsThatDifferByUnderOneHundredthFromShrunkWeightsWithWeightDecayOrRegularization) {
  // Labels 0, 1, 1: the output bias settles where σ(out) = 2/3, at out = ln 2 (here 0.6921 plus
  // the mean 0.001 of 0.001·x1).
  const std::vector<LayerWeights> small = shrunk(0.6921f);
  MLP m = network(small);
  const Dataset train = points({{0, 0, 0}, {1, 1, 1}, {2, -1, 1}});
  TrainConfig c;
  EXPECT_FALSE(flattened(m, small, FeatureSet::plain(), train, c)) << "nothing pulls the weights down";
  c.weight_decay = 0.1f;
  const std::optional<Flattened> flat = flattened(m, small, FeatureSet::plain(), train, c);
  ASSERT_TRUE(flat);
  EXPECT_NEAR(flat->spread, 0.002f, 1e-6f);
  EXPECT_FLOAT_EQ(flat->largest_weight, 0.1f);
  EXPECT_FALSE(flat->regression);
  {
    NoGradGuard g;  // called where nothing records a graph (it differentiates the loss all the same)
    EXPECT_TRUE(flattened(m, small, FeatureSet::plain(), train, c));
    EXPECT_FALSE(is_grad_enabled());
  }
  c.weight_decay = 0;
  c.regularization = {Regularization::L1, 0.3f};
  EXPECT_TRUE(flattened(m, small, FeatureSet::plain(), train, c));
  // Its bias off where the loss is least (σ(0.5) = 0.62, not 2/3: thrown there by a learning rate
  // too high, say): not blamed on decay. The hinge loss is not checked for it.
  const std::vector<LayerWeights> off = shrunk(0.5f);
  MLP o = network(off);
  EXPECT_FALSE(flattened(o, off, FeatureSet::plain(), train, c));
  c.loss = LossKind::Hinge;
  EXPECT_TRUE(flattened(o, off, FeatureSet::plain(), train, c));
  c.loss = LossKind::BCE;
  // Over x1 up to 12: 0.012 apart, not flat.
  EXPECT_FALSE(flattened(m, small, FeatureSet::plain(), points({{0, 0, 0}, {12, 1, 1}}), c));
  // The same function from weights up to 2 (flat for another reason than decay): not blamed on it.
  std::vector<LayerWeights> large = small;
  large[0].weight[0] = 0.00025f;
  large[1].weight = {2, 0, 0, 2, 0, 0};
  large[2].weight = {1, 1};
  MLP l = network(large);
  EXPECT_FALSE(flattened(l, large, FeatureSet::plain(), train, c));
  // One label only: the same output everywhere is right. The zeros initializer: it is why.
  EXPECT_FALSE(flattened(m, small, FeatureSet::plain(), points({{0, 0, 1}, {2, -1, 1}}), c));
  c.init = Init::Zeros;
  EXPECT_FALSE(flattened(m, small, FeatureSet::plain(), train, c));
  c.init = Init::Default;
  EXPECT_FALSE(flattened(m, small, FeatureSet::plain(), Dataset{}, c));
  // Regression (MSE: the bias settles at the targets' mean, 0.4): the spread as a fraction of the
  // targets' range (0.002 of 1 is flat; of 0.1, not).
  c.problem = Problem::Regression;
  c.loss = LossKind::MSE;
  const std::vector<LayerWeights> mean = shrunk(0.399f);
  MLP r = network(mean);
  const std::optional<Flattened> fit = flattened(r, mean, FeatureSet::plain(), points({{0, 0, 0}, {1, 1, 0.2f}, {2, -1, 1}}), c);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(fit->regression);
  EXPECT_NEAR(fit->spread, 0.002f, 1e-6f);
  EXPECT_FALSE(flattened(r, mean, FeatureSet::plain(), points({{0, 0, 0.35f}, {1, 1, 0.4f}, {2, -1, 0.45f}}), c));
}

TEST(Flattened, TheSummarySaysWhatAndWhy) {
  EXPECT_EQ(flattened_summary({0.0002f, 0.00031f, false}),
            "The network gives every training point nearly the same output (they differ by at most 0.0002; its largest weight is "
            "0.00031): weight decay or regularization pulls the weights toward 0 harder than the data pulls them away, so it no "
            "longer fits the data.");
  EXPECT_NE(flattened_summary({0.004f, 0.1f, true}).find("(they differ by at most 0.4% of the targets' range;"), std::string::npos);
  EXPECT_EQ(flattened_summary({0, 0, false}).rfind("The network gives every training point the same output (its largest weight is 0): ", 0), 0u);
}

TEST(Flattened, HeavyWeightDecayOrRegularizationFlattensATrainedNetworkAndLessDoesNot) {
  // SGD at lr 1 with weight decay 0.5 halves every weight each step, to far below 1e-6; L2
  // regularization 0.3 at lr 0.03 leaves them near 2e-4 (not 0, and the outputs still all but
  // equal). A tenth of either: the network learns the moons. And a network flat for another
  // reason (ReLUs killed by a learning rate of 50, their weights large) is not blamed on a decay
  // beside it.
  const Dataset d = make_dataset("moons", 200, 0.1f, 3);
  TrainConfig decay;
  decay.hidden = {4};
  decay.lr = 1.0f;
  decay.weight_decay = 0.5f;
  TrainConfig l2;
  l2.regularization = {Regularization::L2, 0.3f};
  for (const TrainConfig& heavy : {decay, l2}) {
    Trainer t(heavy, d, Dataset{});
    for (int i = 0; i < 2000; ++i) t.step();
    ASSERT_FALSE(t.diverged());
    const std::optional<Flattened> flat = flattened(t.model(), host_weights(t.model()), t.features(), d, heavy);
    ASSERT_TRUE(flat) << heavy.weight_decay << " " << heavy.regularization.rate;
    // Checked apart from the check: every output in double, over every training point.
    double lo = INFINITY, hi = -INFINITY;
    {
      NoGradGuard g;
      for (float o : t.model().forward(d.inputs(Device::cpu())).contiguous().to_vector()) lo = std::min(lo, double{o}), hi = std::max(hi, double{o});
    }
    EXPECT_LT(hi - lo, kFlatSpread);
    EXPECT_NEAR(flat->spread, hi - lo, 1e-6);
    EXPECT_LT(flat->largest_weight, 1e-3f);
    TrainConfig less = heavy;
    less.weight_decay /= 10;
    less.regularization.rate /= 10;
    Trainer l(less, d, Dataset{});
    for (int i = 0; i < 2000; ++i) l.step();
    EXPECT_FALSE(flattened(l.model(), host_weights(l.model()), l.features(), d, less));
    EXPECT_GT(l.train_metrics().accuracy, 0.8f);
  }
  TrainConfig killed;
  killed.activations = {Activation::ReLU};
  killed.lr = 50;
  killed.regularization = {Regularization::L2, 0.001f};
  Trainer k(killed, d, Dataset{});
  for (int i = 0; i < 300; ++i) k.step();
  ASSERT_FALSE(k.diverged());
  EXPECT_FALSE(dead_relus(k.model(), host_weights(k.model()), k.features(), d).empty());
  EXPECT_FALSE(flattened(k.model(), host_weights(k.model()), k.features(), d, killed));
}

TEST(CopiedNeurons, EqualWeightsInBiasAndWeightsOutAreCopies) {
  EXPECT_EQ(copied_layers(three_copies()), (std::vector<CopiedLayer>{{0, 3}}));
  // All zero (the zeros initializer at step 0) counts as equal.
  std::vector<LayerWeights> zeros{{2, 3, std::vector<float>(6, 0.0f), std::vector<float>(3, 0.0f)},
                                  {3, 1, std::vector<float>(3, 0.0f), {0.0f}}};
  EXPECT_EQ(copied_layers(zeros), (std::vector<CopiedLayer>{{0, 3}}));
}

TEST(CopiedNeurons, ADifferenceBeyondRoundingInAnyOfThemIsNot) {
  for (int which = 0; which < 3; ++which) {
    std::vector<LayerWeights> w = three_copies();
    if (which == 0) w[0].weight[5] = -1.001f;  // the third neuron's second weight in
    if (which == 1) w[0].bias[1] = 0.2501f;    // the second neuron's bias
    if (which == 2) w[1].weight[2] = 2.001f;   // the third neuron's weight out
    EXPECT_TRUE(copied_layers(w).empty()) << which;
  }
  // A few ulps apart (a summation order that differs between rows) are still copies.
  std::vector<LayerWeights> w = three_copies();
  w[0].weight[4] = std::nextafter(std::nextafter(0.5f, 1.0f), 1.0f);
  EXPECT_EQ(copied_layers(w).size(), 1u);
}

TEST(CopiedNeurons, OneNeuronOrWeightsNotFiniteAreNeverCopies) {
  const std::vector<LayerWeights> one{{2, 1, {0.0f, 0.0f}, {0.0f}}, {1, 1, {0.0f}, {0.0f}}};
  EXPECT_TRUE(copied_layers(one).empty());
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<LayerWeights> w = three_copies();
    for (float& v : w[0].weight) v = bad;
    EXPECT_TRUE(copied_layers(w).empty()) << bad;
  }
  // Only hidden layers count: the output layer has no weights out.
  EXPECT_TRUE(copied_layers({three_copies()[0]}).empty());
}

TEST(CopiedNeurons, EachHiddenLayerOnItsOwn) {
  // 2-2-2-1: the first hidden layer's neurons differ, the second's are copies.
  const std::vector<LayerWeights> w{{2, 2, {1.0f, 0.0f, 0.0f, 1.0f}, {0.0f, 0.0f}},
                                    {2, 2, {0.3f, -0.3f, 0.3f, -0.3f}, {0.1f, 0.1f}},
                                    {2, 1, {1.5f, 1.5f}, {0.0f}}};
  EXPECT_EQ(copied_layers(w), (std::vector<CopiedLayer>{{1, 2}}));
}

// ---- overshooting ------------------------------------------------------------------------------

// A history of training losses, one point per `every` steps from step 0.
std::vector<HistoryPoint> losses(const std::vector<float>& train_loss, int64_t every = 10) {
  std::vector<HistoryPoint> h;
  for (size_t i = 0; i < train_loss.size(); ++i) h.push_back({static_cast<int64_t>(i) * every, 0.0, train_loss[i], NAN, NAN, NAN});
  return h;
}

TEST(Overshoot, TheConstantAnswersLossIsTheLabelsOwn) {
  // Checked in double against each loss's closed form: 30 of 100 points of class 1.
  Dataset d;
  for (int i = 0; i < 100; ++i) d.points.push_back({0.01f * i, 0, i < 30 ? 1.0f : 0.0f});
  const double p = 0.3;
  TrainConfig c;  // binary, BCE
  EXPECT_NEAR(constant_answer_loss(c, d), -(p * std::log(p) + (1 - p) * std::log(1 - p)), 1e-5);
  c.loss = LossKind::MSE;  // on the sigmoid
  EXPECT_NEAR(constant_answer_loss(c, d), p * (1 - p), 1e-5);
  c.loss = LossKind::Hinge;  // the majority's side, at the margin
  EXPECT_NEAR(constant_answer_loss(c, d), 2 * p, 1e-5);
  Dataset k = d;
  k.num_classes = 3;
  for (int i = 0; i < 100; ++i) k.points[static_cast<size_t>(i)].label = i < 50 ? 0.0f : i < 80 ? 1.0f : 2.0f;
  TrainConfig m;
  m.problem = Problem::MultiClass;
  m.num_classes = 3;
  m.loss = LossKind::SoftmaxCE;
  EXPECT_NEAR(constant_answer_loss(m, k), -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2)), 1e-5);
  Dataset r = d;
  r.problem = Problem::Regression;
  double mean = 0, var = 0;
  for (int i = 0; i < 100; ++i) mean += (r.points[static_cast<size_t>(i)].label = std::sin(0.1f * i) * 3) / 100.0;
  for (const Point& q : r.points) var += (q.label - mean) * (q.label - mean) / 100.0;
  TrainConfig g;
  g.problem = Problem::Regression;
  g.loss = LossKind::MSE;
  EXPECT_NEAR(constant_answer_loss(g, r), var, 1e-4);
}

TEST(Overshoot, ALossThatEndsWellAboveWhereItStartedOvershoots) {
  // From 0.7 (the constant answer's 0.69) to jumping between 2 and 6 over the last tenth.
  std::vector<float> l(100, 0.5f);
  l[0] = 0.7f;
  for (size_t i = 90; i < 100; ++i) l[i] = i % 2 ? 6.0f : 2.0f;
  std::optional<Overshoot> o = overshooting(losses(l), 0.69f);
  ASSERT_TRUE(o);
  EXPECT_FLOAT_EQ(o->start, 0.7f);
  EXPECT_FLOAT_EQ(o->constant, 0.69f);
  EXPECT_EQ(o->since, 891);  // the last tenth of 990 steps: 99 of them, here 10 points
  EXPECT_EQ(o->until, 990);
  EXPECT_FLOAT_EQ(o->recent, 6.0f);  // the median of five 6s and five 2s: the upper middle
  // Below the bar (1.5 × 0.7) at the median, above the start, and the loss jumped (from its
  // lowest 0.5 to 1 and 6): it jumps around above where it started.
  for (size_t i = 90; i < 100; ++i) l[i] = i % 3 ? 1.0f : 6.0f;
  EXPECT_TRUE(overshooting(losses(l), 0.69f));
  // Jumps, but settled barely above the start (a saturated network at one answer's loss): not.
  for (size_t i = 90; i < 100; ++i) l[i] = 0.75f;
  EXPECT_FALSE(overshooting(losses(l), 0.69f));
  // Above the start without a jump (to 0.9, under 1.3 × the lowest, 0.7): not.
  std::vector<float> smooth(100, 0.8f);
  smooth[0] = 0.7f;
  for (size_t i = 90; i < 100; ++i) smooth[i] = 0.9f;
  EXPECT_FALSE(overshooting(losses(smooth), 0.69f));
  // Jumps that stay under the start: not (a run still learning, unsteadily).
  std::vector<float> under(100, 0.3f);
  under[0] = 0.7f;
  for (size_t i = 90; i < 100; ++i) under[i] = i % 2 ? 0.6f : 0.3f;
  EXPECT_FALSE(overshooting(losses(under), 0.69f));
  // A run that learns, even with a jump at its very end.
  std::vector<float> learns(100);
  for (size_t i = 0; i < 100; ++i) learns[i] = 0.7f * std::exp(-0.05f * i);
  learns.back() = 5.0f;
  EXPECT_FALSE(overshooting(losses(learns), 0.69f));
}

TEST(Overshoot, TheBarIsTheLargerOfTheStartAndTheConstantAnswer) {
  // A trained model resumed at 0.01 whose loss wanders up to 0.3: above 1.5 × its start, below
  // the 0.69 that one answer for every point scores; not overshooting by this measure.
  std::vector<float> l(100, 0.3f);
  l[0] = 0.01f;
  EXPECT_FALSE(overshooting(losses(l), 0.69f));
  EXPECT_TRUE(overshooting(losses(l), 0.1f));
  // A start far above the constant answer (large initial weights): judged against the start.
  std::vector<float> big(100, 2.0f);
  big[0] = 3.0f;
  EXPECT_FALSE(overshooting(losses(big), 0.69f));
}

TEST(Overshoot, TooShortNotFiniteOrEmptyIsNot) {
  std::vector<float> l(5, 9.0f);
  l[0] = 0.7f;
  EXPECT_FALSE(overshooting(losses(l), 0.69f));  // 40 steps: under kOvershootSteps
  EXPECT_TRUE(overshooting(losses(l, 20), 0.69f));  // 80 steps
  std::vector<float> inf(10, INFINITY);
  inf[0] = 0.7f;
  EXPECT_FALSE(overshooting(losses(inf), 0.69f));  // diverged: said as such elsewhere
  EXPECT_TRUE(overshooting(losses(l, 20), NAN));  // no constant answer (no points): the start alone
  EXPECT_FALSE(overshooting({}, 0.69f));
  // A long run's recent points are at most its last 200 steps; a sparse log keeps its last point.
  const std::optional<Overshoot> sparse = overshooting(losses(l, 1000), 0.69f);
  ASSERT_TRUE(sparse);
  EXPECT_EQ(sparse->since, 4000 - 200);
  l[0] = NAN;
  EXPECT_FALSE(overshooting(losses(l, 20), 0.69f));  // no start: no bar
}

// `steps` steps of `t`, its metrics recorded before the first and after every tenth, as the
// app and `backprop train` record a run's history.
void train_recording(Trainer& t, int steps) {
  t.record();
  for (int s = 1; s <= steps; ++s) {
    t.step();
    if (s % 10 == 0) t.record();
  }
}

TEST(Overshoot, ATrainedRunWithTooHighALearningRateOvershootsAndALowerOneDoesNot) {
  // Plain SGD, full batch, tanh on the Playground circle: at rate 20 the loss ends near 4.5
  // (the untrained network's is 0.69); at 5 it learns; at rate 1 with weight decay 2 every
  // weight flips sign each step (w·(1 − 2)), and the loss stays in the thousands.
  const Dataset d = make_dataset("pg-circle", 400, 0.0f, 1);
  auto run = [&](float lr, float decay) {
    TrainConfig c;
    c.optimizer = OptimizerKind::SGD;
    c.lr = lr;
    c.weight_decay = decay;
    Trainer t(c, d, Dataset{});
    train_recording(t, 1000);
    EXPECT_FALSE(t.diverged());
    const std::optional<Overshoot> o = overshooting(t.history(), constant_answer_loss(c, d));
    const std::optional<Overshoot> from_config = overshooting(t.history(), c, d);  // the pass only where needed
    EXPECT_EQ(o.has_value(), from_config.has_value());
    if (o && from_config) {
      EXPECT_EQ(o->recent, from_config->recent);
      EXPECT_EQ(o->constant, from_config->constant);
    }
    return std::make_pair(o, c);
  };
  const auto [high, high_config] = run(20, 0);
  ASSERT_TRUE(high);
  EXPECT_GT(high->recent, 2.0f);
  EXPECT_NEAR(high->constant, std::log(2.0), 1e-3);  // pg-circle is half and half
  const std::string text = overshoot_summary(*high, high_config, d);
  EXPECT_EQ(text.rfind("The training loss stays above where it started: ", 0), 0u) << text;
  EXPECT_NE(text.find("over steps 901-1000"), std::string::npos) << text;
  // For a run still training (the app's banner): a window that does not change as it is read.
  const std::string live = overshoot_summary(*high, high_config, d, true);
  EXPECT_NE(live.find(" over the last 100 steps, against "), std::string::npos) << live;
  EXPECT_NE(text.find("the learning rate 20 is probably too high."), std::string::npos) << text;
  EXPECT_EQ(text.find("one answer"), std::string::npos) << text;  // the start (0.69) set the bar
  Overshoot resumed = *high;
  resumed.start = 0.01f;
  EXPECT_NE(overshoot_summary(resumed, high_config, d).find("against 0.01 at the start, and one answer for every point scores 0.693."),
            std::string::npos);
  EXPECT_FALSE(run(5, 0).first);
  const auto [flips, flips_config] = run(1, 2);
  ASSERT_TRUE(flips);
  EXPECT_GT(flips->recent, 100.0f);
  EXPECT_NE(overshoot_summary(*flips, flips_config, d).find("the weight decay or regularization rate (2, 0) is too large for learning rate 1."),
            std::string::npos);
}

TEST(Saturated, AHighRateThatSaturatedTheUnitsAtTheConstantAnswersLossIsNamedAndARunThatLearnsIsNot) {
  // Adam at rate 3 on the Playground circle (measured): with seed 2 the tanh network ends at the
  // constant answer's loss (0.690 against 0.693) with 99.7% of its tanh outputs at ±1; with seed 3
  // it is as saturated (98.9%) but learned (0.27); at rate 0.3 it learns; plain SGD at rate 0.001
  // has learned as little (0.678) in 1000 steps but is not saturated (3.7%): too slow, not stuck.
  // A run that learned and then lost it to saturation is named too.
  const Dataset d = make_dataset("pg-circle", 400, 0.0f, 1);
  auto run = [&](OptimizerKind opt, float lr, uint64_t seed, Activation act, int steps = 1000) {
    TrainConfig c;
    c.optimizer = opt;
    c.lr = lr;
    c.seed = seed;
    c.activations = {act};
    Trainer t(c, d, Dataset{});
    train_recording(t, steps);
    EXPECT_FALSE(t.diverged());
    auto found = saturated(t.model(), host_weights(t.model()), t.features(), d, c, t.history());
    if (!found) return std::make_pair(found, std::string());
    return std::make_pair(found, saturated_summary(*found, c));
  };
  const auto [tanh, tanh_text] = run(OptimizerKind::Adam, 3, 2, Activation::Tanh);
  ASSERT_TRUE(tanh);
  EXPECT_GE(tanh->share, kSaturatedShare);
  EXPECT_NEAR(tanh->constant, std::log(2.0), 1e-3);
  EXPECT_GE(tanh->recent, kNothingLearned * tanh->constant);
  EXPECT_TRUE(tanh->nothing_learned());
  EXPECT_GT(tanh->largest_weight, 10.0f);
  EXPECT_EQ(tanh->until, 1000);
  EXPECT_EQ(tanh_text.rfind("The network is not learning: its training loss, 0.691 over steps 901-1000, is no better than one answer for every point (0.693). ", 0), 0u) << tanh_text;
  EXPECT_NE(tanh_text.find("% of its tanh outputs are at -1 or 1, where tanh is flat (its largest weight is "), std::string::npos) << tanh_text;
  EXPECT_NE(tanh_text.find("the learning rate 3 is probably too high."), std::string::npos) << tanh_text;
  // Judged only on a run long enough: its first 40 steps are not.
  EXPECT_FALSE(run(OptimizerKind::Adam, 3, 2, Activation::Tanh, 40).first);

  const auto [sigmoid, sigmoid_text] = run(OptimizerKind::Adam, 3, 1, Activation::Sigmoid);
  ASSERT_TRUE(sigmoid);
  EXPECT_NE(sigmoid_text.find("of its sigmoid outputs are at 0 or 1, where the sigmoid is flat"), std::string::npos) << sigmoid_text;

  // With seed 6 at rate 1 it learned (0.028 at step 160) and lost it: 0.38 at the end, saturated.
  const auto [lost, lost_text] = run(OptimizerKind::Adam, 1, 6, Activation::Tanh);
  ASSERT_TRUE(lost);
  EXPECT_FALSE(lost->nothing_learned());
  EXPECT_GE(lost->recent, kLostRatio * lost->best);
  EXPECT_EQ(lost->best_step, 160);
  EXPECT_EQ(lost_text.rfind("The network has stopped learning: its training loss, 0.381 over steps 901-1000, is far above the 0.0283 it "
                            "reached at step 160. ", 0), 0u) << lost_text;
  EXPECT_NE(lost_text.find("the learning rate 1 is probably too high."), std::string::npos) << lost_text;
  EXPECT_FALSE(run(OptimizerKind::Adam, 3, 3, Activation::Tanh).first);     // saturated, but it learned
  EXPECT_FALSE(run(OptimizerKind::Adam, 0.3f, 2, Activation::Tanh).first);  // a lower rate learns
  EXPECT_FALSE(run(OptimizerKind::SGD, 0.001f, 1, Activation::Tanh).first); // slow, not saturated
  EXPECT_FALSE(run(OptimizerKind::Adam, 3, 2, Activation::ReLU).first);     // no tanh or sigmoid units
  // Three blobs at rate 3 (seed 2): learned to a loss of 0.00013 that wanders to 0.011, 80 times
  // its lowest, with its units saturated; nothing that matters is lost (kFarFromLearned).
  const DatasetInfo* blobs = find_dataset("blobs3");
  const Dataset b = make_dataset("blobs3", 400, blobs->default_noise, 1);
  TrainConfig c;
  c.optimizer = OptimizerKind::Adam;
  c.lr = 3;
  c.seed = 2;
  c.problem = blobs->problem;
  c.num_classes = blobs->num_classes;
  c.loss = default_loss(c.problem);
  Trainer t(c, b, Dataset{});
  train_recording(t, 1000);
  const auto lowest = std::min_element(t.history().begin(), t.history().end(),
                                       [](const HistoryPoint& x, const HistoryPoint& y) { return x.train_loss < y.train_loss; });
  EXPECT_GT(t.history().back().train_loss, 10 * lowest->train_loss);
  EXPECT_FALSE(saturated(t.model(), host_weights(t.model()), t.features(), b, c, t.history()));
}

// `backprop train -d NAME --activation ACT --optimizer OPT --lr LR --steps 2000 --seed 1`, as the
// command line trains it (its default data: 400 points, the split 0.8 with seed 1).
Trainer cli_run(const std::string& name, Activation act, OptimizerKind opt, float lr) {
  const DatasetInfo* info = find_dataset(name);
  const Split split = train_test_split(make_dataset(name, 400, info->default_noise, 1), 0.8f, 1);
  TrainConfig c;
  c.activations = {act};
  c.optimizer = opt;
  c.lr = lr;
  c.seed = 1;
  Trainer t(c, split.train, split.test);
  t.record();
  for (int s = 1; s <= 2000; ++s) {
    t.step();
    if (s % 20 == 0) t.record();
  }
  return t;
}

TEST(Saturated, OneLayerAtItsLimitsWithTheLossAtOneAnswersIsNamed) {
  // Adam at rate 1 on the moons: the sigmoid network's training loss stays at one answer's
  // (0.693) with layer 2's outputs all at 0 for every point, 85% of all its sigmoid outputs (under
  // kSaturatedShare). Nothing was said.
  Trainer t = cli_run("moons", Activation::Sigmoid, OptimizerKind::Adam, 1);
  const auto found = saturated(t.model(), host_weights(t.model()), t.features(), t.train_data(), t.config(), t.history());
  ASSERT_TRUE(found);
  EXPECT_LT(found->share, kSaturatedShare);
  EXPECT_EQ(found->layer, 1);
  EXPECT_FLOAT_EQ(found->layer_share, 1.0f);
  EXPECT_TRUE(found->nothing_learned());
  const std::string text = saturated_summary(*found, t.config());
  EXPECT_NE(text.find("100.0% of layer 2's sigmoid outputs are at 0 or 1, where the sigmoid is flat"), std::string::npos) << text;
  // All of them saturated: not one layer named (the Adam 3 run above says "of its tanh outputs").
}

TEST(OneTarget, PointsThatAllHaveOneTargetHaveItAndOthersHaveNone) {
  EXPECT_FALSE(one_target(points({})));
  EXPECT_EQ(one_target(points({{0.1f, 0.2f, 1}})), 1.0f);
  EXPECT_EQ(one_target(points({{0.1f, 0.2f, 2}, {-3, 4, 2}, {0, 0, 2}})), 2.0f);
  EXPECT_FALSE(one_target(points({{0.1f, 0.2f, 1}, {-3, 4, 0}})));
  EXPECT_FALSE(one_target(points({{0.1f, 0.2f, 0.5f}, {-3, 4, 0.5f + 1e-6f}})));  // a regression's values: exactly one
  EXPECT_FALSE(one_target(points({{0.1f, 0.2f, NAN}, {-3, 4, NAN}})));
  EXPECT_EQ(one_target_summary(1, points({{0.1f, 0.2f, 1}}), Problem::Binary),
            "The one training point is class 1, so one answer for every point fits it: there is no boundary to learn.");
  EXPECT_EQ(one_target_summary(2, points({{0, 0, 2}, {1, 1, 2}, {2, 2, 2}}), Problem::MultiClass),
            "All 3 training points are class 2, so one answer for every point fits them all: there is no boundary to learn.");
  EXPECT_EQ(one_target_summary(0.5f, points({{0, 0, 0.5f}, {1, 1, 0.5f}}), Problem::Regression),
            "Both training points have the value 0.5, so one answer for every point fits them all: there is nothing else to learn.");
  EXPECT_EQ(one_target_summary(0, points({{0, 0, 0}, {1, 1, 0}}), Problem::Binary),
            "Both training points are class 0, so one answer for every point fits them all: there is no boundary to learn.");
  EXPECT_EQ(one_target_summary(-2, points({{0, 0, -2}}), Problem::Regression),
            "The one training point has the value -2, so one answer for every point fits it: there is nothing else to learn.");
}

TEST(OneTarget, ANetworkThatFitsPointsOfOneClassIsNeitherSaturatedNorHurtByDeadReLUs) {
  // 40 points of class 1 (a lecturer's first clicks): the default tanh 8-8 network at Adam 0.03
  // fits them (loss ~1e-5) by driving its layer 2 to ±1, and was told it "is not learning ... the
  // learning rate 0.03 is probably too high", against one answer's loss of ~1e-7.
  Dataset one;
  for (int i = 0; i < 40; ++i) one.points.push_back({0.02f * static_cast<float>(i), -0.02f * static_cast<float>(i), 1});
  TrainConfig c;
  c.optimizer = OptimizerKind::Adam;
  Trainer t(c, one, Dataset{});
  train_recording(t, 1000);
  ASSERT_FALSE(t.diverged());
  EXPECT_LT(t.train_metrics().loss, 1e-3f);
  EXPECT_LT(constant_answer_loss(c, one), 1e-6f);  // the bar the findings measured against
  EXPECT_FALSE(saturated(t.model(), host_weights(t.model()), t.features(), one, c, t.history()));
  // Dead ReLUs: a whole layer dead gives every point one answer, which is right here.
  const std::vector<DeadReLULayer> whole{{1, 6, 6, {0, 1, 2, 3, 4, 5}, 0}}, half{{0, 4, 8, {0, 2, 4, 6}, 0}};
  EXPECT_FALSE(dead_relus_hurt(whole, 0.0f, c, one));
  EXPECT_FALSE(dead_relus_hurt(half, 0.5f, c, one));
  Dataset two = one;
  two.points.push_back({1, 1, 0});
  EXPECT_TRUE(dead_relus_hurt(whole, 0.0f, c, two));
  EXPECT_TRUE(dead_relus_hurt(half, 0.5f, c, two));
}

TEST(Overshoot, ALossThatJumpsAroundAboveWhereItStartedIsNamedBelowOneAndAHalfTimesIt) {
  // Plain SGD at rate 10 on the spiral, tanh: the loss jumps between 0.53 and 3.3, its recent
  // median 0.88 against 0.69 at the start; nothing was said. At rate 1 it learns.
  Trainer t = cli_run("pg-spiral", Activation::Tanh, OptimizerKind::SGD, 10);
  ASSERT_FALSE(t.diverged());
  const std::optional<Overshoot> o = overshooting(t.history(), t.config(), t.train_data());
  ASSERT_TRUE(o);
  EXPECT_LT(o->recent, kOvershootRatio * std::max(o->start, o->constant));
  EXPECT_TRUE(loss_jumped(t.history()));
  EXPECT_NE(overshoot_summary(*o, t.config(), t.train_data()).find("the learning rate 10 is probably too high."), std::string::npos);
  Trainer lower = cli_run("pg-spiral", Activation::Tanh, OptimizerKind::SGD, 1);
  EXPECT_FALSE(overshooting(lower.history(), lower.config(), lower.train_data()));
}

// Playground's six bumps (targets -1..1) with each target y made `scale` · y + `offset`, split as
// `backprop train --data FILE --problem regression` splits them, and trained with the default
// network (tanh), full batch, `opt` at `lr`, for `steps` steps.
Trainer bumps_run(float scale, float offset, OptimizerKind opt, float lr = 0.03f, int steps = 2000) {
  Dataset d = make_dataset("pg-multigauss", 400, find_dataset("pg-multigauss")->default_noise, 1);
  for (Point& p : d.points) p.label = scale * p.label + offset;
  const Split split = train_test_split(d, 0.8f, 1);
  TrainConfig c;
  c.problem = Problem::Regression;
  c.num_classes = 0;
  c.loss = LossKind::MSE;
  c.optimizer = opt;
  c.lr = lr;
  Trainer t(c, split.train, split.test);
  t.record();
  for (int s = 1; s <= steps; ++s) {
    t.step();
    if (s % 20 == 0) t.record();
  }
  return t;
}

float share_of_one_answer(Trainer& t) { return t.history().back().train_loss / constant_answer_loss(t.config(), t.train_data()); }

TEST(LargeTargets, TargetsOfThousandsKeepARegressionFromLearningAtAnyRateAndScaledItLearns) {
  // The six bumps at 1000 · y + 5000 (4084 to 5926), plain SGD at 0.03 (as the app starts):
  // after 2000 steps the training loss is no better than one answer's for every point (8.6e4
  // against 8.9e4) with 99% of the tanh outputs at ±1, which the saturated-units warning blamed
  // on the rate: "Try a lower --lr". At a tenth of the rate it learns no better; with Adam (as
  // `backprop train` starts) the loss is 2e7.
  Trainer t = bumps_run(1000, 5000, OptimizerKind::SGD);
  ASSERT_FALSE(t.diverged());
  const std::optional<LargeTargets> big = large_targets(t.history(), t.config(), t.train_data());
  ASSERT_TRUE(big);
  EXPECT_NEAR(big->low, 4084, 1);
  EXPECT_NEAR(big->high, 5926, 1);
  EXPECT_GE(big->share(), kNothingLearned);
  EXPECT_EQ(big->trial_steps, 2000);
  EXPECT_LT(big->trial_share, 0.5f * big->share());
  Trainer slower = bumps_run(1000, 5000, OptimizerKind::SGD, 0.003f);
  EXPECT_GE(share_of_one_answer(slower), kNothingLearned);
  // The trial is the same network and settings trained on these points with their targets
  // scaled (all 320 of them: under kScaledTrialPoints), as long as the run.
  Dataset scaled = t.train_data();
  for (Point& p : scaled.points) p.label = scale_target(p.label, big->low, big->high);
  const auto [lowest, highest] =
      std::minmax_element(scaled.points.begin(), scaled.points.end(), [](const Point& a, const Point& b) { return a.label < b.label; });
  EXPECT_FLOAT_EQ(lowest->label, -1.0f);
  EXPECT_FLOAT_EQ(highest->label, 1.0f);
  Trainer again(t.config(), scaled, Dataset{scaled.name, {}, scaled.problem, scaled.num_classes, scaled.region});
  for (int s = 0; s < 2000; ++s) again.step();
  EXPECT_NEAR(big->trial_share, again.train_metrics().loss / constant_answer_loss(again.config(), scaled), 1e-5);
  const std::string text = large_targets_summary(*big);
  EXPECT_EQ(text.rfind("The network is not learning: its training loss, ", 0), 0u) << text;
  EXPECT_NE(text.find("over steps 1801-2000, is no better than one answer for every point (8.89e+04)."), std::string::npos) << text;
  EXPECT_NE(text.find("Its targets (4084 to 5926) are far from the -1..1 its outputs start near, which a lower rate does not mend."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Scaled to -1..1, they got the same network to 35% of one answer's loss in 2000 steps."), std::string::npos) << text;
  EXPECT_NE(large_targets_summary(*big, true).find("over the last 200 steps"), std::string::npos);
  // A trial kept for the run (the app asks at each snapshot) is used again, not retaken.
  ScaledTrial memo;
  ASSERT_TRUE(large_targets(t.history(), t.config(), t.train_data(), &memo));
  EXPECT_EQ(memo.steps, 2000);
  EXPECT_FLOAT_EQ(memo.share, big->trial_share);
  memo.share = 0.95f;  // as if the trial had learned nothing
  EXPECT_FALSE(large_targets(t.history(), t.config(), t.train_data(), &memo));
  Trainer adam = bumps_run(1000, 5000, OptimizerKind::Adam);
  EXPECT_GT(share_of_one_answer(adam), 100.0f);
  EXPECT_TRUE(large_targets(adam.history(), adam.config(), adam.train_data()));
  Trainer adam_slower = bumps_run(1000, 5000, OptimizerKind::Adam, 0.003f);
  EXPECT_GE(share_of_one_answer(adam_slower), kNothingLearned);
}

TEST(LargeTargets, TargetsOfTensLearnLittleAndSmallOnesOrARunThatLearnedAreNotNamed) {
  // 10 · y + 50 with Adam: 39% of one answer's loss after 2000 steps; scaled, 2%. Named as
  // learning little.
  Trainer tens = bumps_run(10, 50, OptimizerKind::Adam);
  const std::optional<LargeTargets> big = large_targets(tens.history(), tens.config(), tens.train_data());
  ASSERT_TRUE(big);
  EXPECT_LT(big->share(), kNothingLearned);
  EXPECT_LT(big->trial_share, 0.05f);
  const std::string text = large_targets_summary(*big);
  EXPECT_EQ(text.rfind("The network learns little: its training loss, 3.48 over steps 1801-2000, is 39% of the loss of one answer", 0), 0u) << text;
  EXPECT_NE(text.find("got the same network to 2% of one answer's loss in 2000 steps."), std::string::npos) << text;
  // With plain SGD at 0.03 the bumps learn slowly at any scale (35% of one answer's loss after
  // 2000 steps, scaled too): the targets are not why, and nothing is said of them.
  Trainer sgd_tens = bumps_run(10, 50, OptimizerKind::SGD);
  EXPECT_GE(share_of_one_answer(sgd_tens), kFarFromLearned);
  EXPECT_FALSE(large_targets(sgd_tens.history(), sgd_tens.config(), sgd_tens.train_data()));
  // The bumps as they are (-1..1), and 30 · y (learned): not named.
  Trainer small = bumps_run(1, 0, OptimizerKind::Adam);
  EXPECT_FALSE(large_targets(small.history(), small.config(), small.train_data()));
  Trainer thirty = bumps_run(30, 0, OptimizerKind::Adam);
  EXPECT_LT(share_of_one_answer(thirty), kFarFromLearned);
  EXPECT_FALSE(large_targets(thirty.history(), thirty.config(), thirty.train_data()));
  // A run shorter than kScaledTrialSteps: a trial of the largest power of two of steps within it.
  Trainer seven_hundred = bumps_run(1000, 5000, OptimizerKind::Adam, 0.03f, 700);
  const std::optional<LargeTargets> early = large_targets(seven_hundred.history(), seven_hundred.config(), seven_hundred.train_data());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->trial_steps, 512);
  // A run too short to judge, or not a regression: not named.
  Trainer short_run = bumps_run(1000, 5000, OptimizerKind::Adam, 0.03f, 40);
  EXPECT_FALSE(large_targets(short_run.history(), short_run.config(), short_run.train_data()));
  Trainer classes = cli_run("pg-circle", Activation::Tanh, OptimizerKind::SGD, 0.03f);
  EXPECT_FALSE(large_targets(classes.history(), classes.config(), classes.train_data()));
}

TEST(LargeTargets, TheTrialTrainsOnAtMostKScaledTrialPointsEvenlySpread) {
  // 1000 training points: the trial takes every second one (500), so that it costs at most
  // about 0.5 s with the app's largest network. Its figure is that of the same training on them.
  Dataset d = make_dataset("pg-multigauss", 1000, 0.0f, 2);
  for (Point& p : d.points) p.label = 1000 * p.label + 5000;
  TrainConfig c;
  c.problem = Problem::Regression;
  c.num_classes = 0;
  c.loss = LossKind::MSE;
  c.optimizer = OptimizerKind::Adam;
  Trainer t(c, d, Dataset{d.name, {}, d.problem, d.num_classes, d.region});
  train_recording(t, 300);
  const std::optional<LargeTargets> big = large_targets(t.history(), c, d);
  ASSERT_TRUE(big);
  ASSERT_EQ(big->trial_steps, 256);
  Dataset half = d;
  half.points.clear();
  for (size_t i = 0; i < d.points.size(); i += 2)
    half.points.push_back({d.points[i].x, d.points[i].y, scale_target(d.points[i].label, big->low, big->high)});
  ASSERT_EQ(half.size(), kScaledTrialPoints);
  Trainer manual(c, half, Dataset{d.name, {}, d.problem, d.num_classes, d.region});
  for (int s = 0; s < 256; ++s) manual.step();
  EXPECT_NEAR(big->trial_share, manual.train_metrics().loss / constant_answer_loss(c, half), 1e-5);
}

TEST(LargeTargets, ScaleTargetMapsTheRangeOntoMinusOneToOne) {
  EXPECT_FLOAT_EQ(scale_target(4000, 4000, 6000), -1);
  EXPECT_FLOAT_EQ(scale_target(6000, 4000, 6000), 1);
  EXPECT_FLOAT_EQ(scale_target(5500, 4000, 6000), 0.5f);
  EXPECT_FLOAT_EQ(scale_target(7, 7, 7), 0);  // all equal: moved to 0
}

}  // namespace
}  // namespace bp
