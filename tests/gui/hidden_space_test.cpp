// The hidden-space view against a network written out in double precision: the points and the
// grid's lines mapped to a hidden layer equal a forward pass, the principal components are the
// top eigenvectors of the activations' covariance, and the output's line separates exactly the
// points the network classifies as class 1.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backprop/errors.h"
#include "model/hidden_space.h"
#include "reference_mlp.h"

namespace bp::studio {
namespace {

struct Net {
  TrainConfig config;
  std::vector<LayerWeights> weights;
  std::vector<StudioPoint> points;
  explicit Net(std::vector<int64_t> hidden, uint64_t seed = 5) {
    config.hidden = hidden;
    config.activations = {Activation::Tanh};
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::uniform_real_distribution<float> u(-1.2f, 1.2f);
    int64_t in = 2;
    hidden.push_back(1);
    for (int64_t out : hidden) {
      LayerWeights l{in, out, {}, {}};
      for (int64_t i = 0; i < in * out; ++i) l.weight.push_back(u(rng));
      for (int64_t i = 0; i < out; ++i) l.bias.push_back(0.5f * u(rng));
      weights.push_back(l);
      in = out;
    }
    for (int i = 0; i < 150; ++i) points.push_back({4 * u(rng), 4 * u(rng), static_cast<float>(i % 2), i % 5 == 0});
  }
};

const Region kPlane{-6, 6, -5, 5};

TEST(HiddenSpace, PointsAndGridLinesAreTheForwardPassOnTwoNeurons) {
  const Net net({5, 3});
  const reference::Mlp ref(net.weights, net.config.activations);
  HiddenSpaceRequest req;
  req.layer = 1, req.x = 2, req.y = 0, req.grid_lines = 5, req.line_samples = 7;
  const HiddenSpace hs = hidden_space(net.config, net.weights, net.points, kPlane, req);
  EXPECT_EQ(hs.width, 3);
  EXPECT_FALSE(hs.pca);
  ASSERT_EQ(hs.points.size(), net.points.size());
  for (size_t i = 0; i < net.points.size(); ++i) {
    const auto h = ref.forward(net.points[i].x, net.points[i].y, 1);
    EXPECT_NEAR(hs.points[i][0], h[2], 1e-5);
    EXPECT_NEAR(hs.points[i][1], h[0], 1e-5);
    EXPECT_EQ(hs.labels[i], net.points[i].label);
    EXPECT_EQ(hs.test[i], net.points[i].test);
  }
  ASSERT_EQ(hs.lines.size(), 10u);
  for (size_t line = 0; line < hs.lines.size(); ++line) {
    ASSERT_EQ(hs.lines[line].size(), 7u);
    for (size_t k = 0; k < 7; ++k) {
      const double a = static_cast<double>(line % 5) / 4, b = static_cast<double>(k) / 6;
      const double u = line < 5 ? a : b, v = line < 5 ? b : a;  // the first five: x fixed
      const auto h = ref.forward(-6 + 12 * u, -5 + 10 * v, 1);
      EXPECT_NEAR(hs.lines[line][k][0], h[2], 1e-5) << "line " << line << " sample " << k;
      EXPECT_NEAR(hs.lines[line][k][1], h[0], 1e-5);
    }
  }
}

TEST(HiddenSpace, PrincipalComponentsAreTheCovariancesTopEigenvectors) {
  const Net net({6, 5}, 11);
  const reference::Mlp ref(net.weights, net.config.activations);
  HiddenSpaceRequest req;
  req.layer = 1;
  const HiddenSpace hs = hidden_space(net.config, net.weights, net.points, kPlane, req);
  ASSERT_TRUE(hs.pca);
  // The covariance of the training points' activations, in double.
  const int w = 5;
  std::vector<std::vector<double>> acts;
  for (const StudioPoint& p : net.points)
    if (!p.test) acts.push_back(ref.forward(p.x, p.y, 1));
  std::vector<double> mean(w, 0.0);
  for (const auto& a : acts)
    for (int j = 0; j < w; ++j) mean[j] += a[j] / static_cast<double>(acts.size());
  std::vector<double> cov(w * w, 0.0);
  for (const auto& a : acts)
    for (int i = 0; i < w; ++i)
      for (int j = 0; j < w; ++j) cov[i * w + j] += (a[i] - mean[i]) * (a[j] - mean[j]) / static_cast<double>(acts.size());
  auto rayleigh = [&](const std::vector<double>& v) {
    double s = 0;
    for (int i = 0; i < w; ++i)
      for (int j = 0; j < w; ++j) s += v[i] * cov[i * w + j] * v[j];
    return s;
  };
  double trace = 0;
  for (int i = 0; i < w; ++i) trace += cov[i * w + i];
  std::array<double, 2> lambda{};
  for (int k = 0; k < 2; ++k) {
    const std::vector<double>& v = hs.components[k];
    double norm = 0;
    for (double e : v) norm += e * e;
    EXPECT_NEAR(norm, 1, 1e-9);
    lambda[k] = rayleigh(v);
    for (int i = 0; i < w; ++i) {  // C v = λ v
      double cv = 0;
      for (int j = 0; j < w; ++j) cv += cov[i * w + j] * v[j];
      EXPECT_NEAR(cv, lambda[k] * v[i], 1e-6);
    }
    EXPECT_NEAR(hs.explained[k], lambda[k] / trace, 1e-6);
  }
  double dot = 0;
  for (int i = 0; i < w; ++i) dot += hs.components[0][i] * hs.components[1][i];
  EXPECT_NEAR(dot, 0, 1e-9);
  EXPECT_GE(lambda[0], lambda[1]);
  // No direction has more variance than the first, and none orthogonal to it more than the second.
  std::mt19937 rng(3);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<double> u(w);
    for (double& e : u) e = g(rng);
    double d = 0, n = 0;
    for (int i = 0; i < w; ++i) n += u[i] * u[i];
    for (double& e : u) e /= std::sqrt(n);
    EXPECT_LE(rayleigh(u), lambda[0] + 1e-9);
    for (int i = 0; i < w; ++i) d += u[i] * hs.components[0][i];
    for (int i = 0; i < w; ++i) u[i] -= d * hs.components[0][i];
    n = 0;
    for (double e : u) n += e * e;
    for (double& e : u) e /= std::sqrt(n);
    EXPECT_LE(rayleigh(u), lambda[1] + 1e-9);
  }
  // The points are their centred activations projected on the components.
  for (size_t i = 0; i < net.points.size(); ++i) {
    const auto a = ref.forward(net.points[i].x, net.points[i].y, 1);
    for (int k = 0; k < 2; ++k) {
      double s = 0;
      for (int j = 0; j < w; ++j) s += (a[j] - mean[j]) * hs.components[k][j];
      EXPECT_NEAR(hs.points[i][k], s, 1e-5);
    }
  }
}

TEST(HiddenSpace, AZeroLayerPutsEveryPointOnOneSpotAndSaysSo) {
  // Zero weights (--init zeros): every point has the same activations, so their variance is 0
  // and "0 % of the variance" meant nothing; the view says instead that they all land on one
  // spot. A trained-looking layer does not.
  Net net({4});
  HiddenSpaceRequest req;
  req.layer = 0;
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).one_spot);
  req.x = 1, req.y = 3;
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).one_spot);
  for (LayerWeights& l : net.weights) std::fill(l.weight.begin(), l.weight.end(), 0.0f), std::fill(l.bias.begin(), l.bias.end(), 0.0f);
  net.weights[0].bias[1] = 0.3f;  // a constant is still one spot
  const HiddenSpace neurons = hidden_space(net.config, net.weights, net.points, kPlane, req);
  EXPECT_TRUE(neurons.one_spot);
  req.x = req.y = -1;  // principal components
  const HiddenSpace pca = hidden_space(net.config, net.weights, net.points, kPlane, req);
  EXPECT_TRUE(pca.pca);
  EXPECT_TRUE(pca.one_spot);
  EXPECT_EQ(pca.explained[0], 0.0);
}

TEST(HiddenSpace, ALayerOfCopiesPutsEveryPointOnOneLineAndSaysSo) {
  // Four neurons that are copies of one another (a sigmoid network started at zero weights):
  // the points vary along one direction only. PC1 read "100 % of the variance" with no word on
  // why; the view says the layer passes on one number per point. The same layer with one
  // neuron's weights changed does not, nor does a random layer.
  Net net({4});
  HiddenSpaceRequest req;
  req.layer = 0;
  req.x = req.y = -1;  // principal components
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).one_line);
  LayerWeights& first = net.weights[0];
  for (int64_t j = 1; j < first.out; ++j) {
    for (int64_t i = 0; i < first.in; ++i) first.weight[static_cast<size_t>(j * first.in + i)] = first.weight[static_cast<size_t>(i)];
    first.bias[static_cast<size_t>(j)] = first.bias[0];
  }
  const HiddenSpace copies = hidden_space(net.config, net.weights, net.points, kPlane, req);
  EXPECT_TRUE(copies.one_line);
  EXPECT_FALSE(copies.one_spot);
  EXPECT_GT(copies.explained[0], 0.999999);
  first.weight[first.weight.size() - 1] += 0.5f;  // the last neuron differs: two directions
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).one_line);
  // On two neurons' axes there is no claim about lines.
  req.x = 0, req.y = 1;
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).one_line);
}

TEST(HiddenSpace, TopTwoEigenOfAKnownMatrix) {
  // diag(1, 5, 3) turned by a rotation R: eigenvalues 5 and 3 with R's columns 2 and 3.
  const double c = std::cos(0.7), s = std::sin(0.7);
  const double R[3][3] = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}, D[3] = {1, 5, 3};
  std::vector<double> m(9, 0.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) m[i * 3 + j] += R[i][k] * D[k] * R[j][k];
  const auto top = top_two_eigen(m, 3);
  EXPECT_NEAR(top[0].first, 5, 1e-12);
  EXPECT_NEAR(top[1].first, 3, 1e-12);
  EXPECT_NEAR(std::abs(top[0].second[0]), s, 1e-12);  // ±(−s, c, 0), the largest entry positive
  EXPECT_NEAR(top[0].second[1], c, 1e-12);
  EXPECT_NEAR(top[1].second[2], 1, 1e-12);
}

TEST(HiddenSpace, TheOutputsLineSeparatesWhatTheNetworkClassifies) {
  Net net({6, 2}, 17);
  const reference::Mlp ref(net.weights, net.config.activations);
  HiddenSpaceRequest req;
  req.layer = 1, req.x = 0, req.y = 1;
  const HiddenSpace hs = hidden_space(net.config, net.weights, net.points, kPlane, req);
  ASSERT_TRUE(hs.has_boundary);
  int agree = 0;
  for (size_t i = 0; i < net.points.size(); ++i) {
    const double logit = ref.forward(net.points[i].x, net.points[i].y, 2)[0];
    const double side = hs.boundary[0] * hs.points[i][0] + hs.boundary[1] * hs.points[i][1] + hs.boundary[2];
    EXPECT_NEAR(side, logit, 1e-5);
    agree += (side > 0) == (logit > 0);
  }
  EXPECT_EQ(agree, static_cast<int>(net.points.size()));
  // Principal components, or an earlier layer: no line (the output is not linear there).
  req.x = req.y = -1;
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).has_boundary);
  req.layer = 0, req.x = 0, req.y = 1;
  EXPECT_FALSE(hidden_space(net.config, net.weights, net.points, kPlane, req).has_boundary);
}

TEST(HiddenSpace, NoHiddenLayerOrNoSuchNeuronIsRefused) {
  const Net flat({});
  EXPECT_THROW(hidden_space(flat.config, flat.weights, flat.points, kPlane, {}), ValueError);
  const Net net({4});
  HiddenSpaceRequest req;
  req.layer = 1;
  EXPECT_THROW(hidden_space(net.config, net.weights, net.points, kPlane, req), ValueError);
  req.layer = 0, req.x = 4, req.y = 0;
  EXPECT_THROW(hidden_space(net.config, net.weights, net.points, kPlane, req), ValueError);
  // A one-neuron layer still maps (its second principal component is zero).
  const Net thin({1});
  const HiddenSpace hs = hidden_space(thin.config, thin.weights, thin.points, kPlane, {});
  EXPECT_EQ(hs.width, 1);
  for (const auto& p : hs.points) EXPECT_EQ(p[1], 0.0f);
}

}  // namespace
}  // namespace bp::studio
