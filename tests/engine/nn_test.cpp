// Modules, losses, optimizers, schedules and initializers against hand-derived values.
#include <gtest/gtest.h>

#include <cmath>

#include "backprop/backprop.h"

namespace bp {
namespace {

TEST(Module, LinearStoresWeightAsOutByInAndComputesXWtPlusB) {
  Rng rng(1);
  Linear lin(3, 2, rng);
  EXPECT_EQ(lin.weight().shape(), (Shape{2, 3}));
  EXPECT_EQ(lin.bias().shape(), (Shape{2}));
  assign_(lin.weight(), {1, 2, 3, 4, 5, 6});
  assign_(lin.bias(), {0.5f, -1});
  Tensor y = lin(Tensor::from_vector({1, 0, -1, 2, 1, 0}, {2, 3}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1 - 3 + 0.5f, 4 - 6 - 1, 2 + 2 + 0.5f, 8 + 5 - 1}));
}

TEST(Module, NamedParametersUseDottedPaths) {
  MlpSpec spec;
  spec.hidden = {4, 3};
  spec.activations = {Activation::ReLU, Activation::Tanh};
  MLP mlp(spec);
  std::vector<std::string> names;
  for (auto& [name, t] : mlp.named_parameters()) {
    names.push_back(name);
    EXPECT_TRUE(t.requires_grad());
    EXPECT_EQ(t.name(), name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.2.weight",
                                             "layers.2.bias", "layers.4.weight", "layers.4.bias"}));
  EXPECT_EQ(mlp.num_parameters(), 2 * 4 + 4 + 4 * 3 + 3 + 3 + 1);
  EXPECT_EQ(mlp.linears().size(), 3u);
  EXPECT_EQ(mlp.layer_activations(),
            (std::vector<Activation>{Activation::ReLU, Activation::Tanh, Activation::Identity}));
  EXPECT_EQ(mlp.describe(), "MLP(2-4-3-1)");
  mlp.eval();
  EXPECT_FALSE(mlp.is_training());
  EXPECT_FALSE(mlp.layers()[0]->is_training());
  spec.activations = {Activation::ReLU, Activation::Tanh, Activation::Tanh};
  EXPECT_THROW(MLP bad(spec), ValueError);
}

TEST(Module, EveryActivationHasANameAndAModule) {
  for (Activation a : all_activations()) {
    EXPECT_EQ(parse_activation(activation_name(a)), a);
    ActivationModule m(a);
    Tensor x = Tensor::from_vector({-1, 0.5f}, {2});
    EXPECT_EQ(m(x).to_vector(), apply_activation(a, x).to_vector());
  }
  EXPECT_THROW(parse_activation("relux"), ValueError);
  EXPECT_EQ(ReLU().type_name(), "ReLU");
}

TEST(Loss, KnownValues) {
  Tensor z = Tensor::from_vector({0.0f, 2.0f, -1.0f}, {3});
  Tensor y = Tensor::from_vector({1, 0, 0}, {3});
  const double bce = (std::log(2.0) + (2 + std::log1p(std::exp(-2.0))) + std::log1p(std::exp(-1.0))) / 3;
  EXPECT_NEAR(binary_cross_entropy_with_logits(z, y).item(), bce, 1e-6);
  EXPECT_NEAR(binary_cross_entropy(sigmoid(z), y).item(), bce, 1e-5);
  // Stable for huge logits (a naive log(sigmoid) would give inf).
  EXPECT_NEAR(binary_cross_entropy_with_logits(Tensor::from_vector({-200.0f}, {1}),
                                               Tensor::from_vector({1.0f}, {1})).item(), 200.0, 1e-3);
  EXPECT_NEAR(mse_loss(z, y).item(), (1 + 4 + 1) / 3.0, 1e-6);
  // hinge with y± = (1, −1, −1): max(0, 1−0) + max(0, 1+2) + max(0, 1−1)
  EXPECT_NEAR(hinge_loss(z, y).item(), (1 + 3 + 0) / 3.0, 1e-6);
  Tensor logits = Tensor::from_vector({1, 2, 3, 1, 1, 1}, {2, 3});
  Tensor labels = Tensor::from_vector({2, 0}, {2});
  const double ce = ((std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3) + std::log(3.0)) / 2;
  EXPECT_NEAR(softmax_cross_entropy(logits, labels).item(), ce, 1e-6);
  EXPECT_THROW(softmax_cross_entropy(logits, Tensor::from_vector({3, 0}, {2})), ValueError);
  EXPECT_THROW(mse_loss(z, Tensor::zeros({4})), ShapeError);
  EXPECT_EQ(parse_loss("cross_entropy"), LossKind::SoftmaxCE);
}

// Runs `steps` updates minimising f(w) = sum(w²)/2 (so grad = w) and returns w.
template <class Opt>
std::vector<float> run_quadratic(Opt& opt, Tensor& w, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    (sum(w * w) * 0.5f).backward();
    opt.step();
  }
  return w.to_vector();
}

TEST(Optim, SgdWithMomentumNesterovAndWeightDecayMatchesDoubleReference) {
  for (bool nesterov : {false, true}) {
    Tensor w = Tensor::from_vector({1.0f, -2.0f}, {2}).set_requires_grad();
    SgdOptions o;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    o.weight_decay = 0.01f;
    o.nesterov = nesterov;
    SGD opt({w}, o);
    const auto got = run_quadratic(opt, w, 5);
    for (int k = 0; k < 2; ++k) {
      double p = k == 0 ? 1.0 : -2.0, buf = 0;
      for (int s = 0; s < 5; ++s) {
        double d = p + 0.01 * p;
        buf = s == 0 ? d : 0.9 * buf + d;
        d = nesterov ? d + 0.9 * buf : buf;
        p -= 0.1 * d;
      }
      EXPECT_NEAR(got[static_cast<size_t>(k)], p, 1e-6);
    }
  }
}

TEST(Optim, AdamAndAdamWMatchDoubleReference) {
  for (bool decoupled : {false, true}) {
    Tensor w = Tensor::from_vector({0.5f, -1.5f, 3.0f}, {3}).set_requires_grad();
    AdamOptions o;
    o.lr = 0.05f;
    o.weight_decay = 0.1f;
    Adam opt({w}, o, decoupled);
    const auto got = run_quadratic(opt, w, 7);
    const double init[3] = {0.5, -1.5, 3.0};
    for (int k = 0; k < 3; ++k) {
      double p = init[k], m = 0, v = 0;
      for (int t = 1; t <= 7; ++t) {
        double g = p;
        if (decoupled) p *= 1 - 0.05 * 0.1;
        else g += 0.1 * p;
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        const double mh = m / (1 - std::pow(0.9, t)), vh = v / (1 - std::pow(0.999, t));
        p -= 0.05 * mh / (std::sqrt(vh) + 1e-8);
      }
      EXPECT_NEAR(got[static_cast<size_t>(k)], p, 2e-6) << (decoupled ? "AdamW" : "Adam");
    }
  }
}

TEST(Optim, RegularizationPenalisesWeightsNotBiases) {
  Tensor w = Tensor::from_vector({1.0f, -1.0f}, {1, 2}).set_requires_grad();
  Tensor b = Tensor::from_vector({1.0f}, {1}).set_requires_grad();
  SGD opt({w, b}, SgdOptions{0.5f});
  opt.set_regularization({Regularization::L1, 0.1f});
  w.set_grad(Tensor::zeros({1, 2}));
  b.set_grad(Tensor::zeros({1}));
  opt.step();
  EXPECT_EQ(w.to_vector(), (std::vector<float>{1.0f - 0.05f, -1.0f + 0.05f}));
  EXPECT_EQ(b.to_vector(), (std::vector<float>{1.0f}));
  opt.set_regularization({Regularization::L2, 0.1f});
  opt.step();
  EXPECT_NEAR(w.to_vector()[0], 0.95f * (1 - 0.05f), 1e-7);
  EXPECT_THROW(opt.set_lr(NAN), ValueError);
  EXPECT_THROW(SGD({w * 2.0f}, SgdOptions{}), ValueError);
}

TEST(Optim, ParametersWithoutGradientAreSkipped) {
  Tensor w = Tensor::ones({2}).set_requires_grad();
  Adam opt({w}, AdamOptions{});
  opt.step();
  EXPECT_EQ(w.to_vector(), (std::vector<float>{1, 1}));
}

// Optimizers read a gradient's raw data: one set as a transposed view must be used by value.
TEST(Optim, StridedGradientSetByHandIsReadByValue) {
  Tensor p = Tensor::zeros({2, 2}).set_requires_grad();
  Tensor g = Tensor::from_vector({1, 2, 3, 4}, {2, 2});
  p.set_grad(g.T());  // [[1, 3], [2, 4]], column-major strides
  SGD opt({p}, SgdOptions{1.0f});
  opt.step();
  const std::vector<float> got = p.to_vector();
  EXPECT_EQ(got, (std::vector<float>{-1, -3, -2, -4}));
}

TEST(Optim, LearningRateSchedules) {
  LrSchedule s;
  EXPECT_FLOAT_EQ(s.lr_at(0.1f, 500), 0.1f);
  s.kind = LrSchedule::Step;
  s.step_size = 10;
  s.gamma = 0.5f;
  EXPECT_FLOAT_EQ(s.lr_at(0.1f, 9), 0.1f);
  EXPECT_FLOAT_EQ(s.lr_at(0.1f, 25), 0.025f);
  s.kind = LrSchedule::Cosine;
  s.total_steps = 100;
  s.min_lr = 0.0f;
  EXPECT_FLOAT_EQ(s.lr_at(0.1f, 0), 0.1f);
  EXPECT_NEAR(s.lr_at(0.1f, 50), 0.05f, 1e-7);
  EXPECT_FLOAT_EQ(s.lr_at(0.1f, 100), 0.0f);
  EXPECT_EQ(parse_schedule("cosine"), LrSchedule::Cosine);
  EXPECT_THROW(parse_schedule("linear"), ValueError);
}

TEST(Init, DistributionsHaveTheirDocumentedScale) {
  Rng rng(3);
  Tensor w = Tensor::empty({400, 100});
  auto stats = [&](Init kind) {
    init_tensor(w, kind, rng);
    double s = 0, s2 = 0, mx = 0;
    for (float v : w.to_vector()) {
      s += v;
      s2 += static_cast<double>(v) * v;
      mx = std::max(mx, std::fabs(static_cast<double>(v)));
    }
    const double n = 40000, mean = s / n;
    return std::array<double, 3>{mean, std::sqrt(s2 / n - mean * mean), mx};
  };
  auto u = stats(Init::XavierUniform);
  EXPECT_LE(u[2], std::sqrt(6.0 / 500));
  EXPECT_NEAR(u[1], std::sqrt(6.0 / 500) / std::sqrt(3.0), 2e-3);
  auto xn = stats(Init::XavierNormal);
  EXPECT_NEAR(xn[1], std::sqrt(2.0 / 500), 2e-3);
  auto ku = stats(Init::KaimingUniform);
  EXPECT_LE(ku[2], std::sqrt(6.0 / 100));
  auto kn = stats(Init::KaimingNormal);
  EXPECT_NEAR(kn[1], std::sqrt(2.0 / 100), 3e-3);
  EXPECT_NEAR(kn[0], 0.0, 3e-3);
  auto d = stats(Init::Default);
  EXPECT_LE(d[2], 0.1);
  EXPECT_EQ(stats(Init::Zeros)[2], 0.0);
  EXPECT_EQ(parse_init(init_name(Init::KaimingNormal)), Init::KaimingNormal);
}

TEST(Random, SameSeedSameNumbersOnEveryPlatform) {
  // Integer arithmetic only: these values are fixed by the algorithm (xoshiro256**, splitmix64).
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  Rng c(0);
  const uint64_t first = c.next_u64();
  Rng d(0);
  EXPECT_EQ(d.next_u64(), first);
  Rng e(7);
  for (int i = 0; i < 1000; ++i) {
    const float u = e.uniform();
    EXPECT_GE(u, 0.0f);
    EXPECT_LT(u, 1.0f);
  }
  const auto p = Rng(5).permutation(10);
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
}

}  // namespace
}  // namespace bp
