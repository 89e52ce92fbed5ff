// Every differentiable op's gradient against central differences: random shapes, broadcast
// inputs and non-contiguous views, on every device (cpu, reference, cuda when present).
#include "gradcheck.h"

namespace bp {
namespace {

using testing::expect_gradients_match;
using testing::test_device;

class GradCheck : public testing::OnEveryDevice {};

Shape random_shape(Rng& rng) {
  Shape s;
  const int nd = 1 + static_cast<int>(rng.below(3));
  for (int i = 0; i < nd; ++i) s.push_back(1 + static_cast<int64_t>(rng.below(4)));
  return s;
}

// Values in [lo, hi] kept away from zero by `gap` (kinks of relu/abs sit at zero).
Tensor values(const Shape& s, Rng& rng, float lo = -2.0f, float hi = 2.0f, float gap = 0.1f) {
  std::vector<float> v(static_cast<size_t>(s.numel()));
  for (float& x : v) {
    do x = rng.uniform(lo, hi);
    while (std::fabs(x) < gap);
  }
  return Tensor::from_vector(v, s, test_device());
}

struct UnaryCase {
  const char* name;
  std::function<Tensor(const Tensor&)> fn;
  float lo, hi;
};

std::vector<UnaryCase> unary_cases() {
  return {
      {"neg", [](const Tensor& x) { return neg(x); }, -2, 2},
      {"exp", [](const Tensor& x) { return exp(x); }, -2, 2},
      {"log", [](const Tensor& x) { return log(x); }, 0.3f, 3},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }, 0.3f, 3},
      {"abs", [](const Tensor& x) { return abs(x); }, -2, 2},
      {"relu", [](const Tensor& x) { return relu(x); }, -2, 2},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x, 0.1f); }, -2, 2},
      {"elu", [](const Tensor& x) { return elu(x, 1.0f); }, -2, 2},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, -3, 3},
      {"tanh", [](const Tensor& x) { return tanh(x); }, -2, 2},
      {"softplus", [](const Tensor& x) { return softplus(x); }, -3, 3},
      {"sin", [](const Tensor& x) { return sin(x); }, -3, 3},
      {"cos", [](const Tensor& x) { return cos(x); }, -3, 3},
      {"gelu", [](const Tensor& x) { return gelu(x); }, -3, 3},
      {"silu", [](const Tensor& x) { return silu(x); }, -3, 3},
      {"gaussian", [](const Tensor& x) { return gaussian(x); }, -2, 2},
      {"pow3", [](const Tensor& x) { return pow(x, 3.0f); }, -2, 2},
      {"pow_half", [](const Tensor& x) { return pow(x, 0.5f); }, 0.3f, 3},
      {"pow2", [](const Tensor& x) { return pow(x, 2.0f); }, -2, 2},
      {"clamp", [](const Tensor& x) { return clamp(x, -1.0f, 1.0f); }, -2, 2},
      {"add_scalar", [](const Tensor& x) { return x + 3.0f; }, -2, 2},
      {"mul_scalar", [](const Tensor& x) { return x * -1.5f; }, -2, 2},
      {"rsub_scalar", [](const Tensor& x) { return 2.0f - x; }, -2, 2},
      {"rdiv_scalar", [](const Tensor& x) { return 2.0f / x; }, 0.5f, 2},
  };
}

TEST_P(GradCheck, UnaryOpsOnRandomShapes) {
  Rng rng(1);
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    for (int rep = 0; rep < 3; ++rep) {
      Tensor x = values(random_shape(rng), rng, c.lo, c.hi);
      if (std::string(c.name) == "clamp") {  // keep away from the clamp bounds
        std::vector<float> v = x.to_vector();
        for (float& e : v)
          if (std::fabs(std::fabs(e) - 1.0f) < 0.1f) e *= 1.3f;
        x = Tensor::from_vector(v, x.shape(), test_device());
      }
      expect_gradients_match([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {x});
    }
  }
}

TEST_P(GradCheck, UnaryOpsOnNonContiguousViews) {
  Rng rng(2);
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    Tensor base = values({4, 6}, rng, c.lo, c.hi, 0.15f);
    if (std::string(c.name) == "clamp") base = values({4, 6}, rng, 1.2f, 2.0f);
    // Transposed, then every other column: strides are neither contiguous nor unit.
    expect_gradients_match(
        [&](const std::vector<Tensor>& in) {
          Tensor v = in[0].T().slice(1, 0, 4, 2);
          EXPECT_FALSE(v.is_contiguous());
          return c.fn(v);
        },
        {base});
  }
}

TEST_P(GradCheck, BinaryOpsWithBroadcasting) {
  Rng rng(3);
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{4}, {2, 1, 4}}, {{}, {3, 2}}};
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&, const Tensor&)>>> ops = {
      {"add", [](const Tensor& a, const Tensor& b) { return a + b; }},
      {"sub", [](const Tensor& a, const Tensor& b) { return a - b; }},
      {"mul", [](const Tensor& a, const Tensor& b) { return a * b; }},
      {"div", [](const Tensor& a, const Tensor& b) { return a / b; }},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }},
  };
  for (const auto& entry : ops) {
    const char* name = entry.first;
    const auto& op = entry.second;  // a plain reference: clang 14 cannot capture structured bindings
    for (const auto& [sa, sb] : shapes) {
      SCOPED_TRACE(std::string(name) + " " + sa.str() + " " + sb.str());
      Tensor a = values(sa, rng, 0.5f, 2.0f), b = values(sb, rng, -2.0f, -0.5f);
      if (std::string(name) == "div") b = values(sb, rng, 0.5f, 2.0f);
      expect_gradients_match([&](const std::vector<Tensor>& in) { return op(in[0], in[1]); }, {a, b});
    }
  }
}

TEST_P(GradCheck, Reductions) {
  Rng rng(4);
  Tensor x = values({3, 4, 2}, rng);
  for (int axis = -3; axis < 3; ++axis) {
    for (bool keep : {false, true}) {
      SCOPED_TRACE("axis " + std::to_string(axis) + (keep ? " keepdim" : ""));
      expect_gradients_match([&](const auto& in) { return sum(in[0], axis, keep); }, {x});
      expect_gradients_match([&](const auto& in) { return mean(in[0], axis, keep); }, {x});
      expect_gradients_match([&](const auto& in) { return max(in[0], axis, keep); }, {x});
      expect_gradients_match([&](const auto& in) { return logsumexp(in[0], axis, keep); }, {x});
    }
  }
  expect_gradients_match([](const auto& in) { return sum(in[0]); }, {x});
  expect_gradients_match([](const auto& in) { return mean(in[0]); }, {x});
  expect_gradients_match([](const auto& in) { return max(in[0]); }, {x});
  expect_gradients_match([](const auto& in) { return softmax(in[0], 1); }, {x});
  expect_gradients_match([](const auto& in) { return log_softmax(in[0], -1); }, {x});
}

TEST_P(GradCheck, MaxSplitsGradientBetweenTies) {
  Tensor x = Tensor::from_vector({1, 3, 3, 2}, {4}, test_device()).set_requires_grad();
  max(x).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0, 0.5f, 0.5f, 0}));
}

TEST_P(GradCheck, MatmulAndBatchedMatmul) {
  Rng rng(5);
  expect_gradients_match([](const auto& in) { return matmul(in[0], in[1]); },
                         {values({3, 4}, rng), values({4, 5}, rng)});
  expect_gradients_match([](const auto& in) { return matmul(in[0], in[1]); },
                         {values({2, 3, 4}, rng), values({2, 4, 2}, rng)});
  // Batch dimensions broadcast.
  expect_gradients_match([](const auto& in) { return matmul(in[0], in[1]); },
                         {values({2, 3, 4}, rng), values({4, 2}, rng)});
  // Transposed (non-contiguous) operands.
  expect_gradients_match([](const auto& in) { return matmul(in[0].T(), in[1].T()); },
                         {values({4, 3}, rng), values({5, 4}, rng)});
  // Sizes that exercise the packed kernel's edges (rows % 6, columns % 16, K blocks).
  expect_gradients_match([](const auto& in) { return matmul(in[0], in[1]); },
                         {values({7, 3}, rng, -1, 1, 0), values({3, 37}, rng, -1, 1, 0)}, 7, 1e-2f, 3e-2f);
}

TEST_P(GradCheck, LinearWithAndWithoutBias) {
  Rng rng(6);
  expect_gradients_match([](const auto& in) { return linear(in[0], in[1], in[2]); },
                         {values({5, 3}, rng), values({4, 3}, rng), values({4}, rng)});
  expect_gradients_match([](const auto& in) { return linear(in[0], in[1], Tensor()); },
                         {values({5, 3}, rng), values({2, 3}, rng)});
}

TEST_P(GradCheck, ViewsAndAssembly) {
  Rng rng(7);
  Tensor x = values({2, 3, 4}, rng);
  expect_gradients_match([](const auto& in) { return in[0].reshape({6, 4}) * 2.0f; }, {x});
  expect_gradients_match([](const auto& in) { return in[0].permute({2, 0, 1}) * 2.0f; }, {x});
  expect_gradients_match([](const auto& in) { return in[0].transpose(0, 2).reshape({-1}); }, {x});
  expect_gradients_match([](const auto& in) { return in[0].slice(2, 1, 4, 2) * 3.0f; }, {x});
  expect_gradients_match([](const auto& in) { return in[0].slice(1, -2, 3) * 3.0f; }, {x});
  expect_gradients_match([](const auto& in) { return in[0].unsqueeze(1).squeeze(1) * 1.5f; }, {x});
  expect_gradients_match(
      [](const auto& in) { return in[0].slice(0, 0, 1).broadcast_to({3, 2, 3, 4}) * 1.0f; }, {x});
  expect_gradients_match([](const auto& in) { return cat({in[0], in[1], in[0]}, 1); },
                         {values({2, 3}, rng), values({2, 1}, rng)});
  expect_gradients_match([](const auto& in) { return sum_to(in[0], {3, 1}); }, {x});
  expect_gradients_match([](const auto& in) { return in[0].T().contiguous() * 1.0f; },
                         {values({3, 5}, rng)});
}

TEST_P(GradCheck, WhereRoutesGradient) {
  Rng rng(8);
  Tensor cond = Tensor::from_vector({1, 0, 1, 0, 0, 1}, {2, 3}, test_device());
  expect_gradients_match([&](const auto& in) { return where(cond, in[0], in[1]); },
                         {values({2, 3}, rng), values({3}, rng)});
}

TEST_P(GradCheck, Losses) {
  Rng rng(9);
  Tensor targets = Tensor::from_vector({1, 0, 1, 1, 0}, {5, 1}, test_device());
  expect_gradients_match([&](const auto& in) { return binary_cross_entropy_with_logits(in[0], targets); },
                         {values({5, 1}, rng, -3, 3)});
  expect_gradients_match([&](const auto& in) { return binary_cross_entropy(in[0], targets); },
                         {values({5, 1}, rng, 0.1f, 0.9f)});
  expect_gradients_match([&](const auto& in) { return mse_loss(in[0], in[1]); },
                         {values({5, 1}, rng), values({5, 1}, rng)});
  expect_gradients_match([&](const auto& in) { return hinge_loss(in[0], targets); },
                         {values({5, 1}, rng, -0.8f, 0.8f, 0.2f)});
  Tensor labels = Tensor::from_vector({0, 2, 1, 2}, {4}, test_device());
  expect_gradients_match([&](const auto& in) { return softmax_cross_entropy(in[0], labels); },
                         {values({4, 3}, rng)});
  // The targets of BCE can be differentiated too.
  expect_gradients_match([&](const auto& in) { return binary_cross_entropy_with_logits(in[0], in[1]); },
                         {values({3, 1}, rng), values({3, 1}, rng, 0.1f, 0.9f)});
}

TEST_P(GradCheck, InputFeatures) {
  Rng rng(10);
  const FeatureSet features = FeatureSet::parse("x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)");
  expect_gradients_match([&](const auto& in) { return features.apply(in[0]); }, {values({4, 2}, rng)});
}

TEST_P(GradCheck, GradientsAccumulateWhereAValueFeedsSeveralOps) {
  Tensor x = Tensor::scalar(3.0f, test_device()).set_requires_grad();
  Tensor y = x * x + x * 2.0f + exp(x * 0.0f);  // dy/dx = 2x + 2 = 8
  y.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 8.0f);
  // A second backward accumulates into the leaf; intermediate grads start afresh.
  Tensor z = x * x;
  z.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 14.0f);
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

INSTANTIATE_TEST_SUITE_P(Devices, GradCheck, ::testing::ValuesIn(testing::test_devices_and_emulated_cuda()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace bp
