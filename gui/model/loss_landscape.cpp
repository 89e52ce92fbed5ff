#include "model/loss_landscape.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/init.h"
#include "model/chart_axes.h"

namespace bp::studio {

std::vector<double> flatten(const std::vector<LayerWeights>& w) {
  std::vector<double> theta;
  for (const LayerWeights& l : w) {
    theta.insert(theta.end(), l.weight.begin(), l.weight.end());
    theta.insert(theta.end(), l.bias.begin(), l.bias.end());
  }
  return theta;
}

std::vector<LayerWeights> with_values(const std::vector<LayerWeights>& shape, const std::vector<double>& theta) {
  std::vector<LayerWeights> out = shape;
  size_t k = 0;
  for (LayerWeights& l : out)
    for (auto* part : {&l.weight, &l.bias})
      for (float& v : *part) v = static_cast<float>(theta.at(k++));
  return out;
}

size_t flat_index(const std::vector<LayerWeights>& shape, const ParameterRef& p) {
  if (p.layer < 0 || static_cast<size_t>(p.layer) >= shape.size()) throw ValueError("no layer " + std::to_string(p.layer + 1));
  size_t offset = 0;
  for (int l = 0; l < p.layer; ++l) offset += shape[static_cast<size_t>(l)].weight.size() + shape[static_cast<size_t>(l)].bias.size();
  const LayerWeights& l = shape[static_cast<size_t>(p.layer)];
  if (p.out < 0 || p.out >= l.out || (!p.bias && (p.in < 0 || p.in >= l.in))) throw ValueError("no parameter " + parameter_label(p));
  return offset + static_cast<size_t>(p.bias ? l.weight.size() + static_cast<size_t>(p.out) : static_cast<size_t>(p.out * l.in + p.in));
}

std::vector<double> filter_normalised_direction(const std::vector<LayerWeights>& w, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  std::vector<double> d;
  for (const LayerWeights& l : w) {
    for (int64_t o = 0; o < l.out; ++o) {
      std::vector<double> row(static_cast<size_t>(l.in));
      double rn = 0, wn = 0;
      for (int64_t i = 0; i < l.in; ++i) {
        row[static_cast<size_t>(i)] = gauss(rng);
        rn += row[static_cast<size_t>(i)] * row[static_cast<size_t>(i)];
        const double v = l.weight[static_cast<size_t>(o * l.in + i)];
        wn += v * v;
      }
      const double scale = rn > 0 ? std::sqrt(wn / rn) : 0.0;
      for (double v : row) d.push_back(v * scale);
    }
    d.insert(d.end(), l.bias.size(), 0.0);
  }
  return d;
}

std::string Landscape::readout(int i, int j) const {
  const double alpha = coordinate(i), beta = coordinate(j);
  const size_t cell = static_cast<size_t>(j) * static_cast<size_t>(request.res) + static_cast<size_t>(i);
  char loss_text[64];
  std::snprintf(loss_text, sizeof loss_text, "loss %.4f", cell < loss.size() ? loss[cell] : NAN);  // a whole slice has every cell
  if (request.random_directions)
    return "α " + fixed(alpha, 3) + " (direction 1), β " + fixed(beta, 3) + " (direction 2)\n" + loss_text;
  auto change = [](const ParameterRef& p, double d) { return parameter_label(p) + (d < 0 ? " − " : " + ") + fixed(std::fabs(d), 3); };
  return change(request.a, alpha) + "\n" + change(request.b, beta) + "\n" + loss_text;
}

std::vector<LayerWeights> Landscape::weights_at(double alpha, double beta) const {
  std::vector<double> theta = centre;
  for (size_t k = 0; k < theta.size(); ++k) theta[k] += alpha * d1[k] + beta * d2[k];
  return with_values(shape, theta);
}

std::array<double, 2> Landscape::project(const std::vector<LayerWeights>& w) const {
  const std::vector<double> theta = flatten(w);
  if (theta.size() != centre.size()) return {NAN, NAN};
  double a11 = 0, a12 = 0, a22 = 0, r1 = 0, r2 = 0;
  for (size_t k = 0; k < theta.size(); ++k) {
    const double x = theta[k] - centre[k];
    a11 += d1[k] * d1[k], a12 += d1[k] * d2[k], a22 += d2[k] * d2[k];
    r1 += d1[k] * x, r2 += d2[k] * x;
  }
  const double det = a11 * a22 - a12 * a12;
  if (!(std::abs(det) > 0)) return {NAN, NAN};
  return {(r1 * a22 - r2 * a12) / det, (a11 * r2 - a12 * r1) / det};
}

Landscape loss_landscape(const TrainConfig& config, const std::vector<LayerWeights>& weights, const Dataset& train,
                         const LandscapeRequest& req, const std::atomic<bool>* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  if (train.size() == 0) throw ValueError("no training points: the loss is not defined");
  if (req.res < 2 || req.res > 512 || !(req.span > 0) || !std::isfinite(req.span)) throw ValueError("a landscape needs 2 to 512 cells a side and a positive span");
  const std::shared_ptr<MLP> model = network_with_weights(config, weights);
  if (!model) throw ValueError("the network is being rebuilt");
  Landscape ls;
  ls.request = req;
  ls.shape = weights;
  ls.centre = flatten(weights);
  if (req.random_directions) {
    ls.d1 = filter_normalised_direction(weights, req.seed);
    ls.d2 = filter_normalised_direction(weights, req.seed + 0x9E3779B97F4A7C15ull);
  } else {
    const size_t a = flat_index(weights, req.a), b = flat_index(weights, req.b);
    if (a == b) throw ValueError("pick two different parameters");
    ls.d1.assign(ls.centre.size(), 0.0);
    ls.d2.assign(ls.centre.size(), 0.0);
    ls.d1[a] = 1, ls.d2[b] = 1;
  }
  Trainer trainer(config, train, Dataset{}, model);
  const Device d = config.device;
  const Tensor x = trainer.features().apply(train.inputs(d)), y = train.targets(d);
  const auto lin = model->linears();
  NoGradGuard g;
  auto loss_at = [&](double alpha, double beta) {
    const std::vector<LayerWeights> w = ls.weights_at(alpha, beta);
    for (size_t l = 0; l < lin.size(); ++l) {
      assign_(lin[l]->weight(), w[l].weight);
      assign_(lin[l]->bias(), w[l].bias);
    }
    return static_cast<double>(trainer.loss_of(model->forward(x), y).item());
  };
  ls.centre_loss = loss_at(0, 0);
  std::vector<double> loss(static_cast<size_t>(req.res * req.res));
  ls.lo = INFINITY, ls.hi = -INFINITY;
  for (int j = 0; j < req.res; ++j) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return ls;  // incomplete: no loss
    for (int i = 0; i < req.res; ++i) {
      const double v = loss_at(ls.coordinate(i), ls.coordinate(j));
      loss[static_cast<size_t>(j * req.res + i)] = v;
      if (std::isfinite(v)) ls.lo = std::min(ls.lo, v), ls.hi = std::max(ls.hi, v);
    }
  }
  ls.loss = std::move(loss);
  ls.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return ls;
}

std::string race_note(const std::vector<RacePath>& race) {
  if (race.empty()) return "";
  for (const RacePath& p : race) {
    if (p.losses.size() < 2) return "";
    const double from = p.losses.front(), to = p.losses.back();
    if (!(std::abs(to - from) < kRaceStill * std::abs(from))) return "";
  }
  char share[16];
  std::snprintf(share, sizeof share, "%g%%", 100 * kRaceStill);  // "0.1%"
  return "None of them changed the loss by " + std::string(share) + " in " + std::to_string(race.front().losses.size() - 1) +
         " steps: at these weights the gradient is about 0 (a minimum, or a flat region). To race from elsewhere, "
         "Reset, then Recompute here.";
}

std::vector<RacePath> optimizer_race(const TrainConfig& config, const Landscape& on, const Dataset& train, int steps,
                                     const std::atomic<bool>* cancel) {
  if (train.size() == 0) throw ValueError("no training points to race on");
  if (!std::isfinite(on.centre_loss))
    throw ValueError("the loss at the slice's centre is not a finite number (the run diverged): Reset, then Recompute here");
  std::vector<RacePath> paths;
  for (OptimizerKind k : {OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam}) {
    TrainConfig c = config;
    c.optimizer = k;
    if (k == OptimizerKind::Momentum && config.optimizer != OptimizerKind::Momentum) c.momentum = 0.9f, c.nesterov = false;
    c.weight_decay = 0;
    const std::shared_ptr<MLP> model = network_with_weights(c, on.shape);
    if (!model) throw ValueError("the network is being rebuilt");
    Trainer trainer(c, train, Dataset{}, model);
    RacePath path;
    path.optimizer = k;
    auto record = [&] {
      std::vector<LayerWeights> w = on.shape;
      const auto lin = model->linears();
      for (size_t l = 0; l < lin.size(); ++l) w[l].weight = lin[l]->weight().to_vector(), w[l].bias = lin[l]->bias().to_vector();
      path.points.push_back(on.project(w));
    };
    record();
    path.losses.push_back(trainer.train_metrics().loss);
    for (int s = 0; s < steps && !trainer.diverged(); ++s) {
      if (cancel && cancel->load(std::memory_order_relaxed)) break;
      trainer.step();
      record();
      path.losses.push_back(trainer.train_metrics().loss);
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

}  // namespace bp::studio
