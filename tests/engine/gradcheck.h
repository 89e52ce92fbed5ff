// Checks autodiff gradients against central differences of the same float32 function, on the
// device the test runs on (test_device(): suites parameterised over devices set it).
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "backprop/backprop.h"
#include "test_devices.h"

namespace bp::testing {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

/// Compares d/dinputs of sum(f(inputs) · R), for a fixed random R, with central differences.
inline void expect_gradients_match(const Fn& f, std::vector<Tensor> inputs, uint64_t seed = 7,
                                   float eps = 1e-2f, float tol = 2e-2f) {
  for (auto& t : inputs) t.set_requires_grad(true);
  Tensor out = f(inputs);
  Rng rng(seed);
  const Tensor weights = Tensor::uniform(out.shape(), 0.5f, 1.5f, rng, out.device());
  auto objective = [&](const std::vector<Tensor>& in) {
    NoGradGuard g;
    const std::vector<float> o = f(in).to_vector(), w = weights.to_vector();
    double s = 0.0;
    for (size_t i = 0; i < o.size(); ++i) s += static_cast<double>(o[i]) * w[i];
    return s;
  };
  for (auto& t : inputs) t.zero_grad();
  sum(mul(out, weights)).backward();
  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    ASSERT_TRUE(x.grad().defined()) << "input " << k << " got no gradient";
    EXPECT_TRUE(x.device() == test_device() && x.grad().device() == test_device())
        << "input " << k << " is on " << x.device().str() << ", its gradient on " << x.grad().device().str() << ", the test on "
        << test_device().str();
    ASSERT_EQ(x.grad().shape(), x.shape());
    const std::vector<float> analytic = x.grad().to_vector();
    std::vector<float> values = x.to_vector();
    for (size_t i = 0; i < values.size(); ++i) {
      const float orig = values[i];
      values[i] = orig + eps;
      std::vector<Tensor> plus = inputs;
      plus[k] = Tensor::from_vector(values, x.shape(), x.device());
      const double fp = objective(plus);
      values[i] = orig - eps;
      std::vector<Tensor> minus = inputs;
      minus[k] = Tensor::from_vector(values, x.shape(), x.device());
      const double fm = objective(minus);
      values[i] = orig;
      const double numeric = (fp - fm) / (2.0 * eps);
      EXPECT_NEAR(analytic[i], numeric, tol * std::max(1.0, std::fabs(numeric)))
          << "input " << k << " element " << i << " of shape " << x.shape().str();
    }
  }
}

}  // namespace bp::testing
