// Forward values against independent computations; views, broadcasting, errors, the graph API.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "backprop/backprop.h"

namespace bp {
namespace {

std::vector<float> vec(const Tensor& t) { return t.to_vector(); }

TEST(Tensor, CreationAndElementAccess) {
  Tensor t = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.strides(), (Shape{3, 1}));
  EXPECT_FLOAT_EQ(t.at({1, 2}), 6.0f);
  EXPECT_EQ(vec(Tensor::zeros({2})), (std::vector<float>{0, 0}));
  EXPECT_EQ(vec(Tensor::arange(3)), (std::vector<float>{0, 1, 2}));
  EXPECT_FLOAT_EQ(Tensor::scalar(2.5f).item(), 2.5f);
  EXPECT_THROW(t.item(), ShapeError);
  EXPECT_THROW(t.at({2, 0}), ShapeError);
  EXPECT_THROW(Tensor::from_vector({1, 2}, {3}), ShapeError);
}

TEST(Tensor, SetAtWritesOneElementThroughTheBackendAndChecksEachAxis) {
  Tensor t = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  t.set_at({1, 0}, -7.5f);
  EXPECT_EQ(vec(t), (std::vector<float>{1, 2, 3, -7.5f, 5, 6}));
  // Through a transposed view: its strides, not row-major order.
  Tensor tt = t.T();
  tt.set_at({2, 0}, 9.0f);  // tt[2][0] is t[0][2]
  EXPECT_FLOAT_EQ(t.at({0, 2}), 9.0f);
  // Each axis is checked on its own: {0, 3} is not t's element 3 (row 1, column 0).
  EXPECT_THROW(t.set_at({0, 3}, 1.0f), ShapeError);
  EXPECT_THROW(t.set_at({-1, 0}, 1.0f), ShapeError);
  EXPECT_THROW(t.set_at({0}, 1.0f), ShapeError);
  EXPECT_EQ(vec(t), (std::vector<float>{1, 2, 9, -7.5f, 5, 6})) << "a refused write changes nothing";
}

TEST(Tensor, OneHotFromDeviceOpsAndItsErrorsNameTheRow) {
  const Tensor labels = Tensor::from_vector({2, 0, 1, 2}, {4});
  const Tensor oh = one_hot(labels, 3);
  EXPECT_EQ(oh.shape(), (Shape{4, 3}));
  EXPECT_EQ(vec(oh), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(oh.device(), labels.device());
  // From a strided view (every other label of a longer column).
  const Tensor col = Tensor::from_vector({1, 9, 0, 9}, {4}).slice(0, 0, 4, 2);
  EXPECT_EQ(vec(one_hot(col, 2)), (std::vector<float>{0, 1, 1, 0}));
  EXPECT_EQ(one_hot(Tensor::zeros({0}), 3).shape(), (Shape{0, 3}));
  for (float bad : {1.5f, -1.0f, 3.0f, NAN}) {
    try {
      one_hot(Tensor::from_vector({0, 1, bad}, {3}), 3);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("at row 2 is not a class in 0..2"), std::string::npos) << e.what();
    }
  }
}

TEST(Tensor, ViewsShareStorageWithoutCopying) {
  Tensor t = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor tt = t.T();
  EXPECT_EQ(tt.data(), t.data());
  EXPECT_FALSE(tt.is_contiguous());
  EXPECT_EQ(vec(tt), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  Tensor r = t.reshape({3, 2});
  EXPECT_EQ(r.data(), t.data());
  Tensor s = t.slice(1, 0, 3, 2);
  EXPECT_EQ(vec(s), (std::vector<float>{1, 3, 4, 6}));
  EXPECT_EQ(s.data(), t.data());
  Tensor b = Tensor::from_vector({1, 2, 3}, {3}).broadcast_to({2, 3});
  EXPECT_EQ(b.strides(), (Shape{0, 1}));
  EXPECT_EQ(vec(b), (std::vector<float>{1, 2, 3, 1, 2, 3}));
  // Reshaping a non-contiguous view copies; view() refuses.
  Tensor rc = tt.reshape({6});
  EXPECT_NE(rc.data(), t.data());
  EXPECT_EQ(vec(rc), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_THROW(tt.view({6}), ShapeError);
  EXPECT_EQ(t.reshape({-1, 2}).shape(), (Shape{3, 2}));
  EXPECT_EQ(t.permute({1, 0}).shape(), (Shape{3, 2}));
  EXPECT_EQ(t.unsqueeze(0).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(t.unsqueeze(-1).squeeze(2).shape(), (Shape{2, 3}));
}

TEST(Tensor, BroadcastingFollowsNumPyRules) {
  Tensor a = Tensor::from_vector({1, 2, 3}, {3, 1});
  Tensor b = Tensor::from_vector({10, 20}, {2});
  Tensor c = a + b;
  EXPECT_EQ(c.shape(), (Shape{3, 2}));
  EXPECT_EQ(vec(c), (std::vector<float>{11, 21, 12, 22, 13, 23}));
  EXPECT_EQ(vec(a * 2.0f), (std::vector<float>{2, 4, 6}));
  EXPECT_EQ(vec(1.0f - a), (std::vector<float>{0, -1, -2}));
  EXPECT_EQ(vec(6.0f / a), (std::vector<float>{6, 3, 2}));
}

TEST(Tensor, ShapeErrorsNameTheOpAndBothShapes) {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({4, 3});
  try {
    (void)add(a, b);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("add"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3]"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 3]"), std::string::npos) << m;
  }
  try {
    (void)matmul(a, b);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("matmul"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3]"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 3]"), std::string::npos) << m;
  }
  try {
    (void)sum(a, 2);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("sum"), std::string::npos) << m;
    EXPECT_NE(m.find("axis 2"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 3]"), std::string::npos) << m;
  }
  EXPECT_THROW((void)a.reshape({5}), ShapeError);
  EXPECT_THROW((void)a.permute({0, 0}), ShapeError);
  EXPECT_THROW((void)cat({a, Tensor::zeros({2, 2})}, 0), ShapeError);
  EXPECT_THROW((void)Tensor().shape(), ValueError);
}

TEST(Tensor, MatmulMatchesNaiveDoubleProductAcrossKernelEdges) {
  Rng rng(11);
  for (auto [m, k, n] : std::vector<std::array<int64_t, 3>>{
           {1, 1, 1}, {5, 3, 1}, {1, 7, 5}, {7, 2, 16}, {13, 300, 33}, {6, 16, 32}, {200, 16, 16}, {3, 5, 40},
           {200, 16, 1}, {37, 7, 1}, {37, 20, 1}, {33, 40, 1}, {17, 1, 16}, {40, 2, 70}, {16, 200, 16}, {2, 200, 16}, {24, 300, 32}, {20, 35, 48}}) {
    Tensor a = Tensor::uniform({m, k}, -1, 1, rng), b = Tensor::uniform({k, n}, -1, 1, rng);
    for (int layout = 0; layout < 3; ++layout) {
      // Same values, column-major strides: A (layout 1) or B (layout 2, as a Linear weight).
      Tensor aa = layout == 1 ? a.T().contiguous().T() : a;
      Tensor bb = layout == 2 ? b.T().contiguous().T() : b;
      Tensor c = matmul(aa, bb);
      const auto av = vec(a), bv = vec(b), cv = vec(c);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double s = 0;
          for (int64_t l = 0; l < k; ++l) s += static_cast<double>(av[i * k + l]) * bv[l * n + j];
          ASSERT_NEAR(cv[i * n + j], s, 1e-5 * (1 + std::sqrt(static_cast<double>(k))))
              << m << "x" << k << "x" << n << " at " << i << "," << j;
        }
    }
  }
}

// The fused Linear forward (bias and ReLU in the GEMM epilogue) against a naive double product,
// over widths that leave partial vectors and row counts that leave partial row blocks.
TEST(Tensor, FusedLinearReluMatchesNaiveProduct) {
  Rng rng(12);
  for (auto [m, k, n] : std::vector<std::array<int64_t, 3>>{
           {1, 2, 1}, {200, 16, 1}, {37, 3, 20}, {19, 64, 64}, {5, 7, 33}, {300, 2, 16}, {40, 300, 64}}) {
    Tensor x = Tensor::uniform({m, k}, -1, 1, rng), w = Tensor::uniform({n, k}, -1, 1, rng);
    Tensor b = Tensor::uniform({n}, -1, 1, rng);
    NoGradGuard no_grad;
    const auto xv = vec(x), wv = vec(w), bv = vec(b);
    const auto plain = vec(linear(x, w, b)), fused = vec(linear_relu_inference(x, w, b));
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = bv[static_cast<size_t>(j)];
        for (int64_t l = 0; l < k; ++l) s += static_cast<double>(xv[static_cast<size_t>(i * k + l)]) * wv[static_cast<size_t>(j * k + l)];
        const size_t at = static_cast<size_t>(i * n + j);
        ASSERT_NEAR(plain[at], s, 1e-5 * (1 + std::sqrt(static_cast<double>(k)))) << m << "x" << k << "x" << n;
        ASSERT_NEAR(fused[at], std::max(s, 0.0), 1e-5 * (1 + std::sqrt(static_cast<double>(k)))) << m << "x" << k << "x" << n;
      }
  }
}

// Linear's three gradients (input, weight, bias: one backend call) against naive double
// products, over widths on both sides of the one-pass kernels' limits (16 and 32 lanes, 16
// accumulators), with and without an input gradient, a transposed input, a broadcast output
// gradient, and more rows than the one-pass path takes.
TEST(Autograd, LinearGradientsMatchNaiveProducts) {
  Rng rng(13);
  struct Case {
    int64_t n, in, out;
  };
  std::vector<Case> cases;
  for (int64_t in : {1, 2, 5, 16, 17, 32, 33})
    for (int64_t out : {1, 2, 3, 8, 16, 17, 33})
      for (int64_t n : {1, 7, 45}) cases.push_back({n, in, out});
  cases.push_back({200, 16, 16});
  cases.push_back({200, 2, 16});
  cases.push_back({200, 16, 1});
  cases.push_back({9000, 3, 4});
  int variant = 0;
  for (const Case& c : cases) {
    ++variant;
    const bool x_grad = variant % 2 == 0, transposed = variant % 3 == 0, broadcast_g = variant % 5 == 0,
               with_bias = variant % 7 != 0;
    Tensor x = Tensor::uniform({c.n, c.in}, -1, 1, rng);
    if (transposed) x = x.T().contiguous().T();  // same values, column-major strides
    x.set_requires_grad(x_grad);
    Tensor w = Tensor::uniform({c.out, c.in}, -1, 1, rng).set_requires_grad();
    Tensor b = Tensor::uniform({c.out}, -1, 1, rng).set_requires_grad();
    // The output gradient is R (or one row of R broadcast over all rows).
    Tensor r = broadcast_g ? Tensor::uniform({1, c.out}, -1, 1, rng).broadcast_to({c.n, c.out})
                           : Tensor::uniform({c.n, c.out}, -1, 1, rng);
    Tensor y = linear(x, w, with_bias ? b : Tensor());
    y.backward(r);
    const auto xv = vec(x), wv = vec(w), rv = vec(r);
    const auto at = [](int64_t i, int64_t j, int64_t cols) { return static_cast<size_t>(i * cols + j); };
    // Float sums of `terms` products of values in [-1, 1]: relative error grows like √terms.
    const auto tol = [](double want, int64_t terms) {
      return 2e-6 * std::sqrt(static_cast<double>(terms)) * (1 + std::fabs(want));
    };
    const std::string what = std::to_string(c.n) + "x" + std::to_string(c.in) + "->" + std::to_string(c.out);
    const auto gw = vec(w.grad());
    for (int64_t o = 0; o < c.out; ++o)
      for (int64_t j = 0; j < c.in; ++j) {
        double s = 0;
        for (int64_t i = 0; i < c.n; ++i) s += static_cast<double>(rv[at(i, o, c.out)]) * xv[at(i, j, c.in)];
        ASSERT_NEAR(gw[at(o, j, c.in)], s, tol(s, c.n)) << "weight gradient, " << what;
      }
    if (with_bias) {
      const auto gb = vec(b.grad());
      for (int64_t o = 0; o < c.out; ++o) {
        double s = 0;
        for (int64_t i = 0; i < c.n; ++i) s += rv[at(i, o, c.out)];
        ASSERT_NEAR(gb[static_cast<size_t>(o)], s, tol(s, c.n)) << "bias gradient, " << what;
      }
    } else {
      EXPECT_FALSE(b.grad().defined());
    }
    if (!x_grad) {
      EXPECT_FALSE(x.grad().defined());
      continue;
    }
    const auto gx = vec(x.grad());
    for (int64_t i = 0; i < c.n; ++i)
      for (int64_t j = 0; j < c.in; ++j) {
        double s = 0;
        for (int64_t o = 0; o < c.out; ++o) s += static_cast<double>(rv[at(i, o, c.out)]) * wv[at(o, j, c.in)];
        ASSERT_NEAR(gx[at(i, j, c.in)], s, tol(s, c.out)) << "input gradient, " << what;
      }
  }
}

TEST(Tensor, BatchedMatmulBroadcastsBatchDimensions) {
  Tensor a = Tensor::arange(12).reshape({2, 2, 3});
  Tensor b = Tensor::from_vector({1, 0, 0, 1, 1, 1}, {3, 2});
  Tensor c = matmul(a, b);
  EXPECT_EQ(c.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(vec(c), (std::vector<float>{2, 3, 8, 9, 14, 15, 20, 21}));
}

TEST(Tensor, ReductionsAndSoftmax) {
  Tensor x = Tensor::from_vector({1, 5, 3, 4, 2, 6}, {2, 3});
  EXPECT_EQ(vec(sum(x, 0)), (std::vector<float>{5, 7, 9}));
  EXPECT_EQ(vec(sum(x, 1, true)), (std::vector<float>{9, 12}));
  EXPECT_EQ(sum(x, 1, true).shape(), (Shape{2, 1}));
  EXPECT_FLOAT_EQ(mean(x).item(), 3.5f);
  EXPECT_EQ(vec(max(x, 1)), (std::vector<float>{5, 6}));
  EXPECT_EQ(vec(argmax(x, 1)), (std::vector<float>{1, 2}));
  EXPECT_EQ(vec(argmax(x, 0)), (std::vector<float>{1, 0, 1}));
  const auto sm = vec(softmax(x, 1));
  for (int r = 0; r < 2; ++r) {
    const double* unused = nullptr;
    (void)unused;
    double denom = 0;
    for (int c = 0; c < 3; ++c) denom += std::exp(static_cast<double>(x.at({r, c})));
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(sm[r * 3 + c], std::exp(static_cast<double>(x.at({r, c}))) / denom, 1e-6);
  }
  // logsumexp stays finite where exp would overflow.
  Tensor big = Tensor::from_vector({1000, 1000}, {1, 2});
  EXPECT_NEAR(logsumexp(big, 1).item(), 1000 + std::log(2.0), 1e-3);
}

TEST(Tensor, ComparisonsWhereClamp) {
  Tensor a = Tensor::from_vector({1, 2, 3}, {3}), b = Tensor::from_vector({2, 2, 2}, {3});
  EXPECT_EQ(vec(lt(a, b)), (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(vec(le(a, b)), (std::vector<float>{1, 1, 0}));
  EXPECT_EQ(vec(gt(a, b)), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(vec(ge(a, b)), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(vec(eq(a, b)), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(vec(ne(a, b)), (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(vec(where(gt(a, b), a, b)), (std::vector<float>{2, 2, 3}));
  EXPECT_EQ(vec(clamp(a, 1.5f, 2.5f)), (std::vector<float>{1.5f, 2, 2.5f}));
  EXPECT_THROW(clamp(a, 2, 1), ValueError);
}

// The vectorised exp/log/tanh/sigmoid against the C library in double precision.
TEST(Tensor, ElementwiseFunctionsMatchLibmAcrossTheRange) {
  std::vector<float> xs;
  for (int i = -4000; i <= 4000; ++i) xs.push_back(static_cast<float>(i) * 0.02f);
  for (float e : {1e-30f, 1e-10f, 1e-4f, 0.3f, 0.6249f, 0.6251f, 5.0f, 80.0f, 88.0f}) {
    xs.push_back(e);
    xs.push_back(-e);
  }
  const Tensor x = Tensor::from_vector(xs, {static_cast<int64_t>(xs.size())});
  auto check = [&](const char* name, const Tensor& got, double (*ref)(double), bool positive_only) {
    const auto g = vec(got);
    for (size_t i = 0; i < xs.size(); ++i) {
      if (positive_only && xs[i] <= 0) continue;
      const double r = ref(static_cast<double>(xs[i]));
      if (!std::isfinite(r)) continue;
      EXPECT_NEAR(g[i], r, 4e-7 * std::max(1e-30, std::fabs(r)) + 1e-37) << name << "(" << xs[i] << ")";
    }
  };
  check("exp", exp(x), [](double v) { return std::exp(v); }, false);
  check("log", log(x), [](double v) { return std::log(v); }, true);
  check("tanh", tanh(x), [](double v) { return std::tanh(v); }, false);
  check("sigmoid", sigmoid(x), [](double v) { return 1.0 / (1.0 + std::exp(-v)); }, false);
  check("softplus", softplus(x), [](double v) { return std::log1p(std::exp(-std::fabs(v))) + std::max(v, 0.0); }, false);
}

TEST(Tensor, SpecialValuesPropagate) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  Tensor x = Tensor::from_vector({inf, -inf, nan, 0.0f, -1.0f}, {5});
  const auto e = vec(exp(x)), l = vec(log(x)), t = vec(tanh(x)), r = vec(relu(x));
  EXPECT_EQ(e[0], inf);
  EXPECT_EQ(e[1], 0.0f);
  EXPECT_TRUE(std::isnan(e[2]));
  EXPECT_EQ(l[0], inf);
  EXPECT_TRUE(std::isnan(l[2]));
  EXPECT_EQ(l[3], -inf);
  EXPECT_TRUE(std::isnan(l[4]));
  EXPECT_EQ(t[0], 1.0f);
  EXPECT_EQ(t[1], -1.0f);
  EXPECT_TRUE(std::isnan(t[2]));
  EXPECT_TRUE(std::isnan(r[2]));
  EXPECT_TRUE(std::isnan(max(x).item()));
  EXPECT_TRUE(std::isnan(sum(x).item()));
}

// Sequence numbers are counted per thread. An op on a fresh thread whose inputs were made on a
// thread that has counted much further must still number after them, or backward would visit
// an input before every use of it had added its share of the gradient.
TEST(Autograd, NodesBuiltFromAnotherThreadsTensorsNumberAfterThem) {
  for (int i = 0; i < 1000; ++i) (void)Tensor::scalar(1.0f);  // move this thread's count on
  Tensor a = Tensor::scalar(1.5f).set_requires_grad();
  Tensor b = a * a;  // b = a², made here
  Tensor c, d;
  std::thread worker([&] {
    c = b + 1.0f;  // made on a thread that has counted almost nothing
    d = c * b;     // d = (a² + 1)·a²
  });
  worker.join();
  EXPECT_GT(c.seq(), b.seq());
  EXPECT_GT(d.seq(), c.seq());
  const std::vector<Tensor> order = topological_order(d);
  for (size_t i = 1; i < order.size(); ++i) EXPECT_LT(order[i - 1].seq(), order[i].seq());
  d.backward();
  // dd/da = (4a³ + 2a)
  EXPECT_NEAR(a.grad().item(), 4 * 1.5 * 1.5 * 1.5 + 2 * 1.5, 1e-5);
}

TEST(Autograd, GraphRecordsOpsInputsValuesAndGradients) {
  Tensor a = Tensor::scalar(2.0f).set_requires_grad().set_name("a");
  Tensor b = Tensor::scalar(-3.0f).set_requires_grad().set_name("b");
  Tensor c = a * b;
  Tensor d = tanh(c + 5.0f);
  const std::vector<Tensor> order = topological_order(d);
  ASSERT_EQ(order.size(), 5u);
  EXPECT_TRUE(order.back().is_same(d));
  for (size_t i = 1; i < order.size(); ++i) EXPECT_LT(order[i - 1].seq(), order[i].seq());
  EXPECT_STREQ(d.op_name(), "tanh");
  EXPECT_STREQ(c.op_name(), "mul");
  EXPECT_STREQ(a.op_name(), "leaf");
  ASSERT_EQ(c.inputs().size(), 2u);
  EXPECT_TRUE(c.inputs()[0].is_same(a));
  d.backward();
  // d = tanh(ab + 5) = tanh(-1); dd/dc = 1 − tanh²(−1)
  const double t = std::tanh(-1.0), dc = 1 - t * t;
  EXPECT_NEAR(d.item(), t, 1e-6);
  EXPECT_NEAR(c.grad().item(), dc, 1e-6);
  EXPECT_NEAR(a.grad().item(), dc * -3.0, 1e-6);
  EXPECT_NEAR(b.grad().item(), dc * 2.0, 1e-6);
}

TEST(Autograd, NoGradDetachAndRequiresGrad) {
  Tensor w = Tensor::ones({2}).set_requires_grad();
  {
    NoGradGuard guard;
    EXPECT_FALSE(is_grad_enabled());
    Tensor y = w * 2.0f;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_TRUE(y.is_leaf());
  }
  EXPECT_TRUE(is_grad_enabled());
  {
    // EnableGradGuard records again inside a NoGradGuard, and restores it.
    NoGradGuard guard;
    {
      EnableGradGuard on;
      EXPECT_TRUE(is_grad_enabled());
      EXPECT_TRUE((w * 2.0f).requires_grad());
    }
    EXPECT_FALSE(is_grad_enabled());
  }
  Tensor y = w.detach() * 2.0f;
  EXPECT_FALSE(y.requires_grad());
  EXPECT_THROW(y.backward(), ValueError);
  Tensor z = sum(w * 3.0f);
  EXPECT_THROW((w * 3.0f).backward(), ShapeError);  // needs a seed
  z.backward();
  EXPECT_EQ(vec(w.grad()), (std::vector<float>{3, 3}));
  // A non-scalar root takes an explicit seed.
  w.zero_grad();
  (w * 3.0f).backward(Tensor::from_vector({1, 2}, {2}));
  EXPECT_EQ(vec(w.grad()), (std::vector<float>{3, 6}));
}

TEST(Device, CpuAlwaysWorksAndCudaExplainsItself) {
  EXPECT_EQ(parse_device("cpu"), Device::cpu());
  EXPECT_EQ(parse_device("cuda:1"), Device::cuda(1));
  EXPECT_THROW(parse_device("tpu"), ValueError);
  if (!cuda_available()) {
    EXPECT_FALSE(cuda_unavailable_reason().empty());
    EXPECT_THROW(Tensor::zeros({2}, Device::cuda()), DeviceError);
  }
}

}  // namespace
}  // namespace bp
