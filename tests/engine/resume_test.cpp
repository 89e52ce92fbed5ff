// Resuming a run: a Trainer given another's RunState (the optimizer's buffers and steps, the place
// in the minibatch order, the schedule's step) goes on bit for bit as that run would have, for
// every optimizer, full batches and minibatches, on every device (and on the CUDA backend's code
// under the SIMT emulator: the buffers go to and from "device" memory); a state that does not fit
// is refused and changes nothing; and the buffers hold what PyTorch's optimizers hold.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "backprop/backprop.h"
#include "test_devices.h"

namespace bp {
namespace {

using testing::test_device;

std::shared_ptr<MLP> copy_of(MLP& model, const TrainConfig& c) {
  auto copy = std::make_shared<MLP>(c.mlp_spec());
  const auto from = model.parameters(), to = copy->parameters();
  for (size_t i = 0; i < from.size(); ++i) assign_(to[i], from[i].to_vector());
  return copy;
}

std::vector<std::vector<float>> weights_of(MLP& model) {
  std::vector<std::vector<float>> w;
  for (const Tensor& p : model.parameters()) w.push_back(p.to_vector());
  return w;
}

bool same_bits(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].size() != b[i].size() || std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(float)) != 0) return false;
  return true;
}

double largest_difference(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t k = 0; k < a[i].size(); ++k) d = std::max(d, std::fabs(static_cast<double>(a[i][k]) - b[i][k]));
  return d;
}

class Resume : public testing::OnEveryDevice {};

TEST_P(Resume, GoesOnExactlyAsTheRunItWasTakenFrom) {
  const Dataset train = make_dataset("xor", 100, 0.1f, 3), test = make_dataset("xor", 30, 0.1f, 4);
  // Under the SIMT emulator a step takes about a second: there, the two optimizers with buffers
  // (momentum's, Adam's two) on minibatches, and 9 + 3 steps against 12.
  const bool emulated = GetParam() == "emulated_cuda";
  const int steps = emulated ? 12 : 20;
  std::vector<OptimizerKind> optimizers{OptimizerKind::Momentum, OptimizerKind::Adam};
  if (!emulated) optimizers = {OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam, OptimizerKind::AdamW};
  const std::vector<int64_t> batches = emulated ? std::vector<int64_t>{16} : std::vector<int64_t>{0, 16};
  for (OptimizerKind opt : optimizers) {
    for (int64_t batch : batches) {
      SCOPED_TRACE(std::string(optimizer_name(opt)) + (batch ? ", batch 16" : ", full batch"));
      TrainConfig c;
      c.device = device();
      c.hidden = {5, 5};
      c.optimizer = opt;
      c.lr = opt == OptimizerKind::Adam || opt == OptimizerKind::AdamW ? 0.03f : 0.3f;
      c.weight_decay = opt == OptimizerKind::AdamW ? 0.01f : 0.0f;
      c.batch_size = batch;
      c.schedule.kind = LrSchedule::Step;  // halves every 5 steps: the schedule's step matters too
      c.schedule.step_size = 5;
      Trainer straight(c, train, test);
      for (int s = 0; s < steps; ++s) straight.step();
      // 9 steps (with batches of 16: an epoch of 7 and two steps into the next), then a new
      // Trainer on a copy of the weights, resumed, for the rest.
      Trainer first(c, train, test);
      for (int s = 0; s < 9; ++s) first.step();
      const RunState state = first.run_state();
      EXPECT_EQ(state.schedule_step, 9);
      EXPECT_EQ(state.optimizer.steps, 9);
      EXPECT_EQ(state.shuffles, batch ? 2u : 0u);
      EXPECT_EQ(state.cursor, batch ? 32 : -1);
      Trainer resumed(c, train, test, copy_of(first.model(), c));
      ASSERT_TRUE(resumed.fits(state));
      resumed.resume(state);
      EXPECT_EQ(resumed.current_lr(), first.current_lr());
      for (int s = 9; s < steps; ++s) resumed.step();
      // The same bits where tensors hold float32 (the CPU, CUDA). The reference backend holds
      // doubles, and a state goes through the host as float32, as a saved file holds it: there
      // the run goes on to within float32 rounding.
      const bool float32 = device().type != DeviceType::Reference;
      if (float32) {
        EXPECT_TRUE(same_bits(weights_of(resumed.model()), weights_of(straight.model())));
        EXPECT_EQ(resumed.run_state(), straight.run_state());
      } else {
        EXPECT_LT(largest_difference(weights_of(resumed.model()), weights_of(straight.model())), 1e-5);
      }
      EXPECT_EQ(resumed.steps(), steps - 9);  // its own steps, as before
      // Without the state (a new optimizer, a new order, the schedule from its start) the run is
      // another one: the test can tell.
      Trainer afresh(c, train, test, copy_of(first.model(), c));
      for (int s = 9; s < steps; ++s) afresh.step();
      EXPECT_GT(largest_difference(weights_of(afresh.model()), weights_of(straight.model())), float32 ? 0.0 : 1e-4);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Devices, Resume, ::testing::ValuesIn(testing::test_devices_and_emulated_cuda()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(Resume, BuffersHoldWhatPyTorchsOptimizersHold) {
  // After one step from zero state: Adam's exp_avg = (1 - beta1) g and exp_avg_sq = (1 - beta2) g²
  // (torch.optim.Adam), SGD's momentum_buffer = g (torch.optim.SGD's first step), from the
  // gradient computed here before the step.
  const Dataset train = make_dataset("circle", 40, 0.1f, 2);
  for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum}) {
    TrainConfig c;
    c.hidden = {3};
    c.optimizer = opt;
    Trainer t(c, train, Dataset{});
    // The gradient at the initial weights, on a copy.
    auto probe = copy_of(t.model(), c);
    const Tensor loss = t.loss_of(probe->forward(t.features().apply(train.inputs())), train.targets());
    loss.backward();
    t.step();
    const OptimizerState s = t.run_state().optimizer;
    EXPECT_EQ(s.steps, 1);
    const auto params = probe->parameters();
    ASSERT_EQ(s.names, opt == OptimizerKind::Adam ? (std::vector<std::string>{"exp_avg", "exp_avg_sq"}) : std::vector<std::string>{"momentum_buffer"});
    for (size_t i = 0; i < params.size(); ++i) {
      const std::vector<float> g = params[i].grad().to_vector();
      ASSERT_EQ(s.buffers[0][i].size(), g.size());
      for (size_t k = 0; k < g.size(); ++k) {
        if (opt == OptimizerKind::Adam) {
          EXPECT_NEAR(s.buffers[0][i][k], 0.1 * g[k], 1e-7 + 1e-5 * std::fabs(g[k]));
          EXPECT_NEAR(s.buffers[1][i][k], 0.001 * g[k] * g[k], 1e-12 + 1e-5 * g[k] * g[k]);
        } else {
          EXPECT_NEAR(s.buffers[0][i][k], g[k], 1e-7 + 1e-5 * std::fabs(g[k]));
        }
      }
    }
  }
  // Plain SGD keeps no buffers.
  TrainConfig c;
  Trainer sgd(c, train, Dataset{});
  EXPECT_TRUE(sgd.run_state().optimizer.names.empty());
  EXPECT_TRUE(sgd.run_state().optimizer.buffers.empty());
}

TEST(Resume, AStateThatDoesNotFitIsRefusedAndChangesNothing) {
  const Dataset train = make_dataset("xor", 50, 0.1f, 3);
  TrainConfig adam_c;
  adam_c.optimizer = OptimizerKind::Adam;
  adam_c.batch_size = 8;
  Trainer adam(adam_c, train, Dataset{});
  for (int s = 0; s < 3; ++s) adam.step();
  const RunState good = adam.run_state();

  TrainConfig sgd_c = adam_c;
  sgd_c.optimizer = OptimizerKind::SGD;
  Trainer sgd(sgd_c, train, Dataset{});
  sgd.step();
  const RunState before = sgd.run_state();
  EXPECT_FALSE(sgd.fits(good));
  try {
    sgd.resume(good);
    ADD_FAILURE() << "an Adam state was taken by SGD";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("it holds exp_avg, exp_avg_sq, but this optimizer keeps no buffers"), std::string::npos) << e.what();
  }
  EXPECT_EQ(sgd.run_state(), before);

  // Adam's state fits AdamW (the same buffers), as in PyTorch.
  TrainConfig adamw_c = adam_c;
  adamw_c.optimizer = OptimizerKind::AdamW;
  EXPECT_TRUE(Trainer(adamw_c, train, Dataset{}).fits(good));

  Trainer other(adam_c, train, Dataset{});
  const RunState other_before = other.run_state();
  auto refused = [&](RunState bad, const char* says) {
    try {
      other.resume(bad);
      ADD_FAILURE() << "taken: " << says;
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
    EXPECT_EQ(other.run_state(), other_before);
  };
  RunState bad = good;
  bad.optimizer.buffers[1][2].pop_back();
  refused(bad, "exp_avg_sq of parameter 2 has");
  bad = good;
  bad.optimizer.buffers[0].pop_back();
  refused(bad, "exp_avg has 5 parameters, not 6");
  bad = good;
  bad.optimizer.buffers[0][0][0] = NAN;
  refused(bad, "exp_avg of parameter 0 is not finite");
  bad = good;
  bad.optimizer.steps = -1;
  refused(bad, "steps must be >= 0");
  bad = good;
  bad.schedule_step = -1;
  refused(bad, "the schedule's step must be >= 0");

  // A place in an epoch that this training set does not have starts a new epoch (the next
  // shuffle) rather than reading past its rows.
  Trainer smaller(adam_c, make_dataset("xor", 20, 0.1f, 3), Dataset{});
  RunState far = good;
  far.cursor = 40;
  smaller.resume(far);
  smaller.step();
  EXPECT_EQ(smaller.run_state().shuffles, good.shuffles + 1);
  EXPECT_EQ(smaller.run_state().cursor, 8);
}

}  // namespace
}  // namespace bp
