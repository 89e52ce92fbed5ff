// The inspector's model driven headlessly: tracing a point at each level, the derivative
// check, and "apply update" moving the real network's weights by −lr·grad.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "backprop/grid.h"
#include "backprop/init.h"
#include "model/inspector_model.h"

namespace bp::studio {
namespace {

AppModel& small_model(AppModel& m) {
  DataSettings d;
  d.dataset = "xor";
  d.points = 40;
  m.set_data_settings(d);
  TrainConfig c = m.config();
  c.hidden = {3};
  c.lr = 0.5f;
  m.set_config(c);
  m.run_steps(20);
  return m;
}

TEST(Inspector, TracesAPointAtEveryLevel) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  const StudioPoint p = m.points().front();
  in.trace(p, *m.snapshot(), m.config());
  ASSERT_TRUE(in.ready());
  EXPECT_EQ(in.level(), explain::Level::Scalar);
  // 2 inputs, 9 + 4 weights and biases, 6 + 3 products, 3 + 1 sums, 3 tanh, the loss.
  EXPECT_EQ(in.graph().nodes.size(), 2u + 13u + 9u + 4u + 3u + 1u);
  in.stepper().run_to_end();
  EXPECT_EQ(in.stepper().phase(), explain::Stepper::Done);
  const int w = in.find("w1[1][1]");
  ASSERT_GE(w, 0);
  EXPECT_NEAR(in.stepper().grad(w), in.graph().nodes[static_cast<size_t>(w)].grad, 1e-12);
  in.set_level(explain::Level::Neuron);
  EXPECT_EQ(in.graph().nodes.size(), 2u + 3u + 1u + 1u);
  in.set_level(explain::Level::Tensor);
  EXPECT_EQ(in.graph().nodes.back().label, "loss");
  EXPECT_GE(in.find("linear"), 0);
  EXPECT_LT(in.layout_ms(), 100.0);
}

// The last line of a node's tooltip that starts with `prefix` ("" when none does).
std::string tip_line(const InspectorModel& in, int node, const std::string& prefix) {
  for (const std::string& line : in.node_tip(node))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

TEST(Inspector, ANodesTooltipSaysOnlyWhatTheStepperHasComputed) {
  // Hovering a box used to show its final value and gradient while the box itself said
  // "value ?" (a spoiler mid-forward) or a gradient still being accumulated (two numbers for one
  // node mid-backward).
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points()[5], *m.snapshot(), m.config());
  const explain::Graph& g = in.graph();
  const int loss = g.root, x1 = in.find("x1");
  ASSERT_GE(x1, 0);
  in.stepper().step();
  EXPECT_EQ(in.node_tip(loss).front(), g.nodes[static_cast<size_t>(loss)].label + "  [" + g.nodes[static_cast<size_t>(loss)].op + "]");
  EXPECT_EQ(tip_line(in, loss, "value ?"), "value ? (the forward pass has not reached it)");
  EXPECT_EQ(tip_line(in, loss, "d loss"), "");
  // x1 feeds three products: its gradient is complete only once all three have passed theirs
  // back. Until then the tooltip shows what has been accumulated, as the box does.
  bool partial_seen = false;
  while (in.stepper().step()) {
    if (!in.stepper().has_grad(x1)) {
      EXPECT_EQ(tip_line(in, x1, "d loss"), "");
      continue;
    }
    const double so_far = in.stepper().grad(x1);
    EXPECT_EQ(tip_line(in, x1, "d loss"), "d loss / d x1 = " + explain::format_number(so_far));
    partial_seen |= std::abs(so_far - g.nodes[static_cast<size_t>(x1)].grad) > 1e-9;
  }
  EXPECT_TRUE(partial_seen) << "x1's gradient was never seen part-way accumulated";
  EXPECT_EQ(tip_line(in, x1, "d loss"), "d loss / d x1 = " + explain::format_number(g.nodes[static_cast<size_t>(x1)].grad));
  EXPECT_EQ(tip_line(in, loss, "value ?"), "");
  // The tensor level: the loss's value only once computed.
  in.set_level(explain::Level::Tensor);
  const int tloss = in.graph().root;
  EXPECT_EQ(tip_line(in, tloss, "value"), "value ? (the forward pass has not reached it)");
  in.stepper().run_to_end();
  EXPECT_EQ(tip_line(in, tloss, "value"), "value " + in.graph().nodes[static_cast<size_t>(tloss)].value_text);
  EXPECT_TRUE(in.node_tip(-1).empty());
}

TEST(Inspector, DerivativeCheckAgrees) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points()[3], *m.snapshot(), m.config());
  in.stepper().run_to_end();
  for (const char* name : {"w1[2][1]", "b1[3]", "w2[1][2]", "b2[1]"}) {
    const int node = in.find(name);
    ASSERT_GE(node, 0) << name;
    const auto c = in.derivative_check(node);
    ASSERT_TRUE(c.has_value()) << name;
    EXPECT_LT(c->relative_error, 1e-6) << name << ": " << c->autodiff << " vs " << c->numeric;
  }
  EXPECT_FALSE(in.derivative_check(in.find("x1")).has_value());  // inputs are not parameters
}

TEST(Inspector, ApplyUpdateMovesTheWeightsByMinusLrTimesGrad) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  const StudioPoint p = m.points()[5];
  in.trace(p, *m.snapshot(), m.config());
  in.stepper().run_to_end();
  const auto before_loss = in.graph().nodes.back().value;
  const auto updates = in.update(0.5);
  ASSERT_EQ(updates.size(), 13u);
  for (const auto& u : updates) m.set_weight(u.layer, u.neuron, u.index, static_cast<float>(u.after));
  m.pump();
  const auto s = m.snapshot();
  for (const auto& u : updates) {
    const auto& lw = s->weights[static_cast<size_t>(u.layer)];
    const float now = u.index < 0 ? lw.bias[static_cast<size_t>(u.neuron)] : lw.weight[static_cast<size_t>(u.neuron * lw.in + u.index)];
    EXPECT_NEAR(now, u.after, 1e-6);
  }
  in.refresh(*s, m.config());
  EXPECT_LT(in.graph().nodes.back().value, before_loss);  // one step downhill for this example
}

TEST(Inspector, ANeuronShowsItsWeightsBiasActivationAndTheirGradients) {
  // Checked against the scalar level, an independent graph of every multiply and add: its
  // weight and bias nodes carry the engine's own gradients.
  AppModel m(false);
  small_model(m);
  const StudioPoint p = m.points().front();
  InspectorModel scalar_in, neuron_in;
  scalar_in.trace(p, *m.snapshot(), m.config());
  neuron_in.set_level(explain::Level::Neuron);
  neuron_in.trace(p, *m.snapshot(), m.config());
  ASSERT_TRUE(scalar_in.ready() && neuron_in.ready());
  ASSERT_EQ(neuron_in.level(), explain::Level::Neuron);
  const explain::Graph& sg = scalar_in.graph();
  auto scalar_node = [&](const std::string& label) -> const explain::GNode& {
    const int i = scalar_in.find(label);
    EXPECT_GE(i, 0) << label;
    return sg.nodes[static_cast<size_t>(std::max(i, 0))];
  };
  int checked = 0;
  for (size_t k = 0; k < neuron_in.graph().nodes.size(); ++k) {
    const auto d = neuron_in.neuron_detail(static_cast<int>(k));
    if (neuron_in.graph().nodes[k].op != "neuron") {
      EXPECT_FALSE(d.has_value());
      continue;
    }
    ASSERT_TRUE(d.has_value());
    ++checked;
    EXPECT_NEAR(d->a, neuron_in.graph().nodes[k].value, 1e-5) << "a = f(z) is the node's value";
    for (size_t i = 0; i < d->weights.size(); ++i) {
      const explain::GNode& w = scalar_node(d->weight_names[i]);
      EXPECT_NEAR(d->weights[i], w.value, 1e-6) << d->weight_names[i];
      EXPECT_NEAR(d->weight_grads[i], w.grad, 1e-5 + 1e-4 * std::fabs(w.grad)) << d->weight_names[i];
    }
    const explain::GNode& b = scalar_node(d->bias_name);
    EXPECT_NEAR(d->bias, b.value, 1e-6);
    EXPECT_NEAR(d->bias_grad, b.grad, 1e-5 + 1e-4 * std::fabs(b.grad)) << d->bias_name;
  }
  EXPECT_EQ(checked, 3 + 1) << "three hidden neurons and the output";
  const auto hidden = neuron_in.neuron_detail(neuron_in.find("n1.1"));
  ASSERT_TRUE(hidden.has_value());
  EXPECT_EQ(hidden->activation, "tanh");
  EXPECT_NEAR(hidden->fprime, 1 - hidden->a * hidden->a, 1e-9) << "tanh' = 1 − tanh²";
  EXPECT_EQ(hidden->input_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(neuron_in.neuron_detail(neuron_in.find("out.1"))->activation, "linear") << "the output is a logit: no activation";
}

TEST(Inspector, ThePlayClockStepsAtItsSpeedAndStopsAtTheEnd) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points().front(), *m.snapshot(), m.config());
  ASSERT_TRUE(in.ready());
  EXPECT_EQ(in.advance(1.0), 0) << "paused: no steps";
  in.playing = true;
  in.steps_per_second = 4;
  EXPECT_EQ(in.advance(0.1), 0);  // 0.4 of a step, carried over
  EXPECT_EQ(in.advance(0.2), 1);  // 1.2 steps' worth: one step, 0.2 left
  EXPECT_EQ(in.stepper().steps_taken(), 1u);
  EXPECT_EQ(in.advance(0.5), 2);
  EXPECT_EQ(in.stepper().steps_taken(), 3u);
  in.advance(1e6);  // runs to the end, then stops playing
  EXPECT_EQ(in.stepper().phase(), explain::Stepper::Done);
  EXPECT_FALSE(in.playing);
}

TEST(Inspector, TheGradientMapIsCachedUntilTheTraceChanges) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points().front(), *m.snapshot(), m.config());
  ASSERT_TRUE(in.ready());
  const Region r = m.snapshot()->region;
  const std::vector<float> direct = in.gradient_map(0, 1, r, 8);
  const std::vector<float>* first = &in.cached_gradient_map(0, 1, r, 8);
  EXPECT_EQ(*first, direct);
  const std::vector<float> again = in.cached_gradient_map(0, 1, r, 8);
  EXPECT_EQ(again, direct);
  // Another neuron, then a new trace with trained weights: computed afresh, equal to direct calls.
  EXPECT_EQ(in.cached_gradient_map(0, 2, r, 8), in.gradient_map(0, 2, r, 8));
  m.run_steps(50);
  in.refresh(*m.snapshot(), m.config());
  const std::vector<float> after = in.gradient_map(0, 1, r, 8);
  EXPECT_NE(after, direct) << "training moved the weights";
  EXPECT_EQ(in.cached_gradient_map(0, 1, r, 8), after);
}

}  // namespace
}  // namespace bp::studio

namespace bp::studio {
namespace {

TEST(Inspector, GradientMapMatchesTheScalarGraphAtEachPosition) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  const StudioPoint p = m.points().front();
  in.trace(p, *m.snapshot(), m.config());
  const Region r{-1, 1, -1, 1};
  const auto map = in.gradient_map(0, 1, r, 4);  // hidden layer 1, neuron 2
  ASSERT_EQ(map.size(), 16u);
  const auto s = m.snapshot();
  MLP copy(m.config().mlp_spec());
  for (size_t l = 0; l < copy.linears().size(); ++l) {
    assign_(copy.linears()[l]->weight(), s->weights[l].weight);
    assign_(copy.linears()[l]->bias(), s->weights[l].bias);
  }
  for (int row = 0; row < 4; row += 3)
    for (int col = 0; col < 4; col += 3) {
      const explain::Graph g = explain::scalar_graph(copy, m.config(), grid_x(r, 4, col), grid_y(r, 4, row), p.label);
      double want = NAN;
      for (const auto& n : g.nodes)
        if (n.label == "a1.2") want = n.grad;
      EXPECT_NEAR(map[static_cast<size_t>(row * 4 + col)], want, 1e-5 * std::max(1.0, std::fabs(want))) << row << "," << col;
    }
}

}  // namespace
}  // namespace bp::studio

namespace bp::studio {
namespace {

TEST(Inspector, CollapsingANeuronOrLayerGroupsItsNodesAndExpandsAgain) {
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points().front(), *m.snapshot(), m.config());
  const auto& nodes = in.graph().nodes;
  auto boxes = [&] {
    const auto rep = in.representatives();
    std::set<int> distinct(rep.begin(), rep.end());
    return distinct.size();
  };
  const size_t all = boxes();
  EXPECT_EQ(all, nodes.size());
  // Neuron 1.2: 2 weights, 1 bias, 2 products, its sum and its tanh become one box.
  in.collapse_neuron(0, 1);
  EXPECT_EQ(boxes(), all - 6);
  const auto rep = in.representatives();
  const int a12 = in.find("a1.2");
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].layer == 0 && nodes[i].neuron == 1) EXPECT_EQ(rep[i], a12) << nodes[i].label;
  EXPECT_EQ(rep[static_cast<size_t>(in.find("x1"))], in.find("x1"));  // inputs stay
  in.collapse_layer(0);  // the whole first layer: 3 neurons × 7 nodes → 1 box
  EXPECT_EQ(boxes(), all - 20);
  EXPECT_TRUE(in.is_layer_collapsed(0));
  in.expand(0, 1);
  EXPECT_EQ(boxes(), all);
  in.collapse_neuron(1, 0);
  in.expand_all();
  EXPECT_EQ(boxes(), all);
}

TEST(Inspector, RevisionChangesExactlyWhenTheDrawnGraphDoes) {
  // The view rasterizes the graph again only when the revision (or the stepping) changes.
  AppModel m(false);
  small_model(m);
  InspectorModel in;
  in.trace(m.points().front(), *m.snapshot(), m.config());
  uint64_t r = in.revision();
  auto changed = [&] {
    const bool c = in.revision() != r;
    r = in.revision();
    return c;
  };
  in.stepper().step();
  in.select(3);
  EXPECT_FALSE(changed());  // stepping and selection are keyed separately
  in.refresh(*m.snapshot(), m.config());
  EXPECT_TRUE(changed());
  in.set_level(explain::Level::Neuron);
  EXPECT_TRUE(changed());
  in.set_level(explain::Level::Neuron);
  EXPECT_FALSE(changed());
  in.collapse_layer(0);
  EXPECT_TRUE(changed());
  in.expand(0, -1);
  EXPECT_TRUE(changed());
  in.collapse_neuron(0, 1);
  EXPECT_TRUE(changed());
  in.expand_all();
  EXPECT_TRUE(changed());
}

}  // namespace
}  // namespace bp::studio
