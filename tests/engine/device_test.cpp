// Devices end to end: the reference device's memory is not host memory, modules move, the guards
// name both devices, and the whole training pipeline (every optimizer, loss, schedule and
// minibatching, the boundary grid, prediction and divergence) gives the CPU's results on the
// reference device within float32 tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "backend.h"
#include "backprop/backprop.h"
#include "tensor_impl.h"

namespace bp {
namespace {

const Device kRef = Device::reference();

TEST(ReferenceDevice, ItsMemoryIsNotHostMemory) {
  const Tensor t = Tensor::full({4}, 2.5f, kRef);
  EXPECT_EQ(t.device(), kRef);
  EXPECT_EQ(t.to_vector(), (std::vector<float>{2.5f, 2.5f, 2.5f, 2.5f}));
  EXPECT_THROW(t.data(), DeviceError);
  // Reading the pointer from the host faults: code that bypasses the backend cannot pass.
  const float* p = t.impl()->ptr();
  EXPECT_DEATH({ std::printf("%f\n", static_cast<double>(*static_cast<const volatile float*>(p))); }, "");
}

TEST(ReferenceDevice, AccessOutsideAnAllocationOrFromAHostPointerThrows) {
  Backend& ref = backend_for(kRef);
  float* p = ref.allocate(8);
  std::vector<float> host(9, 0.0f);
  EXPECT_THROW(ref.to_host(host.data(), p, 9), std::logic_error);    // one past the end
  EXPECT_THROW(ref.from_host(host.data(), host.data(), 1), std::logic_error);  // a host pointer
  ref.to_host(host.data(), p, 8);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(std::isnan(host[static_cast<size_t>(i)])) << "fresh memory reads as NaN";
  ref.deallocate(p, 8);
}

TEST(ReferenceDevice, IsNotOfferedToUsers) {
  unsetenv("BACKPROP_TEST_DEVICES");
  EXPECT_THROW(parse_device("reference"), ValueError);
  setenv("BACKPROP_TEST_DEVICES", "1", 1);
  EXPECT_EQ(parse_device("reference"), kRef);
  unsetenv("BACKPROP_TEST_DEVICES");
}

TEST(DeviceChoice, AutoSaysWhichAndWhyAndAnUnavailableDeviceIsAnError) {
  EXPECT_TRUE(parse_device_choice("auto").automatic);
  EXPECT_EQ(parse_device_choice("cpu").device, Device::cpu());
  EXPECT_THROW(parse_device_choice("gpu"), ValueError);
  const ResolvedDevice r = resolve_device(parse_device_choice("auto"));
  if (cuda_available()) {
    EXPECT_EQ(r.device, Device::cuda(0));
  } else {
    EXPECT_EQ(r.device, Device::cpu());
    EXPECT_NE(r.why.find("auto: the CPU, as "), std::string::npos) << r.why;
    try {
      resolve_device(parse_device_choice("cuda"));
      ADD_FAILURE() << "cuda resolved without a GPU";
    } catch (const DeviceError& e) {
      EXPECT_NE(std::string(e.what()).find("unavailable"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(resolve_device(parse_device_choice("cpu")).device, Device::cpu());
}

TEST(ModuleTo, MovesEveryParameterInPlaceAndKeepsItsValues) {
  MlpSpec spec;
  spec.hidden = {5, 3};
  spec.seed = 4;
  MLP cpu_model(spec), moved(spec);
  spec.device = kRef;
  MLP made_there(spec);
  EXPECT_EQ(&moved.to(kRef), &moved);
  EXPECT_EQ(moved.device(), kRef);
  EXPECT_EQ(made_there.device(), kRef);
  for (const auto& l : moved.linears()) EXPECT_EQ(l->weight().device(), kRef) << "a layer's own handle sees the move";
  const auto a = cpu_model.parameters(), b = moved.parameters(), c = made_there.parameters();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(b[i].requires_grad());
    EXPECT_EQ(a[i].to_vector(), b[i].to_vector());
    EXPECT_EQ(a[i].to_vector(), c[i].to_vector()) << "the same seed gives the same weights on every device";
  }
  const Tensor x = Tensor::from_vector({0.5f, -1.0f, 0.25f, 2.0f}, {2, 2});
  const auto want = cpu_model(x).to_vector(), got = moved(x.to(kRef)).to_vector();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f);
  moved.to(Device::cpu());
  EXPECT_EQ(moved.device(), Device::cpu());
}

TEST(DeviceGuards, BackwardSeedSetGradOptimizersAndTheBackwardDriverNameBothDevices) {
  auto expect_names_both = [](const std::function<void()>& f, const char* what) {
    try {
      f();
      ADD_FAILURE() << what << " did not throw";
    } catch (const DeviceError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("cpu"), std::string::npos) << what << ": " << m;
      EXPECT_NE(m.find("reference"), std::string::npos) << what << ": " << m;
    }
  };
  const Tensor x = Tensor::full({3}, 2.0f, kRef).set_requires_grad();
  const Tensor y = x * 3.0f;
  expect_names_both([&] { y.backward(Tensor::ones({3})); }, "backward(seed)");
  expect_names_both([&] { x.set_grad(Tensor::ones({3})); }, "set_grad");

  // An optimizer built before its model moved: its state is on the CPU.
  MLP model(MlpSpec{});
  SGD sgd(model.parameters(), SgdOptions{0.1f, 0.9f});
  Adam adam(model.parameters(), AdamOptions{});
  model.to(kRef);
  const Tensor loss = sum(model(Tensor::zeros({2, 2}, kRef)));
  loss.backward();
  expect_names_both([&] { sgd.step(); }, "SGD::step");
  expect_names_both([&] { adam.step(); }, "Adam::step");

  // A backward rule that returns its gradient on the wrong device.
  static const OpDef kWrong{OpId::Custom, "wrong_device", [](const TensorImpl&, const Tensor& g, Tensor* r) { r[0] = Tensor::ones(g.shape()); }};
  const Tensor z = make_tensor(x.shape(), backend_for(kRef));
  record(z, &kWrong, {&x});
  expect_names_both([&] { sum(z).backward(); }, "the backward driver");
}

TEST(DeviceOps, GatherRowsAndNotFinite) {
  for (Device d : {Device::cpu(), kRef}) {
    const Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {3, 2}, d);
    const Tensor idx = Tensor::from_vector({2, 0, 2, 7}, {4}, d);
    const std::vector<float> g = gather_rows(x, idx).to_vector();
    EXPECT_EQ(std::vector<float>(g.begin(), g.begin() + 6), (std::vector<float>{5, 6, 1, 2, 5, 6})) << d.str();
    EXPECT_TRUE(std::isnan(g[6]) && std::isnan(g[7])) << "an index out of range gives a NaN row on " << d.str();
    EXPECT_EQ(sum(not_finite(Tensor::from_vector({1, NAN, INFINITY, -INFINITY, 0}, {5}, d))).item(), 3.0f);
    const Tensor w = Tensor::zeros({3, 2}, d).set_requires_grad();
    EXPECT_THROW(gather_rows(w, idx), ValueError);
  }
}

// ---- the training pipeline on the reference device --------------------------------------------

struct PipelineCase {
  const char* name;
  std::function<void(TrainConfig&)> setup;
  const char* dataset = "xor";
};

std::vector<PipelineCase> pipeline_cases() {
  return {
      {"sgd full batch bce", [](TrainConfig& c) { c.optimizer = OptimizerKind::SGD; }},
      {"momentum nesterov minibatch", [](TrainConfig& c) { c.optimizer = OptimizerKind::Momentum, c.nesterov = true, c.batch_size = 10; }},
      {"adam minibatch hinge", [](TrainConfig& c) { c.optimizer = OptimizerKind::Adam, c.loss = LossKind::Hinge, c.batch_size = 16; }},
      {"adamw mse step schedule", [](TrainConfig& c) {
         c.optimizer = OptimizerKind::AdamW, c.loss = LossKind::MSE, c.weight_decay = 0.01f;
         c.schedule.kind = LrSchedule::Step, c.schedule.step_size = 10;
       }},
      {"sgd cosine l1", [](TrainConfig& c) {
         c.schedule.kind = LrSchedule::Cosine, c.schedule.total_steps = 40, c.schedule.min_lr = 0.001f;
         c.regularization = {Regularization::L1, 0.001f};
       }},
      {"adam l2 relu features", [](TrainConfig& c) {
         c.optimizer = OptimizerKind::Adam, c.regularization = {Regularization::L2, 0.01f};
         c.activations = {Activation::ReLU};
         c.features = {Feature::X1, Feature::X2, Feature::X1X2, Feature::SinX1};
       }},
      {"multiclass cross entropy minibatch", [](TrainConfig& c) {
         c.problem = Problem::MultiClass, c.num_classes = 3, c.loss = LossKind::SoftmaxCE, c.batch_size = 25;
         c.optimizer = OptimizerKind::Adam;
       }, "blobs3"},
      {"regression mse", [](TrainConfig& c) {
         c.problem = Problem::Regression, c.num_classes = 2, c.loss = LossKind::MSE, c.activations = {Activation::GELU};
       }, "pg-plane"},
  };
}

class PipelineOnReference : public ::testing::TestWithParam<size_t> {};

TEST_P(PipelineOnReference, GivesTheCpuResultsWithinFloat32Tolerance) {
  const PipelineCase pc = pipeline_cases()[GetParam()];
  SCOPED_TRACE(pc.name);
  TrainConfig base;
  base.hidden = {6, 4};
  base.lr = 0.05f;
  base.seed = 3;
  pc.setup(base);
  const Dataset data = make_dataset(pc.dataset, 60, 0.1f, 11);
  if (data.num_classes == 0) base.num_classes = 2;
  const Dataset test = make_dataset(pc.dataset, 20, 0.1f, 12);
  TrainConfig on_ref = base;
  on_ref.device = kRef;
  Trainer cpu(base, data, test), ref(on_ref, data, test);
  EXPECT_EQ(ref.model().device(), kRef);
  for (int i = 0; i < 40; ++i) {
    const float a = cpu.step(), b = ref.step();
    ASSERT_NEAR(b, a, 2e-4f * std::max(1.0f, std::fabs(a))) << "step " << i;
  }
  const auto pa = cpu.model().parameters(), pb = ref.model().parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    const auto va = pa[i].to_vector(), vb = pb[i].to_vector();
    for (size_t k = 0; k < va.size(); ++k) ASSERT_NEAR(vb[k], va[k], 2e-4f * std::max(1.0f, std::fabs(va[k]))) << "parameter " << i;
  }
  const Metrics ma = cpu.test_metrics(), mb = ref.test_metrics();
  EXPECT_NEAR(mb.loss, ma.loss, 2e-4f * std::max(1.0f, ma.loss));
  if (!std::isnan(ma.accuracy)) {
    EXPECT_NEAR(mb.accuracy, ma.accuracy, 1.0f / 20.0f) << "one borderline point may flip";
  }
  // The boundary grid and predictions, on the model's device.
  const auto ga = evaluate_grid(cpu.model(), cpu.features(), data.region, 23, 17);
  const auto gb = evaluate_grid(ref.model(), ref.features(), data.region, 23, 17);
  ASSERT_EQ(ga.size(), gb.size());
  for (size_t k = 0; k < ga.size(); ++k) ASSERT_NEAR(gb[k], ga[k], 2e-4f * std::max(1.0f, std::fabs(ga[k]))) << "grid cell " << k;
  const Tensor pts = Tensor::from_vector({0.1f, 0.2f, -0.5f, 0.7f}, {2, 2});
  const auto qa = cpu.predict(pts).to_vector(), qb = ref.predict(pts).to_vector();
  for (size_t k = 0; k < qa.size(); ++k) EXPECT_NEAR(qb[k], qa[k], 2e-4f * std::max(1.0f, std::fabs(qa[k])));
}

INSTANTIATE_TEST_SUITE_P(EveryPath, PipelineOnReference, ::testing::Range<size_t>(0, 8));

TEST(PipelineOnReferenceDivergence, AHugeLearningRateDivergesAndRestoresTheSameWeights) {
  TrainConfig c;
  c.optimizer = OptimizerKind::SGD;
  c.lr = 100.0f;
  c.problem = Problem::Regression;
  c.loss = LossKind::MSE;
  Dataset data = make_dataset("pg-plane", 30, 0.0f, 2);
  for (Point& p : data.points) p.label *= 1e30f;  // the first update overflows the weights
  TrainConfig r = c;
  r.device = kRef;
  Trainer cpu(c, data, {}), ref(r, data, {});
  for (int i = 0; i < 3 && !cpu.diverged(); ++i) cpu.step(), ref.step();
  EXPECT_TRUE(cpu.diverged());
  EXPECT_EQ(ref.diverged(), cpu.diverged());
  const auto pa = cpu.model().parameters(), pb = ref.model().parameters();
  for (size_t i = 0; i < pa.size(); ++i)
    for (float w : pb[i].to_vector()) EXPECT_TRUE(std::isfinite(w)) << "the weights from before the bad update came back";
}

}  // namespace
}  // namespace bp
