#include "backprop/scalar.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <unordered_set>
#include <cstdio>

#include "backprop/errors.h"
#include "backprop/explain.h"
#include "backprop/features.h"

namespace bp::scalar {
namespace {

std::atomic<uint64_t> g_ids{0};

// "w2[3][1]": built with appends (GCC 12 warns falsely about chained std::string +).
std::string indexed(char prefix, size_t layer, int64_t a, int64_t b = -1) {
  std::string s(1, prefix);
  s += std::to_string(layer + 1);
  s += '[';
  s += std::to_string(a + 1);
  s += ']';
  if (b >= 0) {
    s += '[';
    s += std::to_string(b + 1);
    s += ']';
  }
  return s;
}

std::string num(double v) { return explain::format_number(v); }
std::string term(double v) { return explain::format_operand(v); }

Value make(OpKind kind, const std::string& op, std::vector<Value> parents, double data, std::vector<double> local, double param = 0.0) {
  auto n = std::make_shared<Node>();
  n->id = g_ids++;
  n->op_kind = kind;
  n->op = op;
  n->data = data;
  n->param = param;
  for (const Value& p : parents) n->parents.push_back(p.node());
  n->local = std::move(local);
  return Value(n);
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

// f(x) and f'(x) of each activation, matching the tensor engine's definitions.
std::pair<double, double> act(Activation a, double x) {
  switch (a) {
    case Activation::Identity: return {x, 1.0};
    case Activation::ReLU: return {x > 0 ? x : 0.0, x > 0 ? 1.0 : 0.0};
    case Activation::LeakyReLU: return {x > 0 ? x : 0.01 * x, x > 0 ? 1.0 : 0.01};
    case Activation::ELU: return {x > 0 ? x : std::exp(x) - 1.0, x > 0 ? 1.0 : std::exp(x)};
    case Activation::Sigmoid: {
      const double s = sigmoid(x);
      return {s, s * (1 - s)};
    }
    case Activation::Tanh: {
      const double t = std::tanh(x);
      return {t, 1 - t * t};
    }
    case Activation::Softplus: return {softplus(x), sigmoid(x)};
    case Activation::Sin: return {std::sin(x), std::cos(x)};
    case Activation::Cos: return {std::cos(x), -std::sin(x)};
    case Activation::GELU: {
      const double cdf = 0.5 * (1 + std::erf(x / std::sqrt(2.0)));
      const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * 3.141592653589793);
      return {x * cdf, cdf + x * pdf};
    }
    case Activation::SiLU: {
      const double s = sigmoid(x);
      return {x * s, s + x * s * (1 - s)};
    }
    case Activation::Gaussian: {
      const double g = std::exp(-x * x);
      return {g, -2 * x * g};
    }
  }
  return {x, 1.0};
}

}  // namespace

Value::Value(double data, std::string label, Node::Kind kind) : n_(std::make_shared<Node>()) {
  n_->id = g_ids++;
  n_->data = data;
  n_->label = std::move(label);
  n_->kind = kind;
}

Value operator+(const Value& a, const Value& b) { return make(OpKind::Add, "+", {a, b}, a.data() + b.data(), {1.0, 1.0}); }
Value operator*(const Value& a, const Value& b) { return make(OpKind::Mul, "*", {a, b}, a.data() * b.data(), {b.data(), a.data()}); }
Value operator-(const Value& a, const Value& b) { return make(OpKind::Sub, "-", {a, b}, a.data() - b.data(), {1.0, -1.0}); }

Value sum(const std::vector<Value>& parts, const std::string& label) {
  double s = 0;
  for (const Value& p : parts) s += p.data();
  Value v = make(OpKind::Sum, "sum", parts, s, std::vector<double>(parts.size(), 1.0));
  v.label(label);
  return v;
}

Value activate(Activation a, const Value& x) {
  const auto [y, d] = act(a, x.data());
  Value v = make(OpKind::Activation, activation_name(a), {x}, y, {d});
  v.node()->activation = a;
  return v;
}

Value pow(const Value& x, double p) {
  return make(OpKind::Pow, "pow", {x}, std::pow(x.data(), p), {p * std::pow(x.data(), p - 1)}, p);
}

Value bce_with_logits(const Value& z, double y) {
  const double s = softplus(z.data()) - y * z.data();
  return make(OpKind::Bce, "bce", {z}, s, {sigmoid(z.data()) - y}, y);
}

Value softmax_cross_entropy(const std::vector<Value>& z, int y) {
  double mx = -INFINITY;
  for (const Value& v : z) mx = std::max(mx, v.data());
  double denom = 0;
  for (const Value& v : z) denom += std::exp(v.data() - mx);
  std::vector<double> local;
  for (size_t c = 0; c < z.size(); ++c) local.push_back(std::exp(z[c].data() - mx) / denom - (static_cast<int>(c) == y ? 1.0 : 0.0));
  const double loss = std::log(denom) + mx - z[static_cast<size_t>(y)].data();
  return make(OpKind::SoftmaxCE, "softmax_ce", z, loss, local, y);
}

Value mse(const Value& p, double t) { return make(OpKind::Mse, "mse", {p}, (p.data() - t) * (p.data() - t), {2 * (p.data() - t)}, t); }

Value hinge(const Value& s, double y01) {
  const double y = y01 > 0.5 ? 1.0 : -1.0, m = 1 - s.data() * y;
  return make(OpKind::Hinge, "hinge", {s}, m > 0 ? m : 0.0, {m > 0 ? -y : 0.0}, y01);
}

std::vector<std::shared_ptr<Node>> topological_order(const Value& root) {
  // A hash set of visited nodes: a linear search made this quadratic in the graph's size.
  std::vector<std::shared_ptr<Node>> out, stack{root.node()};
  std::unordered_set<const Node*> seen{root.node().get()};
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    out.push_back(n);
    for (const auto& p : n->parents)
      if (seen.insert(p.get()).second) stack.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

void Value::backward() const {
  const auto order = topological_order(*this);
  for (const auto& n : order) n->grad = 0.0;
  n_->grad = 1.0;
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    for (size_t i = 0; i < (*it)->parents.size(); ++i) (*it)->parents[i]->grad += (*it)->grad * (*it)->local[i];
}

namespace {
// d f(u)/du of an activation node, as a formula with its numbers.
std::string activation_formula(const Node& n, double u, double d) {
  switch (n.activation) {
    case Activation::Identity: return "d u/du = 1";
    case Activation::Tanh: return "d tanh(u)/du = 1 − tanh²(u) = 1 − " + term(n.data) + "² = " + num(d);
    case Activation::Sigmoid: return "d σ(u)/du = σ(u)·(1 − σ(u)) = " + term(n.data) + "·(1 − " + term(n.data) + ") = " + num(d);
    case Activation::ReLU: return "d relu(u)/du = (u > 0 ? 1 : 0) = " + std::string(u > 0 ? "1, since u = " : "0, since u = ") + num(u);
    case Activation::LeakyReLU: return "d lrelu(u)/du = (u > 0 ? 1 : 0.01) = " + num(d);
    case Activation::ELU: return "d elu(u)/du = (u > 0 ? 1 : e^u) = " + num(d);
    case Activation::Softplus: return "d softplus(u)/du = σ(u) = σ(" + num(u) + ") = " + num(d);
    case Activation::Sin: return "d sin(u)/du = cos(u) = cos(" + num(u) + ") = " + num(d);
    case Activation::Cos: return "d cos(u)/du = −sin(u) = −sin(" + num(u) + ") = " + num(d);
    case Activation::GELU: return "d gelu(u)/du = Φ(u) + u·φ(u) = " + num(d);
    case Activation::SiLU: return "d silu(u)/du = σ(u)·(1 + u·(1 − σ(u))) = " + num(d);
    case Activation::Gaussian: return "d e^(−u²)/du = −2u·e^(−u²) = −2·" + term(u) + "·" + term(n.data) + " = " + num(d);
  }
  return "local derivative = " + num(d);
}
}  // namespace

std::string local_formula(const Node& n, size_t i) {
  if (i >= n.parents.size()) return "";
  const double u = n.parents[i]->data, d = n.local[i];
  switch (n.op_kind) {
    case OpKind::Add:
    case OpKind::Sum: return "d(a + b + ...)/d(" + std::string(1, static_cast<char>('a' + std::min<size_t>(i, 25))) + ") = 1";
    case OpKind::Sub: return i == 0 ? "d(a − b)/da = 1" : "d(a − b)/db = −1";
    case OpKind::Mul: return i == 0 ? "d(a·b)/da = b = " + num(d) : "d(a·b)/db = a = " + num(d);
    case OpKind::Activation: return activation_formula(n, u, d);
    case OpKind::Pow: return "d u^p/du = p·u^(p−1) = " + term(n.param) + "·" + term(u) + "^" + term(n.param - 1) + " = " + num(d);
    case OpKind::Bce: return "d bce(z, y)/dz = σ(z) − y = " + num(d + n.param) + " − " + term(n.param) + " = " + num(d);
    case OpKind::SoftmaxCE:
      return "d CE/dz" + std::to_string(i) + " = p" + std::to_string(i) + " − [y = " + std::to_string(i) + "] = " + num(d);
    case OpKind::Mse: return "d (p − t)²/dp = 2·(p − t) = 2·(" + num(u) + " − " + term(n.param) + ") = " + num(d);
    case OpKind::Hinge: return "d max(0, 1 − y·s)/ds = (1 − y·s > 0 ? −y : 0) = " + num(d);
    case OpKind::Neuron: return "∂a/∂x" + std::to_string(i + 1) + " = f'(z)·w = " + num(d);
    case OpKind::Leaf: break;
  }
  return "local derivative = " + num(d);
}

std::string forward_formula(const Node& n) {
  if (n.parents.empty()) return n.label + " = " + num(n.data);
  std::string args;
  for (size_t i = 0; i < n.parents.size(); ++i) args += (i ? ", " : "") + num(n.parents[i]->data);
  switch (n.op_kind) {
    case OpKind::Mul: return num(n.parents[0]->data) + " · " + term(n.parents[1]->data) + " = " + num(n.data);
    case OpKind::Add:
    case OpKind::Sum: {
      std::string s;
      for (size_t i = 0; i < n.parents.size(); ++i) s += i ? " + " + term(n.parents[i]->data) : num(n.parents[i]->data);
      return s + " = " + num(n.data);
    }
    case OpKind::Bce: return "bce(z = " + args + ", y = " + num(n.param) + ") = " + num(n.data);
    default: return n.op + "(" + args + ") = " + num(n.data);
  }
}

ScalarGraph build_scalar_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label,
                               int shift_layer, int shift_neuron, int shift_index, double shift) {
  auto shifted = [&](size_t l, int64_t j, int64_t i, float v) {
    const bool hit = static_cast<int>(l) == shift_layer && static_cast<int>(j) == shift_neuron && static_cast<int>(i) == shift_index;
    return static_cast<double>(v) + (hit ? shift : 0.0);
  };
  if (config.problem != Problem::Regression) {
    // The loss indexes the outputs by the label: it must be one of the network's classes.
    const int classes = config.problem == Problem::Binary ? 2 : static_cast<int>(model.spec().outputs);
    if (!is_class_label(label, classes)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "label %g is not a class of this %d-class network (0 to %d)", label, classes, classes - 1);
      throw ValueError(buf);
    }
  }
  if (!std::isfinite(x1) || !std::isfinite(x2) || !std::isfinite(label)) throw ValueError("the traced point is not finite");
  ScalarGraph g;
  const FeatureSet features(config.features);
  const std::vector<float> f = features.of_point(static_cast<float>(x1), static_cast<float>(x2));
  std::vector<Value> h;
  for (size_t i = 0; i < f.size(); ++i) {
    Value v(f[i], feature_name(config.features[i]), Node::Input);
    g.inputs.push_back(v);
    h.push_back(v);
  }
  const auto lin = model.linears();
  const auto acts = model.layer_activations();
  for (size_t l = 0; l < lin.size(); ++l) {
    const std::vector<float> w = lin[l]->weight().to_vector(), b = lin[l]->bias().to_vector();
    const int64_t in = lin[l]->in_features(), out = lin[l]->out_features();
    if (in != static_cast<int64_t>(h.size())) throw ShapeError("scalar graph: layer sizes do not chain");
    std::vector<Value> next;
    for (int64_t j = 0; j < out; ++j) {
      std::vector<Value> terms;
      for (int64_t i = 0; i < in; ++i) {
        Value wv(shifted(l, j, i, w[static_cast<size_t>(j * in + i)]), indexed('w', l, j, i), Node::Param);
        wv.node()->layer = static_cast<int>(l);
        wv.node()->neuron = static_cast<int>(j);
        wv.node()->index = static_cast<int>(i);
        g.params.push_back(wv.node());
        Value prod = wv * h[static_cast<size_t>(i)];
        prod.node()->label = wv.node()->label + "·" + h[static_cast<size_t>(i)].node()->label;  // "w1[1][2]·x2": what it multiplies
        prod.node()->layer = static_cast<int>(l);
        prod.node()->neuron = static_cast<int>(j);
        terms.push_back(prod);
      }
      Value bv(shifted(l, j, -1, b[static_cast<size_t>(j)]), indexed('b', l, j), Node::Param);
      bv.node()->layer = static_cast<int>(l);
      bv.node()->neuron = static_cast<int>(j);
      bv.node()->index = -1;
      g.params.push_back(bv.node());
      terms.push_back(bv);
      Value z = sum(terms, "z" + std::to_string(l + 1) + "." + std::to_string(j + 1));
      z.node()->layer = static_cast<int>(l);
      z.node()->neuron = static_cast<int>(j);
      if (acts[l] != Activation::Identity) {
        z = activate(acts[l], z);
        z.label("a" + std::to_string(l + 1) + "." + std::to_string(j + 1));
        z.node()->layer = static_cast<int>(l);
        z.node()->neuron = static_cast<int>(j);
      }
      next.push_back(z);
    }
    h = next;
  }
  g.outputs = h;
  Value t(label, "y", Node::Target);
  switch (config.loss) {
    case LossKind::BCE: g.loss = bce_with_logits(h[0], label); break;
    case LossKind::Hinge: g.loss = hinge(h[0], label); break;
    case LossKind::MSE:
      g.loss = config.problem == Problem::Regression ? mse(h[0], label) : mse(activate(Activation::Sigmoid, h[0]), label);
      break;
    case LossKind::SoftmaxCE: g.loss = softmax_cross_entropy(h, static_cast<int>(label)); break;
  }
  g.loss.label("loss");
  g.nodes = topological_order(g.loss);
  return g;
}

}  // namespace bp::scalar
