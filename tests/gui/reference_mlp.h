// A multilayer perceptron written out by hand in double precision, for the views' tests: the
// independent computation their numbers must match. Inputs are the raw (x, y) of each point (the
// x1, x2 features); hidden layers use tanh, ReLU or sigmoid; the loss is the mean binary
// cross-entropy of the output logit.
#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "backprop/data.h"
#include "backprop/init.h"
#include "backprop/train.h"
#include "backprop/nn.h"
#include "model/app_model.h"

namespace bp::studio::reference {

struct Mlp {
  std::vector<std::vector<double>> w, b;  // per layer: out × in, out
  std::vector<int64_t> in, out;
  std::vector<Activation> act;           // per hidden layer

  Mlp(const std::vector<LayerWeights>& layers, const std::vector<Activation>& activations) {
    for (const LayerWeights& l : layers) {
      w.emplace_back(l.weight.begin(), l.weight.end());
      b.emplace_back(l.bias.begin(), l.bias.end());
      in.push_back(l.in);
      out.push_back(l.out);
    }
    for (size_t i = 0; i + 1 < layers.size(); ++i) act.push_back(activations.size() == 1 ? activations[0] : activations.at(i));
  }

  static double apply(Activation a, double z) {
    switch (a) {
      case Activation::Tanh: return std::tanh(z);
      case Activation::ReLU: return std::max(0.0, z);
      case Activation::Sigmoid: return 1 / (1 + std::exp(-z));
      default: throw std::invalid_argument("reference MLP: tanh, relu or sigmoid only");
    }
  }

  /// The values after Linear layer `upto` (its activation applied unless it is the last layer):
  /// upto = 0 is the first hidden layer; the last index gives the output logits.
  std::vector<double> forward(double x, double y, size_t upto) const {
    std::vector<double> h{x, y};
    for (size_t l = 0; l <= upto; ++l) {
      std::vector<double> next(static_cast<size_t>(out[l]));
      for (int64_t j = 0; j < out[l]; ++j) {
        double z = b[l][static_cast<size_t>(j)];
        for (int64_t i = 0; i < in[l]; ++i) z += w[l][static_cast<size_t>(j * in[l] + i)] * h[static_cast<size_t>(i)];
        next[static_cast<size_t>(j)] = l + 1 < w.size() ? apply(act[l], z) : z;
      }
      h = std::move(next);
    }
    return h;
  }

  /// The mean binary cross-entropy (from the logit) over `points`.
  double bce(const std::vector<Point>& points) const {
    double total = 0;
    for (const Point& p : points) {
      const double z = forward(p.x, p.y, w.size() - 1)[0];
      total += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - z * p.label;
    }
    return total / static_cast<double>(points.size());
  }

  /// ∂bce/∂(every weight and bias) by central differences in double, shaped as LayerWeights.
  std::vector<std::vector<double>> gradient(const std::vector<Point>& points, bool bias, double h = 1e-6) {
    std::vector<std::vector<double>> g;
    for (size_t l = 0; l < w.size(); ++l) {
      std::vector<double>& p = bias ? b[l] : w[l];
      g.emplace_back();
      for (double& v : p) {
        const double keep = v;
        v = keep + h;
        const double up = bce(points);
        v = keep - h;
        const double down = bce(points);
        v = keep;
        g.back().push_back((up - down) / (2 * h));
      }
    }
    return g;
  }
};

/// The small network the tangent and landscape tests share: 2-3-1 tanh with fixed random
/// weights, on 60 XOR points, learning rate `lr`, full batches.
struct SmallNet {
  TrainConfig config;
  std::vector<LayerWeights> weights;
  Dataset train;
  explicit SmallNet(float lr) {
    config.hidden = {3};
    config.activations = {Activation::Tanh};
    config.lr = lr;
    config.batch_size = 0;
    Rng rng(7);
    weights = {{2, 3, {}, {}}, {3, 1, {}, {}}};
    for (LayerWeights& l : weights) {
      for (int64_t i = 0; i < l.in * l.out; ++i) l.weight.push_back(rng.uniform(-1.5f, 1.5f));
      for (int64_t i = 0; i < l.out; ++i) l.bias.push_back(rng.uniform(-0.5f, 0.5f));
    }
    train = make_dataset("xor", 60, 0.0f, 3);
  }
  /// The double-precision loss with the weights `w`.
  double loss(const std::vector<LayerWeights>& w) const { return Mlp(w, config.activations).bce(train.points); }
};

}  // namespace bp::studio::reference
