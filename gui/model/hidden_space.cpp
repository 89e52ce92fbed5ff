#include "model/hidden_space.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/features.h"

namespace bp::studio {

std::array<std::pair<double, std::vector<double>>, 2> top_two_eigen(const std::vector<double>& c, int n) {
  // Cyclic Jacobi: rotate away the off-diagonal entries; the diagonal becomes the eigenvalues and
  // the accumulated rotations the eigenvectors (columns of v).
  std::vector<double> a = c, v(static_cast<size_t>(n * n), 0.0);
  auto A = [&](int i, int j) -> double& { return a[static_cast<size_t>(i * n + j)]; };
  auto V = [&](int i, int j) -> double& { return v[static_cast<size_t>(i * n + j)]; };
  for (int i = 0; i < n; ++i) V(i, i) = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) (i == j ? diag : off) += A(i, j) * A(i, j);
    if (off <= 1e-30 * std::max(diag, 1e-300)) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (A(p, q) == 0) continue;
        const double theta = (A(q, q) - A(p, p)) / (2 * A(p, q));
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double cs = 1 / std::sqrt(t * t + 1), sn = t * cs;
        for (int k = 0; k < n; ++k) {  // columns p and q
          const double akp = A(k, p), akq = A(k, q);
          A(k, p) = cs * akp - sn * akq;
          A(k, q) = sn * akp + cs * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p and q
          const double apk = A(p, k), aqk = A(q, k);
          A(p, k) = cs * apk - sn * aqk;
          A(q, k) = sn * apk + cs * aqk;
        }
        for (int k = 0; k < n; ++k) {
          const double vkp = V(k, p), vkq = V(k, q);
          V(k, p) = cs * vkp - sn * vkq;
          V(k, q) = sn * vkp + cs * vkq;
        }
      }
  }
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) { return A(i, i) > A(j, j); });
  std::array<std::pair<double, std::vector<double>>, 2> out;
  for (int k = 0; k < 2; ++k) {
    std::vector<double> vec(static_cast<size_t>(n), 0.0);
    if (k < n) {
      const int col = order[static_cast<size_t>(k)];
      for (int i = 0; i < n; ++i) vec[static_cast<size_t>(i)] = V(i, col);
      // A fixed sign (the largest entry positive), so that the picture does not flip between
      // frames while training.
      const auto big = std::max_element(vec.begin(), vec.end(), [](double x, double y) { return std::abs(x) < std::abs(y); });
      if (*big < 0)
        for (double& e : vec) e = -e;
      out[static_cast<size_t>(k)] = {A(col, col), vec};
    } else {
      out[static_cast<size_t>(k)] = {0.0, vec};
    }
  }
  return out;
}

HiddenSpace hidden_space(const TrainConfig& config, const std::vector<LayerWeights>& weights, const std::vector<StudioPoint>& points,
                         const Region& plane, const HiddenSpaceRequest& req) {
  const std::shared_ptr<MLP> model = network_with_weights(config, weights);
  if (!model) throw ValueError("the network is being rebuilt");
  const int hidden = static_cast<int>(weights.size()) - 1;
  if (hidden < 1) throw ValueError("this network has no hidden layer: add one to see its hidden space");
  if (req.layer < 0 || req.layer >= hidden) throw ValueError("no hidden layer " + std::to_string(req.layer + 1) + " (the network has " + std::to_string(hidden) + ")");
  HiddenSpace hs;
  hs.layer = req.layer;
  hs.width = static_cast<int>(weights[static_cast<size_t>(req.layer)].out);
  hs.pca = req.x < 0 && req.y < 0;
  if (!hs.pca) {
    if (req.x < 0 || req.y < 0 || req.x >= hs.width || req.y >= hs.width)
      throw ValueError("hidden layer " + std::to_string(req.layer + 1) + " has neurons 1 to " + std::to_string(hs.width));
    hs.x = req.x, hs.y = req.y;
  }

  // One batch: the points (evenly spread when there are many), then the grid's lines.
  const size_t n = points.size(), m = std::min(n, kHiddenSpaceMaxPoints);
  std::vector<float> xy;
  xy.reserve((m + static_cast<size_t>(2 * req.grid_lines * req.line_samples)) * 2);
  for (size_t i = 0; i < m; ++i) {
    const StudioPoint& p = points[i * n / m];
    xy.push_back(p.x), xy.push_back(p.y);
    hs.labels.push_back(p.label);
    hs.test.push_back(p.test);
  }
  const int gl = std::max(2, req.grid_lines), ls = std::max(2, req.line_samples);
  for (int dir = 0; dir < 2; ++dir)
    for (int i = 0; i < gl; ++i)
      for (int k = 0; k < ls; ++k) {
        const float a = static_cast<float>(i) / static_cast<float>(gl - 1), b = static_cast<float>(k) / static_cast<float>(ls - 1);
        const float u = dir == 0 ? a : b, v = dir == 0 ? b : a;  // dir 0: x fixed along the line
        xy.push_back(plane.x_min + u * (plane.x_max - plane.x_min));
        xy.push_back(plane.y_min + v * (plane.y_max - plane.y_min));
      }
  const int64_t rows = static_cast<int64_t>(xy.size() / 2);
  NoGradGuard g;
  const FeatureSet features(config.features);
  Tensor h = features.apply(Tensor::from_vector(xy, {rows, 2}, model->device()));
  // Through the layers up to the activation after Linear layer req.layer.
  Sequential& layers = model->layers();
  int linear_seen = -1;
  for (size_t i = 0; i < layers.size(); ++i) {
    const bool is_linear = dynamic_cast<Linear*>(layers[i].get()) != nullptr;
    if (is_linear && linear_seen == req.layer) break;  // the next Linear: stop before it
    if (is_linear) ++linear_seen;
    h = layers[i]->forward(h);
  }
  const std::vector<float> act = h.contiguous().to_vector();
  const int w = hs.width;
  auto at = [&](size_t row, int j) { return static_cast<double>(act[row * static_cast<size_t>(w) + static_cast<size_t>(j)]); };

  std::function<std::array<float, 2>(size_t)> project;
  if (hs.pca) {
    // Principal components of the training points' activations.
    std::vector<size_t> train_rows;
    for (size_t i = 0; i < m; ++i)
      if (!hs.test[i]) train_rows.push_back(i);
    if (train_rows.empty())
      for (size_t i = 0; i < m; ++i) train_rows.push_back(i);
    hs.mean.assign(static_cast<size_t>(w), 0.0);
    std::vector<double> cov(static_cast<size_t>(w * w), 0.0);
    if (!train_rows.empty()) {
      for (size_t r : train_rows)
        for (int j = 0; j < w; ++j) hs.mean[static_cast<size_t>(j)] += at(r, j);
      for (double& v : hs.mean) v /= static_cast<double>(train_rows.size());
      for (size_t r : train_rows)
        for (int i = 0; i < w; ++i)
          for (int j = 0; j < w; ++j)
            cov[static_cast<size_t>(i * w + j)] += (at(r, i) - hs.mean[static_cast<size_t>(i)]) * (at(r, j) - hs.mean[static_cast<size_t>(j)]);
      for (double& v : cov) v /= static_cast<double>(train_rows.size());
    }
    const auto top = top_two_eigen(cov, w);
    double trace = 0;
    for (int i = 0; i < w; ++i) trace += cov[static_cast<size_t>(i * w + i)];
    for (int k = 0; k < 2; ++k) {
      hs.components[static_cast<size_t>(k)] = top[static_cast<size_t>(k)].second;
      hs.explained[static_cast<size_t>(k)] = trace > 0 ? std::max(0.0, top[static_cast<size_t>(k)].first) / trace : 0.0;
    }
    project = [&](size_t r) {
      std::array<float, 2> out{};
      for (int k = 0; k < 2; ++k) {
        double s = 0;
        for (int j = 0; j < w; ++j) s += (at(r, j) - hs.mean[static_cast<size_t>(j)]) * hs.components[static_cast<size_t>(k)][static_cast<size_t>(j)];
        out[static_cast<size_t>(k)] = static_cast<float>(s);
      }
      return out;
    };
  } else {
    project = [&](size_t r) { return std::array<float, 2>{static_cast<float>(at(r, hs.x)), static_cast<float>(at(r, hs.y))}; };
  }
  for (size_t i = 0; i < m; ++i) hs.points.push_back(project(i));
  hs.one_spot = m > 0 && std::all_of(hs.points.begin(), hs.points.end(), [&](const std::array<float, 2>& p) { return p == hs.points.front(); });
  hs.one_line = hs.pca && !hs.one_spot && w > 1 && hs.explained[1] < 1e-6;
  size_t r = m;
  for (int line = 0; line < 2 * gl; ++line) {
    hs.lines.emplace_back();
    for (int k = 0; k < ls; ++k) hs.lines.back().push_back(project(r++));
  }
  // The output's line: binary, the last hidden layer, its two neurons on the axes.
  const LayerWeights& out = weights.back();
  if (config.problem == Problem::Binary && out.out == 1 && req.layer == hidden - 1 && w == 2 && !hs.pca) {
    const double a = out.weight[static_cast<size_t>(hs.x)], b = out.weight[static_cast<size_t>(hs.y)];
    if (hs.x != hs.y && (a != 0 || b != 0)) {
      hs.has_boundary = true;
      hs.boundary = {a, b, static_cast<double>(out.bias[0])};
    }
  }
  return hs;
}

}  // namespace bp::studio
