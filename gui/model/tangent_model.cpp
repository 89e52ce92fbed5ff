#include "model/tangent_model.h"

#include <algorithm>
#include <cmath>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/init.h"

namespace bp::studio {

std::string parameter_label(const ParameterRef& p) {
  const std::string layer = "layer " + std::to_string(p.layer + 1) + ": ";
  if (p.bias) return layer + "b[" + std::to_string(p.out + 1) + "]";
  return layer + "w[" + std::to_string(p.out + 1) + "," + std::to_string(p.in + 1) + "]";
}

TangentPlot tangent_plot(const TrainConfig& config, const std::vector<LayerWeights>& weights, const Dataset& train, const ParameterRef& p,
                         double eps, int samples) {
  if (train.size() == 0) throw ValueError("no training points: the loss is not defined");
  if (!(eps > 0) || !std::isfinite(eps)) throw ValueError("ε must be a positive number");
  const std::shared_ptr<MLP> model = network_with_weights(config, weights);
  if (!model) throw ValueError("the network is being rebuilt");
  const auto lin = model->linears();
  if (p.layer < 0 || p.layer >= static_cast<int>(lin.size())) throw ValueError("no layer " + std::to_string(p.layer + 1));
  Linear& layer = *lin[static_cast<size_t>(p.layer)];
  if (p.out < 0 || p.out >= layer.out_features() || (!p.bias && (p.in < 0 || p.in >= layer.in_features())))
    throw ValueError("no parameter " + parameter_label(p) + " in " + model->describe());
  const Tensor param = p.bias ? layer.bias() : layer.weight();
  const size_t at = static_cast<size_t>(p.bias ? p.out : p.out * layer.in_features() + p.in);
  std::vector<float> values = param.to_vector();

  Trainer trainer(config, train, Dataset{}, model);
  const Device d = config.device;
  const Tensor x = trainer.features().apply(train.inputs(d)), y = train.targets(d);
  auto loss_at = [&](double v) {
    values[at] = static_cast<float>(v);
    assign_(param, values);
    NoGradGuard g;
    return static_cast<double>(trainer.loss_of(model->forward(x), y).item());
  };

  TangentPlot t;
  t.param = p;
  t.value = values[at];
  t.eps = eps;
  t.lr = config.lr;
  // The gradient by backpropagation, at the current weights.
  model->zero_grad();
  Tensor loss = trainer.loss_of(model->forward(x), y);
  loss.backward();
  t.loss = loss.item();
  t.gradient = param.grad().to_vector()[at];
  const double v0 = t.value;
  t.loss_plus = loss_at(v0 + eps);
  t.loss_minus = loss_at(v0 - eps);
  t.secant_slope = (t.loss_plus - t.loss_minus) / (2 * eps);
  const double scale = std::max(std::abs(t.secant_slope), std::abs(t.gradient));
  t.relative_error = !t.finite() ? NAN : scale > 0 ? std::abs(t.secant_slope - t.gradient) / scale : 0.0;
  t.step_to = v0 - t.lr * t.gradient;
  t.loss_after = loss_at(t.step_to);
  // The curve: wide enough for the step and the secant, and at least ±1.
  const double span = std::max({1.0, 1.5 * std::abs(t.step_to - v0), 1.5 * eps});
  const int n = std::max(3, samples);
  for (int i = 0; i < n; ++i) {
    const double v = v0 - span + 2 * span * i / (n - 1);
    t.xs.push_back(v);
    t.ys.push_back(loss_at(v));
  }
  values[at] = static_cast<float>(v0);
  assign_(param, values);
  return t;
}

bool TangentPlot::finite() const { return std::isfinite(loss) && std::isfinite(gradient) && std::isfinite(secant_slope); }

}  // namespace bp::studio
