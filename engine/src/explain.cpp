#include "backprop/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/features.h"
#include "backprop/ops.h"
#include "enum_names.h"
#include "tensor_impl.h"

namespace bp::explain {
namespace {

std::string num(double v) { return format_number(v); }

// A graph from a scalar computation: nodes in creation order.
Graph from_scalar(const std::vector<std::shared_ptr<scalar::Node>>& nodes, Level level, const std::string& title) {
  Graph g;
  g.level = level;
  g.title = title;
  std::map<const scalar::Node*, int> index;
  for (const auto& n : nodes) {
    GNode gn;
    gn.scalar = n;
    gn.label = n->label.empty() ? n->op : n->label;
    gn.op = n->op;
    gn.value = n->data;
    gn.grad = n->grad;
    gn.local = n->local;
    gn.layer = n->layer;
    gn.neuron = n->neuron;
    gn.index = n->index;
    gn.kind = n->kind == scalar::Node::Input ? GNode::Input
              : n->kind == scalar::Node::Param ? GNode::Param
              : n->kind == scalar::Node::Target ? GNode::Target
                                                 : GNode::Op;
    for (const auto& p : n->parents) gn.inputs.push_back(index.at(p.get()));
    index[n.get()] = static_cast<int>(g.nodes.size());
    g.nodes.push_back(std::move(gn));
  }
  g.root = static_cast<int>(g.nodes.size()) - 1;
  g.nodes.back().kind = GNode::Loss;
  return g;
}

std::string point_text(double x1, double x2, double label) {
  return "(" + num(x1) + ", " + num(x2) + ") with label " + num(label);
}

}  // namespace

std::string format_operand(double v) {
  const std::string t = format_number(v);
  return !t.empty() && t[0] == '-' ? "(" + t + ")" : t;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v == 0.0 ? 0.0 : v);  // -0 prints as 0
  return buf;
}

namespace {
constexpr EnumName<Level> kLevelNames[] = {{Level::Scalar, "scalar"}, {Level::Neuron, "neuron"}, {Level::Tensor, "tensor"}};
}  // namespace

const char* level_name(Level l) { return enum_name(kLevelNames, l); }
Level parse_level(const std::string& s) { return parse_enum(kLevelNames, s, "graph level"); }

Graph graph_of(const scalar::Value& root, const std::string& title) {
  return from_scalar(scalar::topological_order(root), Level::Scalar, title);
}

static void check_level_size(const MLP& model, int64_t limit, const char* level, const char* instead) {
  if (model.num_parameters() > limit)
    throw ValueError("the " + std::string(level) + " level draws networks of at most " + std::to_string(limit) + " parameters; this one has " +
                     std::to_string(model.num_parameters()) + instead);
}

Graph scalar_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label) {
  check_level_size(model, kMaxScalarLevelParameters, "scalar", " (use the neuron level)");
  scalar::ScalarGraph sg = scalar::build_scalar_graph(model, config, x1, x2, label);
  sg.loss.backward();
  return from_scalar(sg.nodes, Level::Scalar, "scalar graph of " + point_text(x1, x2, label));
}

Graph neuron_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label) {
  check_level_size(model, kMaxNeuronLevelParameters, "neuron", " (use the tensor level)");
  // Derived from the scalar graph: each neuron's sum and activation become one node whose local
  // derivative to an input activation is f'(z)·w.
  scalar::ScalarGraph sg = scalar::build_scalar_graph(model, config, x1, x2, label);
  sg.loss.backward();
  std::vector<std::shared_ptr<scalar::Node>> nodes;
  std::vector<std::shared_ptr<scalar::Node>> prev;
  for (const scalar::Value& v : sg.inputs) {
    nodes.push_back(v.node());
    prev.push_back(v.node());
  }
  const auto lin = model.linears();
  const auto acts = model.layer_activations();
  // Each neuron's output node in the scalar graph: its activation, or its sum. One pass over the
  // nodes (searching them per neuron made this level cubic in the layer width).
  std::vector<std::vector<std::shared_ptr<scalar::Node>>> outputs(lin.size());
  for (size_t l = 0; l < lin.size(); ++l) outputs[l].resize(static_cast<size_t>(lin[l]->out_features()));
  for (const auto& n : sg.nodes) {
    if (n->kind != scalar::Node::Op || n->layer < 0 || static_cast<size_t>(n->layer) >= lin.size() || n->neuron < 0 ||
        n->neuron >= lin[static_cast<size_t>(n->layer)]->out_features())
      continue;
    if (n->op_kind == scalar::OpKind::Sum || (n->op_kind == scalar::OpKind::Activation && n->activation == acts[static_cast<size_t>(n->layer)]))
      outputs[static_cast<size_t>(n->layer)][static_cast<size_t>(n->neuron)] = n;  // the last in creation order is the activation
  }
  for (size_t l = 0; l < lin.size(); ++l) {
    const std::vector<float> w = lin[l]->weight().to_vector();
    const int64_t in = lin[l]->in_features();
    std::vector<std::shared_ptr<scalar::Node>> next;
    for (int64_t j = 0; j < lin[l]->out_features(); ++j) {
      const std::shared_ptr<scalar::Node>& out = outputs[l][static_cast<size_t>(j)];
      auto nn = std::make_shared<scalar::Node>(*out);
      nn->op = "neuron";
      nn->op_kind = scalar::OpKind::Neuron;
      nn->parents = prev;
      nn->local.clear();
      const double fprime = out->op_kind == scalar::OpKind::Sum ? 1.0 : out->local[0];  // f'(z); 1 without an activation
      for (int64_t i = 0; i < in; ++i) nn->local.push_back(fprime * w[static_cast<size_t>(j * in + i)]);
      nn->label = (l + 1 == lin.size() ? "out" : "n" + std::to_string(l + 1)) + "." + std::to_string(j + 1);
      nodes.push_back(nn);
      next.push_back(nn);
    }
    prev = next;
  }
  auto loss = std::make_shared<scalar::Node>(*sg.loss.node());
  loss->parents.clear();
  // The loss reads the outputs (or a sigmoid of the first, for MSE on a binary problem).
  const auto& sl = sg.loss.node();
  if (sl->parents.size() == prev.size()) {
    loss->parents = prev;
  } else {
    loss->parents = {prev[0]};
    loss->local = {sl->local[0] * sl->parents[0]->local[0]};
  }
  nodes.push_back(loss);
  Graph g = from_scalar(nodes, Level::Neuron, "neuron graph of " + point_text(x1, x2, label));
  // Reference gradients: the backward pass over the neuron graph's own local derivatives.
  std::vector<double> grad(g.nodes.size(), 0.0);
  grad.back() = 1.0;
  for (size_t k = g.nodes.size(); k-- > 0;)
    for (size_t i = 0; i < g.nodes[k].inputs.size(); ++i) grad[static_cast<size_t>(g.nodes[k].inputs[i])] += grad[k] * g.nodes[k].local[i];
  for (size_t k = 0; k < g.nodes.size(); ++k) g.nodes[k].grad = grad[k];
  return g;
}

namespace {
// The backward rule of a tensor-graph node, by its op id (and which unary op).
std::string backward_rule(const TensorImpl& node) {
  switch (node.op->id) {
    case OpId::Linear: return "linear Y = X·Wᵀ + b: dX = dY·W, dW = dYᵀ·X, db = Σ over rows of dY";
    case OpId::Matmul: return "matmul C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC";
    case OpId::Add: return "add: each input gets dOut, summed over broadcast dimensions";
    case OpId::Sub: return "sub: dA = dOut, dB = −dOut (summed over broadcast dimensions)";
    case OpId::Mul: return "mul: dA = dOut·B, dB = dOut·A";
    case OpId::Div: return "div: dA = dOut/B, dB = −dOut·A/B²";
    case OpId::Sum: return "sum: every element gets dOut";
    case OpId::Mean: return "mean: every element gets dOut / n";
    case OpId::BceLogits: return "BCE from logits: dZ = (σ(Z) − Y)/n · dOut";
    case OpId::Reshape: return "reshape: dX = dOut reshaped back";
    case OpId::Slice: return "slice: dX is zero except the slice, which gets dOut";
    case OpId::Cat: return "cat: each part gets its slice of dOut";
    case OpId::Unary:
      switch (node.unary_state().op) {
        case UnaryOp::Tanh: return "tanh: dX = dOut·(1 − tanh²(X))";
        case UnaryOp::Sigmoid: return "sigmoid: dX = dOut·σ(X)·(1 − σ(X))";
        case UnaryOp::Relu: return "relu: dX = dOut where X > 0, else 0";
        default: break;
      }
      break;
    default: break;
  }
  return std::string(node.op->name) + ": its backward rule maps dOut to each input";
}

std::string summary(const Tensor& t) {
  if (!t.defined()) return "-";
  const std::vector<float> v = t.to_vector();
  if (v.empty()) return "(empty)";
  if (v.size() <= 3) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + num(v[i]);
    return s + "]";
  }
  double sum = 0, lo = v[0], hi = v[0];
  for (float x : v) sum += x, lo = std::min(lo, static_cast<double>(x)), hi = std::max(hi, static_cast<double>(x));
  return "mean " + num(sum / static_cast<double>(v.size())) + " in [" + num(lo) + ", " + num(hi) + "]";
}
}  // namespace

Graph tensor_graph(Trainer& trainer) {
  Tensor x = trainer.features().apply(trainer.train_data().inputs(trainer.device()));
  x.set_name("x (inputs)");
  Tensor y = trainer.train_data().targets(trainer.device());
  y.set_name("y (targets)");
  trainer.model().zero_grad();
  Tensor loss = trainer.loss_of(trainer.model().forward(x), y);
  loss.backward();
  const std::vector<Tensor> order = topological_order(loss);
  Graph g;
  g.level = Level::Tensor;
  g.title = "tensor graph of one training step on " + std::to_string(trainer.train_data().size()) + " points";
  std::map<uint64_t, int> index;
  for (const Tensor& t : order) {
    GNode n;
    // The targets are the leaf holding y's data (a reshaped view of it, in some losses).
    const bool target = t.impl()->storage == y.impl()->storage;
    n.kind = t.is_leaf() ? (t.requires_grad() ? GNode::Param : (target ? GNode::Target : GNode::Input)) : GNode::Op;
    n.op = t.is_leaf() ? "" : t.op_name();
    n.label = t.is_leaf() ? (t.name().empty() ? "input" : t.name()) : n.op;
    n.shape = t.shape().str();
    n.dims.assign(t.shape().begin(), t.shape().end());
    if (!t.is_leaf()) {
      const OpId id = t.impl()->op->id;
      n.broadcasts = id == OpId::Add || id == OpId::Sub || id == OpId::Mul || id == OpId::Div || id == OpId::Linear;
    }
    n.value_text = summary(t);
    n.grad_text = summary(t.grad());
    if (!t.is_leaf()) n.backward_rule = backward_rule(*t.impl());
    const std::vector<float> v = t.to_vector();
    const int64_t cols = t.dim() >= 2 ? t.shape()[t.dim() - 1] : static_cast<int64_t>(v.size());
    const int64_t rows = cols ? static_cast<int64_t>(v.size()) / cols : 0;
    n.heat_cols = static_cast<int>(std::min<int64_t>(cols, 16));
    n.heat_rows = static_cast<int>(std::min<int64_t>(rows, 16));
    for (int r = 0; r < n.heat_rows; ++r)
      for (int c = 0; c < n.heat_cols; ++c) n.heat.push_back(v[static_cast<size_t>(r * cols + c)]);
    for (const Tensor& in : t.inputs())
      if (in.defined()) n.inputs.push_back(index.at(in.seq()));
    index[t.seq()] = static_cast<int>(g.nodes.size());
    g.nodes.push_back(std::move(n));
  }
  g.root = static_cast<int>(g.nodes.size()) - 1;
  g.nodes.back().kind = GNode::Loss;
  g.nodes.back().label = "loss";
  trainer.model().zero_grad();
  return g;
}

// ---- stepping -------------------------------------------------------------------------------

Stepper::Stepper(const Graph& graph) : g_(graph) {
  for (size_t i = 0; i < g_.nodes.size(); ++i)
    if (!g_.nodes[i].inputs.empty()) forward_order_.push_back(static_cast<int>(i));
  backward_order_.assign(forward_order_.rbegin(), forward_order_.rend());
  restart();
}

void Stepper::restart() {
  history_.clear();
  state_ = State{};
  const size_t n = g_.nodes.size();
  state_.computed.assign(n, 0);
  state_.has_grad.assign(n, 0);
  state_.grad.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    if (g_.nodes[i].inputs.empty()) state_.computed[i] = 1;  // inputs and parameters are known
}

bool Stepper::step() {
  if (state_.phase == Done) return false;
  history_.push_back(state_);
  if (state_.phase == Forward) {
    const int node = forward_order_[state_.pos++];
    state_.computed[static_cast<size_t>(node)] = 1;
    state_.current = node;
    if (state_.pos >= forward_order_.size()) {
      state_.phase = Backward;
      state_.pos = 0;
    }
    return true;
  }
  const int node = backward_order_[state_.pos++];
  auto& grad = state_.grad;
  if (node == g_.root) {  // seed: d loss / d loss = 1
    grad[static_cast<size_t>(node)] = 1.0;
    state_.has_grad[static_cast<size_t>(node)] = 1;
  }
  const GNode& n = g_.nodes[static_cast<size_t>(node)];
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const auto in = static_cast<size_t>(n.inputs[i]);
    if (i < n.local.size()) grad[in] += grad[static_cast<size_t>(node)] * n.local[i];
    state_.has_grad[in] = 1;
  }
  state_.current = node;
  if (state_.pos >= backward_order_.size()) state_.phase = Done;
  return true;
}

bool Stepper::step_back() {
  if (history_.empty()) return false;
  state_ = history_.back();
  history_.pop_back();
  return true;
}

void Stepper::run_to_end() {
  while (step()) {
  }
}

void Stepper::jump_to(int node) {
  if (node < 0 || static_cast<size_t>(node) >= g_.nodes.size()) return;
  restart();
  if (g_.nodes[static_cast<size_t>(node)].inputs.empty()) {  // a leaf: its gradient arrives in the backward pass
    while (step())
      if (state_.phase != Forward && has_grad(node)) return;
    return;
  }
  bool seen_forward = false;
  while (step()) {
    if (state_.current == node && (history_.back().phase == Forward ? !seen_forward : true)) {
      if (history_.back().phase == Forward) seen_forward = true;
      return;
    }
  }
}

std::string broadcast_summary(const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  // Dimensions aligned from the right; one the input lacks, or has as 1 where the output does
  // not, was broadcast: the gradient is summed over it.
  const size_t offset = out.size() >= in.size() ? out.size() - in.size() : 0;
  std::vector<std::string> names;
  for (size_t d = 0; d < out.size(); ++d) {
    const bool missing = d < offset;
    if (!(missing || (in[d - offset] == 1 && out[d] != 1))) continue;  // (a dimension the input lacks counts even at size 1: one row)
    names.push_back(out.size() == 2 ? (d == 0 ? "rows" : "columns") : "dimension " + std::to_string(d));
  }
  if (names.empty()) return "";
  return "summed over " + and_list(names);
}

std::string and_list(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? (i + 1 == items.size() ? " and " : ", ") : "") + items[i];
  return s;
}

Stepper::Explanation Stepper::explain() const {
  Explanation e;
  e.node = state_.current;
  if (history_.empty() || e.node < 0) {
    e.lines.push_back("Press step: the forward pass evaluates each node in topological order.");
    return e;
  }
  const Phase step_phase = history_.back().phase;
  e.phase = step_phase;
  const GNode& n = g_.nodes[static_cast<size_t>(e.node)];
  const bool tensor = g_.level == Level::Tensor;
  if (step_phase == Forward) {
    e.lines.push_back("Forward: " + n.label + (n.op.empty() || n.op == n.label ? "" : " (" + n.op + ")"));
    if (tensor)
      e.lines.push_back("value " + n.shape + ": " + n.value_text);
    else if (n.scalar)
      e.lines.push_back(scalar::forward_formula(*n.scalar));
    return e;
  }
  const State& before = history_.back();
  const double upstream = state_.grad[static_cast<size_t>(e.node)];
  e.lines.push_back("Backward: " + n.label + (n.op.empty() || n.op == n.label ? "" : " (" + n.op + ")"));
  if (tensor) {
    e.lines.push_back("upstream gradient " + n.shape + ": " + n.grad_text);
    e.lines.push_back(n.backward_rule);
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const GNode& m = g_.nodes[static_cast<size_t>(n.inputs[i])];
      e.lines.push_back("  → " + m.label + " " + m.shape + ": grad " + m.grad_text);
      // The step students of tensor autodiff find hardest: a broadcast input's gradient is the
      // upstream gradient summed over the dimensions it was repeated along. (Linear: its bias.)
      const bool linear_bias = n.op == "linear" && i == 2;
      if (n.broadcasts && (n.op != "linear" || linear_bias)) {
        const std::string summed = broadcast_summary(n.dims, m.dims);
        if (!summed.empty()) e.lines.push_back("    its grad = dOut " + n.shape + " " + summed + " → " + m.shape);
      }
    }
    return e;
  }
  e.lines.push_back(std::string(e.node == g_.root ? "seed: " : "upstream gradient: ") + "d loss/d " + n.label + " = " + num(upstream));
  // Running totals: an input read twice by this node gets two contributions, one after the other.
  std::map<int, std::pair<double, bool>> running;
  for (size_t i = 0; i < n.inputs.size() && i < n.local.size(); ++i) {
    const auto in = static_cast<size_t>(n.inputs[i]);
    auto [it, fresh] = running.try_emplace(n.inputs[i], before.grad[in], before.has_grad[in] != 0);
    (void)fresh;
    Contribution c;
    c.input = n.inputs[i];
    c.upstream = upstream;
    c.local = n.local[i];
    c.product = upstream * n.local[i];
    c.before = it->second.first;
    c.after = c.before + c.product;
    c.accumulated = it->second.second;
    it->second = {c.after, true};
    c.formula = n.scalar ? scalar::local_formula(*n.scalar, i) : "local derivative = " + num(n.local[i]);
    const std::string& name = g_.nodes[in].label;
    e.lines.push_back("to " + name + ": " + c.formula);
    e.lines.push_back("   " + num(c.upstream) + " × " + format_operand(c.local) + " = " + num(c.product) + "  →  grad(" + name + ") += " + num(c.product) +
                      (c.accumulated ? "  (paths meet: " + num(c.before) + " + " + format_operand(c.product) + " = " + num(c.after) + ")"
                                     : "  (= " + num(c.after) + ")"));
    e.contributions.push_back(c);
  }
  return e;
}

// ---- layout ---------------------------------------------------------------------------------

Layout layered_layout(const Graph& g) {
  const size_t n = g.nodes.size();
  Layout l;
  l.x.assign(n, 0);
  l.y.assign(n, 0);
  if (n == 0) return l;
  std::vector<int> depth(n, 0);
  std::vector<std::vector<int>> readers(n);
  for (size_t i = 0; i < n; ++i)
    for (int in : g.nodes[i].inputs) {
      depth[i] = std::max(depth[i], depth[static_cast<size_t>(in)] + 1);
      readers[static_cast<size_t>(in)].push_back(static_cast<int>(i));
    }
  // Leaves sit just left of their first reader.
  for (size_t i = 0; i < n; ++i)
    if (g.nodes[i].inputs.empty() && !readers[i].empty()) {
      int d = INT32_MAX;
      for (int r : readers[i]) d = std::min(d, depth[static_cast<size_t>(r)]);
      depth[i] = d - 1;
    }
  const int min_depth = *std::min_element(depth.begin(), depth.end());
  for (int& d : depth) d -= min_depth;
  l.columns = *std::max_element(depth.begin(), depth.end()) + 1;
  std::vector<std::vector<int>> cols(static_cast<size_t>(l.columns));
  for (size_t i = 0; i < n; ++i) cols[static_cast<size_t>(depth[i])].push_back(static_cast<int>(i));
  std::vector<float> pos(n, 0);
  auto place = [&](std::vector<int>& col) {
    for (size_t k = 0; k < col.size(); ++k) pos[static_cast<size_t>(col[k])] = static_cast<float>(k);
  };
  for (auto& c : cols) place(c);
  auto sweep = [&](bool use_inputs) {
    for (auto& col : cols) {
      std::vector<std::pair<float, int>> keyed;
      for (int v : col) {
        const auto& nb = use_inputs ? g.nodes[static_cast<size_t>(v)].inputs : readers[static_cast<size_t>(v)];
        float k = pos[static_cast<size_t>(v)];
        if (!nb.empty()) {
          k = 0;
          for (int u : nb) k += pos[static_cast<size_t>(u)];
          k /= static_cast<float>(nb.size());
        }
        keyed.emplace_back(k, v);
      }
      std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = 0; k < col.size(); ++k) col[k] = keyed[k].second;
      place(col);
    }
  };
  for (int it = 0; it < 6; ++it) {
    sweep(true);
    std::reverse(cols.begin(), cols.end());
    sweep(false);
    std::reverse(cols.begin(), cols.end());
  }
  sweep(true);
  size_t tallest = 0;
  for (const auto& c : cols) tallest = std::max(tallest, c.size());
  l.rows = static_cast<int>(tallest);
  for (size_t c = 0; c < cols.size(); ++c)
    for (size_t k = 0; k < cols[c].size(); ++k) {
      const auto v = static_cast<size_t>(cols[c][k]);
      l.x[v] = static_cast<float>(c);
      l.y[v] = static_cast<float>(k) - 0.5f * static_cast<float>(cols[c].size() - 1) + 0.5f * static_cast<float>(tallest - 1);
    }
  return l;
}

int crossings(const Graph& g, const Layout& l) {
  struct E {
    float x0, y0, x1, y1;
  };
  std::vector<E> edges;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int in : g.nodes[i].inputs) edges.push_back({l.x[static_cast<size_t>(in)], l.y[static_cast<size_t>(in)], l.x[i], l.y[i]});
  int count = 0;
  for (size_t a = 0; a < edges.size(); ++a)
    for (size_t b = a + 1; b < edges.size(); ++b) {
      const E &p = edges[a], &q = edges[b];
      if (p.x0 == q.x0 && p.x1 == q.x1 && (p.y0 - q.y0) * (p.y1 - q.y1) < 0) ++count;
    }
  return count;
}

// ---- export ---------------------------------------------------------------------------------

namespace {
std::string escape(const std::string& s, bool xml) {
  std::string o;
  for (char c : s) {
    if (xml && c == '<') o += "&lt;";
    else if (xml && c == '>') o += "&gt;";
    else if (xml && c == '&') o += "&amp;";
    else if (!xml && (c == '"' || c == '\\')) o += std::string("\\") + c;
    else if (!xml && c == '\n') o += "\\n";
    else o += c;
  }
  return o;
}

// Name (and op), value and gradient on separate lines.
std::string node_text(const Graph& g, const GNode& n) {
  std::string s = n.label;
  if (!n.op.empty() && n.op != n.label && !is_neuron(n)) s += " (" + n.op + ")";
  if (g.level == Level::Tensor) return s + "\n" + n.shape + "\nvalue " + n.value_text + "\ngrad " + n.grad_text;
  return s + "\nvalue " + num(n.value) + "\ngrad " + num(n.grad);
}

const char* fill(const GNode& n) {
  switch (n.kind) {
    case GNode::Input: return "#eeeeee";
    case GNode::Param: return "#fde2b8";
    case GNode::Target: return "#e8e8e8";
    case GNode::Loss: return "#f4c7c3";
    case GNode::Op: return "#dbe9f6";
  }
  return "#ffffff";
}
}  // namespace

std::string to_dot(const Graph& g) {
  std::string dot = "digraph backprop {\n  rankdir=LR;\n  labelloc=t;\n  label=\"" + escape(g.title, false) +
                    "\";\n  node [fontname=\"DejaVu Sans\", fontsize=10, shape=box, style=\"rounded,filled\"];\n";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    dot += "  n" + std::to_string(i) + " [label=\"" + escape(node_text(g, g.nodes[i]), false) + "\", fillcolor=\"" + fill(g.nodes[i]) +
           "\"];\n";
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int in : g.nodes[i].inputs) dot += "  n" + std::to_string(in) + " -> n" + std::to_string(i) + ";\n";
  return dot + "}\n";
}

std::string to_svg(const Graph& g, const Layout& l) {
  const float cw = 190, rh = 62, bw = 160, bh = 46, pad = 30;
  const float width = pad * 2 + cw * static_cast<float>(std::max(1, l.columns)), height = pad * 2 + 30 + rh * static_cast<float>(std::max(1, l.rows));
  char buf[512];
  std::string s;
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"10\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%.0f\" y=\"20\" font-size=\"13\">%s</text>\n",
                width, height, pad, escape(g.title, true).c_str());
  s += buf;
  auto cx = [&](size_t i) { return pad + cw * l.x[i] + bw / 2; };
  auto cy = [&](size_t i) { return pad + 30 + rh * l.y[i] + bh / 2; };
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int in : g.nodes[i].inputs) {
      std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777\" stroke-width=\"1\"/>\n",
                    cx(static_cast<size_t>(in)) + bw / 2, cy(static_cast<size_t>(in)), cx(i) - bw / 2, cy(i));
      s += buf;
    }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const GNode& n = g.nodes[i];
    std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" rx=\"6\" fill=\"%s\" stroke=\"#555\"/>\n",
                  cx(i) - bw / 2, cy(i) - bh / 2, bw, bh, fill(n));
    s += buf;
    std::string title = n.label;
    if (!n.op.empty() && n.op != n.label && !is_neuron(n)) title += " (" + n.op + ")";
    const std::string l1 = g.level == Level::Tensor ? n.shape : "value " + num(n.value);
    const std::string l2 = g.level == Level::Tensor ? "grad " + n.grad_text : "grad " + num(n.grad);
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\"><tspan font-weight=\"bold\">%s</tspan>"
                  "<tspan x=\"%.1f\" dy=\"13\">%s</tspan><tspan x=\"%.1f\" dy=\"13\">%s</tspan></text>\n",
                  cx(i), cy(i) - 9, escape(title.substr(0, 28), true).c_str(), cx(i), escape(l1.substr(0, 30), true).c_str(), cx(i),
                  escape(l2.substr(0, 30), true).c_str());
    s += buf;
  }
  return s + "</svg>\n";
}

double numeric_gradient(MLP& model, const TrainConfig& config, double x1, double x2, double label, int layer, int neuron, int index,
                        double eps) {
  const double up = scalar::build_scalar_graph(model, config, x1, x2, label, layer, neuron, index, eps).loss.data();
  const double down = scalar::build_scalar_graph(model, config, x1, x2, label, layer, neuron, index, -eps).loss.data();
  return (up - down) / (2 * eps);
}

}  // namespace bp::explain
