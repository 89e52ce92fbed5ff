#include "inspector_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/grid.h"
#include "backprop/init.h"
#include "backprop/ops.h"
#include "backprop/scalar.h"

namespace bp::studio {

void InspectorModel::trace(const StudioPoint& p, const Snapshot& snap, const TrainConfig& config) {
  point_ = p;
  refresh(snap, config);
}

void InspectorModel::refresh(const Snapshot& snap, const TrainConfig& config) {
  config_ = config;
  weights_ = snap.weights;
  traced_step_ = snap.step;
  rebuild();
}

bool InspectorModel::stale(const Snapshot& snap, const TrainConfig& config) const {
  const MlpSpec a = config.mlp_spec(), b = config_.mlp_spec();
  if (a.inputs != b.inputs || a.hidden != b.hidden || a.outputs != b.outputs || a.activations != b.activations ||
      config.features != config_.features || config.loss != config_.loss || config.problem != config_.problem)
    return true;
  if (snap.weights.size() != weights_.size()) return true;
  for (size_t i = 0; i < weights_.size(); ++i)
    if (snap.weights[i].weight != weights_[i].weight || snap.weights[i].bias != weights_[i].bias) return true;
  return false;
}

std::string InspectorModel::apply_update(AppModel& model, double lr) {
  if (!ready() || stepper_->phase() != explain::Stepper::Done) return "Finish the backward pass first.";
  // Paused, the worker moves no weight between this check and the edits below.
  model.pause();
  model.pump();
  if (stale(*model.snapshot(), model.config()))
    return "The network has changed since this trace (training went on, or its settings changed): press Refresh to trace "
           "the current weights, then apply.";
  for (const Update& u : update(lr)) model.set_weight(u.layer, u.neuron, u.index, static_cast<float>(u.after));
  model.pump();
  refresh(*model.snapshot(), model.config());
  return "";
}

void InspectorModel::set_level(explain::Level level) {
  if (level == level_) return;
  level_ = level;
  if (model_) rebuild();
}

void InspectorModel::rebuild() {
  // A frozen copy of the network: training may go on while the student steps through.
  auto frozen = network_with_weights(config_, weights_);
  if (!frozen) return;  // weights of another shape: keep the last trace
  model_ = std::move(frozen);
  stepper_.reset();
  graph_.reset();
  error_.clear();
  try {
    build_graph();
  } catch (const Error& e) {
    // A point the network cannot trace (a label that is not one of its classes, after the class
    // count changed): no graph, and the reason for the view.
    graph_.reset();
    error_ = std::string("Cannot trace this point: ") + e.what();
    ++revision_;
  }
}

void InspectorModel::build_graph() {
  auto g = std::make_unique<explain::Graph>();
  if (level_ == explain::Level::Tensor) {
    Dataset d;
    d.problem = config_.problem;
    d.num_classes = config_.problem == Problem::Regression ? 0 : config_.num_classes;
    d.points = {{point_.x, point_.y, point_.label}};
    Trainer t(config_, d, Dataset{}, model_);
    *g = explain::tensor_graph(t);
  } else if (level_ == explain::Level::Neuron || model_->num_parameters() > 600) {
    level_ = explain::Level::Neuron;  // too many scalars to read: neurons instead
    *g = explain::neuron_graph(*model_, config_, point_.x, point_.y, point_.label);
  } else {
    *g = explain::scalar_graph(*model_, config_, point_.x, point_.y, point_.label);
  }
  graph_ = std::move(g);
  const auto t0 = std::chrono::steady_clock::now();
  layout_ = explain::layered_layout(*graph_);
  layout_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  stepper_ = std::make_unique<explain::Stepper>(*graph_);
  selected_ = -1;
  playing = false;
  ++revision_;
}

std::optional<InspectorModel::NeuronDetail> InspectorModel::neuron_detail(int node) const {
  if (!graph_ || !model_ || graph_->level != explain::Level::Neuron || node < 0 || static_cast<size_t>(node) >= graph_->nodes.size())
    return std::nullopt;
  const explain::GNode& n = graph_->nodes[static_cast<size_t>(node)];
  if (!explain::is_neuron(n) || n.layer < 0 || static_cast<size_t>(n.layer) >= weights_.size()) return std::nullopt;
  const LayerWeights& lw = weights_[static_cast<size_t>(n.layer)];
  if (n.neuron < 0 || n.neuron >= lw.out || static_cast<int64_t>(n.inputs.size()) != lw.in) return std::nullopt;
  const auto acts = model_->layer_activations();
  const bool output = static_cast<size_t>(n.layer) + 1 == weights_.size();
  const Activation act = output || static_cast<size_t>(n.layer) >= acts.size() ? Activation::Identity : acts[static_cast<size_t>(n.layer)];
  NeuronDetail d;
  d.activation = activation_name(act);
  const std::string l = std::to_string(n.layer + 1), j = std::to_string(n.neuron + 1);
  d.bias_name = "b" + l + "[" + j + "]";
  d.bias = lw.bias[static_cast<size_t>(n.neuron)];
  d.z = d.bias;
  for (int64_t i = 0; i < lw.in; ++i) {
    const explain::GNode& in = graph_->nodes[static_cast<size_t>(n.inputs[static_cast<size_t>(i)])];
    d.input_names.push_back(in.label);
    d.weight_names.push_back("w" + l + "[" + j + "][" + std::to_string(i + 1) + "]");
    d.inputs.push_back(in.value);
    d.weights.push_back(lw.weight[static_cast<size_t>(n.neuron * lw.in + i)]);
    d.z += d.weights.back() * d.inputs.back();
  }
  // a = f(z) and f'(z) from the scalar engine's own activation (a one-node backward pass).
  const scalar::Value z(d.z), a = scalar::activate(act, z);
  a.backward();
  d.a = a.data();
  d.fprime = z.grad();
  d.grad_a = n.grad;
  d.grad_z = d.grad_a * d.fprime;
  for (double x : d.inputs) d.weight_grads.push_back(d.grad_z * x);
  d.bias_grad = d.grad_z;
  return d;
}

int InspectorModel::advance(double seconds) {
  if (!playing || !stepper_) {
    step_credit_ = 0;
    return 0;
  }
  step_credit_ += seconds * static_cast<double>(steps_per_second);
  int taken = 0;
  while (step_credit_ >= 1.0 && playing) {
    step_credit_ -= 1.0;
    if (stepper_->step()) ++taken;
    else playing = false;  // the end of the backward pass
  }
  if (!playing) step_credit_ = 0;
  return taken;
}

const std::vector<float>& InspectorModel::cached_gradient_map(int layer, int neuron, const Region& region, int res) {
  const GradMapKey key{revision_, layer, neuron, res, region};
  if (!grad_map_key_ || !(*grad_map_key_ == key)) {
    grad_map_ = gradient_map(layer, neuron, region, res);
    grad_map_key_ = key;
  }
  return grad_map_;
}

void InspectorModel::expand(int layer, int neuron) {
  collapsed_.erase({layer, neuron});
  collapsed_.erase({layer, -1});
  ++revision_;
}

bool InspectorModel::is_collapsed(int layer, int neuron) const {
  return collapsed_.count({layer, -1}) > 0 || collapsed_.count({layer, neuron}) > 0;
}

std::vector<int> InspectorModel::representatives() const {
  if (!graph_) return {};
  const auto& nodes = graph_->nodes;
  std::vector<int> rep(nodes.size());
  std::map<std::pair<int, int>, int> last;
  auto key_of = [&](const explain::GNode& n) {
    return collapsed_.count({n.layer, -1}) ? std::pair<int, int>{n.layer, -1} : std::pair<int, int>{n.layer, n.neuron};
  };
  for (size_t i = 0; i < nodes.size(); ++i) {
    rep[i] = static_cast<int>(i);
    if (nodes[i].layer >= 0 && collapsed_.count(key_of(nodes[i]))) last[key_of(nodes[i])] = static_cast<int>(i);
  }
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].layer >= 0)
      if (const auto it = last.find(key_of(nodes[i])); it != last.end()) rep[i] = it->second;
  return rep;
}

int InspectorModel::focus() const { return selected_ >= 0 ? selected_ : (stepper_ ? stepper_->current() : -1); }

std::vector<std::string> InspectorModel::node_tip(int node) const {
  if (!graph_ || !stepper_ || node < 0 || node >= static_cast<int>(graph_->nodes.size())) return {};
  const explain::GNode& n = graph_->nodes[static_cast<size_t>(node)];
  const explain::Stepper& st = *stepper_;
  std::vector<std::string> lines{n.label + (n.op.empty() ? "" : "  [" + n.op + "]")};
  const char* not_yet = "value ? (the forward pass has not reached it)";
  if (graph_->level == explain::Level::Tensor) {
    lines.push_back(n.shape);
    lines.emplace_back(st.computed(node) ? "value " + n.value_text : not_yet);
    if (st.has_grad(node) && !n.grad_text.empty() && n.grad_text != "-") lines.push_back("grad " + n.grad_text);
    return lines;
  }
  lines.emplace_back(!st.computed(node) ? not_yet : n.scalar ? scalar::forward_formula(*n.scalar) : "value " + explain::format_number(n.value));
  if (st.has_grad(node)) lines.push_back("d loss / d " + n.label + " = " + explain::format_number(st.grad(node)));
  return lines;
}

int InspectorModel::find(const std::string& text, int after) const {
  if (!graph_ || text.empty()) return -1;
  const int n = static_cast<int>(graph_->nodes.size());
  for (int k = 1; k <= n; ++k) {
    const int i = ((after < 0 ? -1 : after) + k) % n;
    if (graph_->nodes[static_cast<size_t>(i)].label.find(text) != std::string::npos) return i;
  }
  return -1;
}

std::optional<InspectorModel::Check> InspectorModel::derivative_check(int node) {
  if (!graph_ || node < 0 || level_ != explain::Level::Scalar) return std::nullopt;
  const explain::GNode& n = graph_->nodes[static_cast<size_t>(node)];
  if (n.kind != explain::GNode::Param) return std::nullopt;
  const double autodiff = stepper_ && stepper_->phase() == explain::Stepper::Done ? stepper_->grad(node) : n.grad;
  const double numeric = explain::numeric_gradient(*model_, config_, point_.x, point_.y, point_.label, n.layer, n.neuron, n.index);
  const double rel = std::fabs(autodiff - numeric) / std::max(1e-12, std::max(std::fabs(autodiff), std::fabs(numeric)));
  return Check{autodiff, numeric, autodiff == numeric ? 0.0 : rel};
}

std::vector<float> InspectorModel::gradient_map(int layer, int neuron, const Region& region, int res) const {
  if (!model_ || layer < 0 || neuron < 0 || res < 1) return {};
  std::vector<float> pts;
  for (int row = 0; row < res; ++row)
    for (int col = 0; col < res; ++col) {
      pts.push_back(grid_x(region, res, col));
      pts.push_back(grid_y(region, res, row));
    }
  const int64_t n = static_cast<int64_t>(res) * res;
  // Run the layers one by one and keep the output of the wanted layer as a leaf that needs grad.
  const FeatureSet features(config_.features);
  Tensor h = features.apply(Tensor::from_vector(pts, {n, 2}, model_->device()));
  Tensor watched;
  int linear_index = -1;
  Sequential& layers = model_->layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    h = layers[i]->forward(h);
    if (dynamic_cast<Linear*>(layers[i].get())) ++linear_index;
    const bool last_of_layer = i + 1 == layers.size() || dynamic_cast<Linear*>(layers[i + 1].get()) != nullptr;
    if (linear_index == layer && last_of_layer && !watched.defined()) {
      watched = h.detach().set_requires_grad(true);
      h = watched;
    }
  }
  if (!watched.defined() || neuron >= watched.shape()[1]) return {};
  Trainer probe(config_, Dataset{{}, {{0, 0, point_.label}}, config_.problem, config_.num_classes, {}}, Dataset{}, model_);
  // Summed (not averaged) loss: each position's gradient is its own example's.
  const Tensor loss = probe.loss_of(h, Tensor::full({n}, point_.label)) * static_cast<float>(n);
  loss.backward();
  const std::vector<float> g = watched.grad().to_vector();
  std::vector<float> out(static_cast<size_t>(n));
  const int64_t width = watched.shape()[1];
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = g[static_cast<size_t>(i * width + neuron)];
  return out;
}

std::vector<InspectorModel::Update> InspectorModel::update(double lr) const {
  std::vector<Update> out;
  if (!model_) return out;
  // The scalar graph has every parameter; at other levels its gradients are computed here.
  explain::Graph g = level_ == explain::Level::Scalar ? *graph_ : explain::scalar_graph(*model_, config_, point_.x, point_.y, point_.label);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const explain::GNode& n = g.nodes[i];
    if (n.kind != explain::GNode::Param) continue;
    const double grad = level_ == explain::Level::Scalar && stepper_ ? stepper_->grad(static_cast<int>(i)) : n.grad;
    out.push_back({n.layer, n.neuron, n.index, n.value, n.value - lr * grad, n.label});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Update& a, const Update& b) { return std::fabs(a.after - a.before) > std::fabs(b.after - b.before); });
  return out;
}

}  // namespace bp::studio
