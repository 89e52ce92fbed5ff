// End-to-end learning: each MiniTorch dataset is learned to >= 95% training accuracy from a fixed
// seed, and training is bit-for-bit repeatable, on every device (cpu, reference, cuda when
// present).
#include <gtest/gtest.h>

#include <cstring>

#include "backprop/backprop.h"
#include "test_devices.h"

namespace bp {
namespace {

struct Result {
  float loss;
  float accuracy;
  std::vector<std::vector<float>> weights;
  std::vector<float> losses;
};

using testing::test_device;

Result train(const Dataset& data, std::vector<int64_t> hidden, Activation act, float lr, int steps,
             uint64_t seed) {
  MlpSpec spec;
  spec.device = test_device();
  spec.hidden = std::move(hidden);
  spec.activations = {act};
  spec.seed = seed;
  MLP model(spec);
  const Tensor x = data.inputs(spec.device), y = data.targets(spec.device).reshape({data.size(), 1});
  AdamOptions o;
  o.lr = lr;
  Adam opt(model.parameters(), o);
  Result r{};
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    Tensor loss = binary_cross_entropy_with_logits(model(x), y);
    loss.backward();
    opt.step();
    r.losses.push_back(loss.item());
  }
  NoGradGuard g;
  EXPECT_EQ(model.device(), test_device());
  const auto out = model(x).to_vector(), lab = data.targets().to_vector();
  int correct = 0;
  for (size_t i = 0; i < out.size(); ++i) correct += (out[i] > 0.0f) == (lab[i] > 0.5f);
  r.accuracy = static_cast<float>(correct) / static_cast<float>(out.size());
  r.loss = r.losses.back();
  for (const Tensor& p : model.parameters()) r.weights.push_back(p.to_vector());
  return r;
}

struct Case {
  const char* dataset;
  std::vector<int64_t> hidden;
  Activation act;
  float lr;
  int steps;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.dataset; }

class LearnsMiniTorchDataset : public ::testing::TestWithParam<std::tuple<Case, std::string>> {
 protected:
  void SetUp() override {
    std::string why;
    if (!testing::use_test_device(std::get<1>(GetParam()), &why)) GTEST_SKIP() << why;
  }
  void TearDown() override { test_device() = Device::cpu(); }
};

TEST_P(LearnsMiniTorchDataset, ToAtLeast95PercentTrainingAccuracy) {
  const Case& c = std::get<0>(GetParam());
  const Dataset data = make_dataset(c.dataset, 100, 0.0f, 1);
  const Result r = train(data, c.hidden, c.act, c.lr, c.steps, 3);
  EXPECT_GE(r.accuracy, 0.95f) << c.dataset << ": final loss " << r.loss;
  EXPECT_LT(r.loss, r.losses.front());
}

INSTANTIATE_TEST_SUITE_P(
    MiniTorch, LearnsMiniTorchDataset,
    ::testing::Combine(::testing::Values(Case{"simple", {4}, Activation::Tanh, 0.05f, 300},
                                         Case{"diag", {4}, Activation::Tanh, 0.05f, 400},
                                         Case{"split", {8}, Activation::Tanh, 0.05f, 600},
                                         Case{"xor", {10, 10}, Activation::Tanh, 0.03f, 800},
                                         Case{"circle", {10, 10}, Activation::Tanh, 0.03f, 800},
                                         Case{"spiral", {32, 32}, Activation::Tanh, 0.01f, 2500}),
                       ::testing::ValuesIn(testing::test_devices())),
    [](const auto& info) { return std::string(std::get<0>(info.param).dataset) + "_" + std::get<1>(info.param); });

class Determinism : public testing::OnEveryDevice {};
class Training : public testing::OnEveryDevice {};

TEST_P(Determinism, SameSeedGivesBitIdenticalWeightsAndLosses) {
  if (GetParam() == "emulated_cuda") GTEST_SKIP() << "minutes under the SIMT emulator; scripts/gpu-check.sh runs it on a GPU";
  const Dataset data = make_dataset("xor", 100, 0.0f, 7);
  const Result a = train(data, {8, 8}, Activation::ReLU, 0.02f, 100, 11);
  const Result b = train(data, {8, 8}, Activation::ReLU, 0.02f, 100, 11);
  ASSERT_EQ(a.losses.size(), b.losses.size());
  EXPECT_EQ(0, std::memcmp(a.losses.data(), b.losses.data(), a.losses.size() * sizeof(float)));
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (size_t i = 0; i < a.weights.size(); ++i)
    EXPECT_EQ(0, std::memcmp(a.weights[i].data(), b.weights[i].data(), a.weights[i].size() * sizeof(float)));
  const Result c = train(data, {8, 8}, Activation::ReLU, 0.02f, 100, 12);
  EXPECT_NE(a.weights[0], c.weights[0]);
}

TEST_P(Training, SoftmaxClassifierLearnsThreeBlobs) {
  if (GetParam() == "emulated_cuda") GTEST_SKIP() << "minutes under the SIMT emulator; scripts/gpu-check.sh runs it on a GPU";
  const Dataset data = make_dataset("blobs3", 150, 0.1f, 2);
  MlpSpec spec;
  spec.device = device();
  spec.hidden = {8};
  spec.activations = {Activation::ReLU};
  spec.outputs = 3;
  MLP model(spec);
  const Tensor x = data.inputs(device()), y = data.targets(device());
  Adam opt(model.parameters(), AdamOptions{0.05f});
  for (int i = 0; i < 200; ++i) {
    opt.zero_grad();
    softmax_cross_entropy(model(x), y).backward();
    opt.step();
  }
  NoGradGuard g;
  const auto pred = argmax(model(x), 1).to_vector(), lab = y.to_vector();
  int correct = 0;
  for (size_t i = 0; i < pred.size(); ++i) correct += pred[i] == lab[i];
  EXPECT_GE(correct, 145);
}

TEST_P(Training, GridEvaluationMatchesPointwiseForward) {
  MlpSpec spec;
  spec.hidden = {5};
  spec.device = device();
  MLP model(spec);
  const Region r{-1, 1, -2, 2};
  const auto grid = evaluate_grid(model, FeatureSet::plain(), r, 7, 3);
  ASSERT_EQ(grid.size(), 21u);
  NoGradGuard g;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 7; ++col) {
      const float v = model(Tensor::from_vector({grid_x(r, 7, col), grid_y(r, 3, row)}, {1, 2}, device())).item();
      EXPECT_NEAR(grid[static_cast<size_t>(row * 7 + col)], v, 1e-6);
    }
  EXPECT_THROW(evaluate_grid(model, FeatureSet::plain(), r, 0, 3), ValueError);
}

TEST_P(Training, AHundredStepsFollowTheCpuTrajectory) {
  // The Trainer as the CLI and the app drive it (minibatches gathered on the device, Adam, the
  // divergence check) on this device and on the CPU from one seed: the losses and the final
  // weights agree to float32 accuracy (the GPU's FMA contraction and summation orders differ).
  TrainConfig c;
  c.hidden = {16, 16};
  c.activations = {Activation::ReLU};
  c.optimizer = OptimizerKind::Adam;
  c.lr = 0.01f;
  c.batch_size = 32;
  c.seed = 5;
  const Dataset data = make_dataset("spiral", 200, 0.0f, 3);
  std::vector<float> losses[2];
  std::vector<std::vector<float>> weights[2];
  for (int run = 0; run < 2; ++run) {
    c.device = run ? device() : Device::cpu();
    Trainer t(c, data, Dataset{});
    for (int i = 0; i < 100; ++i) losses[run].push_back(t.step());
    for (const Tensor& p : t.model().parameters()) weights[run].push_back(p.to_vector());
  }
  for (size_t i = 0; i < losses[0].size(); ++i)
    ASSERT_NEAR(losses[1][i], losses[0][i], 2e-4 * (1.0 + std::abs(losses[0][i]))) << "step " << i + 1;
  for (size_t l = 0; l < weights[0].size(); ++l)
    for (size_t i = 0; i < weights[0][l].size(); ++i) ASSERT_NEAR(weights[1][l][i], weights[0][l][i], 1e-3) << "parameter " << l << "[" << i << "]";
}

INSTANTIATE_TEST_SUITE_P(Devices, Determinism, ::testing::ValuesIn(testing::test_devices_and_emulated_cuda()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });
INSTANTIATE_TEST_SUITE_P(Devices, Training, ::testing::ValuesIn(testing::test_devices_and_emulated_cuda()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace bp

namespace bp {
namespace {

TEST(Threads, ThreadedResultsAreBitIdenticalToOneThread) {
  MlpSpec spec;
  spec.hidden = {64, 64};
  spec.activations = {Activation::ReLU};
  MLP model(spec);
  Rng rng(4);
  const Tensor a = Tensor::uniform({3000, 128}, -1, 1, rng), b = Tensor::uniform({128, 200}, -1, 1, rng);
  set_num_threads(1);
  const auto grid1 = evaluate_grid(model, FeatureSet::plain(), Region{-1, 1, -1, 1}, 300, 200);
  const auto mm1 = matmul(a, b).to_vector();
  set_num_threads(2);
  const auto grid2 = evaluate_grid(model, FeatureSet::plain(), Region{-1, 1, -1, 1}, 300, 200);
  const auto mm2 = matmul(a, b).to_vector();
  set_num_threads(1);
  EXPECT_EQ(grid1, grid2);
  EXPECT_EQ(mm1, mm2);
  EXPECT_THROW(set_num_threads(0), ValueError);
  EXPECT_EQ(num_threads(), 1);
}

}  // namespace
}  // namespace bp

namespace bp {
namespace {

TEST(Minibatch, LastBatchNamesTheExamplesTheStepTrainedOn) {
  // The step's loss is the loss of exactly the examples last_batch() names (computed here from
  // those rows alone, at the weights before the step), and an epoch's batches cover every
  // training example once.
  TrainConfig c;
  c.hidden = {5};
  c.batch_size = 16;
  const Dataset train = make_dataset("circle", 100, 0.1f, 4);
  Trainer t(c, train, Dataset{});
  EXPECT_TRUE(t.last_batch().empty());
  std::vector<int> seen(100, 0);
  for (int step = 0; step < 7; ++step) {  // 6 full batches and a last one of 4: one epoch
    std::vector<float> before;
    const std::shared_ptr<MLP> copy = std::make_shared<MLP>(c.mlp_spec());
    const auto from = t.model().parameters(), to = copy->parameters();
    for (size_t i = 0; i < from.size(); ++i) assign_(to[i], from[i].to_vector());
    const float loss = t.step();
    const std::vector<int64_t> rows = t.last_batch();
    ASSERT_EQ(rows.size(), step < 6 ? 16u : 4u);
    Dataset batch;
    batch.problem = train.problem;
    batch.num_classes = train.num_classes;
    for (int64_t r : rows) {
      batch.points.push_back(train.points[static_cast<size_t>(r)]);
      ++seen[static_cast<size_t>(r)];
    }
    Trainer at_before(c, batch, Dataset{}, copy);
    EXPECT_NEAR(loss, at_before.train_metrics().loss, 1e-5) << "step " << step;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 100);
  // Full batches: every example.
  c.batch_size = 0;
  Trainer full(c, train, Dataset{});
  full.step();
  EXPECT_EQ(full.last_batch().size(), 100u);
}

}  // namespace
}  // namespace bp
