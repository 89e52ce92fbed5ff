// The scalar engine and the step-through model: gradients equal the tensor engine's, hand-worked
// examples, exact step-back, layout and export.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "backprop/backprop.h"
#include "formula_texts.h"

namespace bp {
namespace {

using explain::Stepper;

struct Net {
  TrainConfig config;
  std::shared_ptr<MLP> model;
};

Net random_net(Rng& rng, Problem problem) {
  Net n;
  n.config.problem = problem;
  n.config.num_classes = problem == Problem::MultiClass ? 3 : (problem == Problem::Regression ? 0 : 2);
  n.config.loss = default_loss(problem);
  n.config.hidden.clear();
  const int layers = 1 + static_cast<int>(rng.below(2));
  for (int l = 0; l < layers; ++l) n.config.hidden.push_back(2 + static_cast<int64_t>(rng.below(4)));
  n.config.activations.clear();
  const auto& acts = all_activations();
  for (int l = 0; l < layers; ++l) n.config.activations.push_back(acts[rng.below(acts.size())]);
  if (rng.below(2)) n.config.features = {Feature::X1, Feature::X2, Feature::X1X2, Feature::SinX1};
  n.config.seed = rng.next_u64() % 1000;
  n.model = std::make_shared<MLP>(n.config.mlp_spec());
  return n;
}

TEST(ScalarEngine, GradientsEqualTheTensorEnginesOverRandomNetworks) {
  Rng rng(21);
  for (int trial = 0; trial < 40; ++trial) {
    const Problem problem = trial % 4 == 0 ? Problem::MultiClass : (trial % 4 == 1 ? Problem::Regression : Problem::Binary);
    Net n = random_net(rng, problem);
    if (problem == Problem::Binary && trial % 8 == 6) n.config.loss = LossKind::Hinge;
    if (problem == Problem::Binary && trial % 8 == 2) n.config.loss = LossKind::MSE;
    const double x1 = rng.uniform(-2, 2), x2 = rng.uniform(-2, 2);
    const double label = problem == Problem::MultiClass ? static_cast<double>(rng.below(3))
                         : problem == Problem::Regression ? rng.uniform(-1, 1)
                                                          : static_cast<double>(rng.below(2));
    SCOPED_TRACE(n.model->describe() + " loss " + loss_name(n.config.loss));
    // Tensor engine: one example through the real model.
    Dataset d;
    d.problem = problem;
    d.num_classes = n.config.num_classes;
    d.points = {{static_cast<float>(x1), static_cast<float>(x2), static_cast<float>(label)}};
    Trainer t(n.config, d, Dataset{}, n.model);
    n.model->zero_grad();
    Tensor loss = t.loss_of(n.model->forward(t.features().apply(d.inputs())), d.targets());
    loss.backward();
    // Scalar engine.
    scalar::ScalarGraph sg = scalar::build_scalar_graph(*n.model, n.config, x1, x2, label);
    sg.loss.backward();
    EXPECT_NEAR(sg.loss.data(), loss.item(), 1e-5 * std::max(1.0, std::fabs(sg.loss.data())));
    const auto lin = n.model->linears();
    for (const auto& p : sg.params) {
      const auto& L = *lin[static_cast<size_t>(p->layer)];
      const std::vector<float> g = p->index >= 0 ? L.weight().grad().to_vector() : L.bias().grad().to_vector();
      const double tensor_grad = p->index >= 0 ? g[static_cast<size_t>(p->neuron * L.in_features() + p->index)] : g[static_cast<size_t>(p->neuron)];
      ASSERT_NEAR(p->grad, tensor_grad, 1e-5 * std::max(1.0, std::fabs(p->grad)) + 1e-6) << p->label;
    }
  }
}

TEST(ScalarEngine, CentralDifferencesAgreeWithBackprop) {
  Rng rng(5);
  Net n = random_net(rng, Problem::Binary);
  scalar::ScalarGraph sg = scalar::build_scalar_graph(*n.model, n.config, 0.3, -0.7, 1.0);
  sg.loss.backward();
  for (const auto& p : sg.params) {
    const double num = explain::numeric_gradient(*n.model, n.config, 0.3, -0.7, 1.0, p->layer, p->neuron, p->index);
    EXPECT_NEAR(num, p->grad, 1e-6 * std::max(1.0, std::fabs(p->grad))) << p->label;
  }
}

// micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), worked by hand in its lecture.
struct Micrograd {
  scalar::Value x1{2.0, "x1"}, x2{0.0, "x2"}, w1{-3.0, "w1", scalar::Node::Param}, w2{1.0, "w2", scalar::Node::Param},
      b{6.8813735870195432, "b", scalar::Node::Param};
  scalar::Value o;
  Micrograd() {
    o = scalar::activate(Activation::Tanh, scalar::sum({x1 * w1, x2 * w2, b}, "n"));
    o.label("o");
    o.backward();
  }
};

TEST(Stepper, ForwardThenBackwardMatchesHandWorkedValues) {
  Micrograd m;
  const explain::Graph g = explain::graph_of(m.o, "micrograd neuron");
  ASSERT_EQ(g.nodes.size(), 9u);  // 5 leaves, 2 products, 1 sum, 1 tanh
  Stepper s(g);
  EXPECT_TRUE(s.computed(0));  // leaves are known from the start
  // Forward: the two products, the sum, then tanh, in topological order.
  std::vector<std::string> seen;
  while (s.phase() == Stepper::Forward) {
    s.step();
    seen.push_back(g.nodes[static_cast<size_t>(s.current())].op);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"*", "*", "sum", "tanh"}));
  EXPECT_NEAR(g.nodes[static_cast<size_t>(g.root)].value, std::sqrt(0.5), 1e-6);
  // First backward step: the seed and d tanh(u)/du with the numbers filled in.
  s.step();
  const auto e = s.explain();
  ASSERT_EQ(e.contributions.size(), 1u);
  EXPECT_NEAR(e.contributions[0].local, 0.5, 1e-6);
  bool formula = false;
  for (const std::string& line : e.lines) formula = formula || line.find("1 − tanh²(u) = 1 − 0.7071² = 0.5") != std::string::npos;
  EXPECT_TRUE(formula) << e.lines[1];
  s.run_to_end();
  EXPECT_EQ(s.phase(), Stepper::Done);
  auto grad_of = [&](const std::string& label) -> double {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].label == label) return s.grad(static_cast<int>(i));
    return NAN;
  };
  EXPECT_NEAR(grad_of("x1"), -1.5, 1e-6);
  EXPECT_NEAR(grad_of("w1"), 1.0, 1e-6);
  EXPECT_NEAR(grad_of("x2"), 0.5, 1e-6);
  EXPECT_NEAR(grad_of("w2"), 0.0, 1e-6);
  EXPECT_NEAR(grad_of("b"), 0.5, 1e-6);
}

TEST(Stepper, AccumulationWhereAValueIsUsedTwiceIsExplained) {
  scalar::Value a(3.0, "a");
  scalar::Value y = a * a;  // dy/da = 2a = 6, from two paths of 3 each
  y.label("y");
  y.backward();
  const explain::Graph g = explain::graph_of(y, "a·a");
  Stepper s(g);
  s.run_to_end();
  const auto e = s.explain();
  ASSERT_EQ(e.contributions.size(), 2u);
  EXPECT_FALSE(e.contributions[0].accumulated);
  EXPECT_TRUE(e.contributions[1].accumulated);
  EXPECT_DOUBLE_EQ(e.contributions[1].before, 3.0);
  EXPECT_DOUBLE_EQ(e.contributions[1].after, 6.0);
  bool meet = false;
  for (const std::string& line : e.lines) meet = meet || line.find("paths meet: 3 + 3 = 6") != std::string::npos;
  EXPECT_TRUE(meet);
}

TEST(Stepper, StepBackRestoresExactlyAndJumpToFindsNodes) {
  Rng rng(9);
  Net n = random_net(rng, Problem::Binary);
  const explain::Graph g = explain::scalar_graph(*n.model, n.config, 0.5, -1.0, 1.0);
  Stepper s(g);
  std::vector<std::pair<int, std::vector<double>>> states;
  auto snapshot = [&] {
    std::vector<double> v;
    for (size_t i = 0; i < g.nodes.size(); ++i) v.push_back(s.grad(static_cast<int>(i)) + (s.computed(static_cast<int>(i)) ? 1e9 : 0));
    return std::pair<int, std::vector<double>>{s.current(), v};
  };
  states.push_back(snapshot());
  while (s.step()) states.push_back(snapshot());
  // The stepper's own backward pass reproduces the scalar engine's gradients.
  for (size_t i = 0; i < g.nodes.size(); ++i)
    EXPECT_NEAR(s.grad(static_cast<int>(i)), g.nodes[i].grad, 1e-9 * std::max(1.0, std::fabs(g.nodes[i].grad))) << g.nodes[i].label;
  for (size_t k = states.size() - 1; k-- > 0;) {
    ASSERT_TRUE(s.step_back());
    ASSERT_EQ(snapshot(), states[k]) << "after stepping back to step " << k;
  }
  EXPECT_FALSE(s.step_back());
  const int target = g.root - 1;
  s.jump_to(target);
  EXPECT_EQ(s.current(), target);
}

TEST(Explain, NeuronGraphAgreesWithScalarGraph) {
  Rng rng(13);
  for (int trial = 0; trial < 10; ++trial) {
    Net n = random_net(rng, trial % 2 ? Problem::Binary : Problem::MultiClass);
    const explain::Graph sg = explain::scalar_graph(*n.model, n.config, 0.2, 0.9, trial % 2);
    const explain::Graph ng = explain::neuron_graph(*n.model, n.config, 0.2, 0.9, trial % 2);
    size_t neurons = 0;
    for (int64_t h : n.config.hidden) neurons += static_cast<size_t>(h);
    neurons += static_cast<size_t>(n.config.outputs());
    EXPECT_EQ(ng.nodes.size(), n.config.features.size() + neurons + 1);
    EXPECT_NEAR(ng.nodes.back().value, sg.nodes.back().value, 1e-12);
    for (size_t i = 0; i < n.config.features.size(); ++i)  // d loss / d input features
      EXPECT_NEAR(ng.nodes[i].grad, sg.nodes[i].grad, 1e-9 * std::max(1.0, std::fabs(sg.nodes[i].grad)));
    Stepper s(ng);
    s.run_to_end();
    EXPECT_NEAR(s.grad(0), ng.nodes[0].grad, 1e-12);
  }
}

TEST(Explain, TensorGraphOfOneTrainingStep) {
  TrainConfig c;
  c.hidden = {3};
  Dataset d = make_dataset("xor", 8, 0.0f, 1);
  Trainer t(c, d, Dataset{});
  const explain::Graph g = explain::tensor_graph(t);
  std::vector<std::string> ops;
  for (const auto& n : g.nodes) ops.push_back(n.op);
  EXPECT_NE(std::find(ops.begin(), ops.end(), "linear"), ops.end());
  EXPECT_NE(std::find(ops.begin(), ops.end(), "tanh"), ops.end());
  EXPECT_EQ(g.nodes.back().op, "bce_with_logits");
  EXPECT_EQ(g.nodes.back().label, "loss");
  // Kinds and backward rules come from the op ids and the data, not from names.
  int targets = 0, params = 0;
  for (const auto& n : g.nodes) {
    targets += n.kind == explain::GNode::Target;
    params += n.kind == explain::GNode::Param;
    const std::string want = n.op == "linear" ? "dW = dYᵀ·X" : n.op == "tanh" ? "1 − tanh²" : n.op == "bce_with_logits" ? "σ(Z) − Y" : "";
    EXPECT_NE(n.backward_rule.find(want), std::string::npos) << n.op << ": " << n.backward_rule;
  }
  EXPECT_EQ(targets, 1);
  EXPECT_EQ(params, 4);  // two weights, two biases
  Stepper s(g);
  s.run_to_end();
  EXPECT_EQ(s.phase(), Stepper::Done);
  EXPECT_FALSE(s.explain().lines.empty());
}

TEST(Explain, BroadcastBackwardShowsTheSumOverTheBatch) {
  EXPECT_EQ(explain::broadcast_summary({200, 16}, {16}), "summed over rows");
  EXPECT_EQ(explain::broadcast_summary({200, 16}, {200, 1}), "summed over columns");
  EXPECT_EQ(explain::broadcast_summary({200, 16}, {}), "summed over rows and columns");
  EXPECT_EQ(explain::broadcast_summary({4, 5, 6}, {5, 1}), "summed over dimension 0 and dimension 2");
  EXPECT_EQ(explain::broadcast_summary({200, 16}, {200, 16}), "");
  EXPECT_EQ(explain::broadcast_summary({1, 4}, {4}), "summed over rows");  // the app traces one point: one row
  EXPECT_EQ(explain::broadcast_summary({1, 4}, {1, 4}), "");
  // In one training step of a 2-16-1 network on 200 points, the hidden layer's backward says
  // how its bias gradient comes from the [200, 16] upstream gradient.
  TrainConfig c;
  c.hidden = {16};
  const Dataset d = make_dataset("xor", 200, 0.0f, 1);
  Trainer t(c, d, Dataset{});
  const explain::Graph g = explain::tensor_graph(t);
  Stepper s(g);
  bool found = false;
  while (s.step()) {
    if (s.phase() == Stepper::Forward) continue;
    const auto e = s.explain();
    for (const std::string& line : e.lines)
      if (line.find("dOut [200, 16] summed over rows → [16]") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "no line shows the bias gradient summed over the batch";
}

TEST(Explain, LayoutGoesLeftToRightWithoutOverlapAndExports) {
  Rng rng(2);
  MlpSpec spec;
  spec.hidden = {8, 8};
  TrainConfig c;
  c.hidden = {8, 8};
  MLP model(c.mlp_spec());
  const explain::Graph g = explain::scalar_graph(model, c, 0.1, 0.2, 1);
  const explain::Layout l = explain::layered_layout(g);
  std::set<std::pair<float, float>> cells;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    EXPECT_TRUE(cells.insert({l.x[i], l.y[i]}).second) << "two nodes share a position";
    for (int in : g.nodes[i].inputs) EXPECT_LT(l.x[static_cast<size_t>(in)], l.x[i]);
  }
  Micrograd m;
  const explain::Graph small = explain::graph_of(m.o, "micrograd");
  EXPECT_EQ(explain::crossings(small, explain::layered_layout(small)), 0);
  const std::string dot = explain::to_dot(small), svg = explain::to_svg(small, explain::layered_layout(small));
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("w1"), std::string::npos);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("tanh"), std::string::npos);
  EXPECT_THROW(explain::parse_level("pixels"), ValueError);
}

TEST(Explain, NegativeOperandsAreParenthesizedInEveryFormula) {
  // "1 − -0.9963² = 0.007313" read as 1.99: a negative number after an operator or under a power
  // must be in parentheses, in every formula template.
  auto bad_after_operator = [](const std::string& t) {
    for (const char* op : {"−", "+", "·", "×", "^"})
      for (size_t at = t.find(op); at != std::string::npos; at = t.find(op, at + 1)) {
        size_t i = at + std::string(op).size();
        if (i < t.size() && t[i] == ' ') ++i;
        if (i + 1 < t.size() && t[i] == '-' && std::isdigit(static_cast<unsigned char>(t[i + 1]))) return true;
      }
    return false;
  };
  auto bad_under_power = [](const std::string& t) {  // "-0.99²" not inside "(...)"
    for (size_t at = t.find("²"); at != std::string::npos; at = t.find("²", at + 1)) {
      size_t i = at;
      while (i > 0 && (std::isdigit(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '.' || t[i - 1] == 'e' || t[i - 1] == '+')) --i;
      if (i > 0 && i < at && t[i - 1] == '-' && (i < 2 || t[i - 2] != '(')) return true;
    }
    return false;
  };
  size_t negatives = 0, checked = 0;
  for (const std::string& t : testing::inspector_texts()) {
    ++checked;
    EXPECT_FALSE(bad_after_operator(t)) << t;
    EXPECT_FALSE(bad_under_power(t)) << t;
    EXPECT_EQ(t.find("-0 "), std::string::npos) << "no negative zero: " << t;
    negatives += t.find("(-") != std::string::npos;
  }
  EXPECT_GT(checked, 1000u);
  EXPECT_GT(negatives, 50u) << "the cases must produce negative operands";
  EXPECT_EQ(explain::format_operand(-0.5), "(-0.5)");
  EXPECT_EQ(explain::format_number(-0.0), "0");
}

}  // namespace
}  // namespace bp
