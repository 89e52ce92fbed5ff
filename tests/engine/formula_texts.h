// Every text the step-through inspector prints for a spread of networks: each activation, each
// loss and problem type, random weights of both signs (so negative operands appear), at the
// scalar, neuron and tensor levels, forward and backward. Shared by the formula tests and the
// app's glyph test.
#pragma once
#include <string>
#include <vector>

#include "backprop/backprop.h"

namespace bp::testing {

inline std::vector<std::string> inspector_texts() {
  std::vector<std::string> out;
  Rng rng(5);
  struct Case {
    Problem problem;
    LossKind loss;
  };
  const Case cases[] = {{Problem::Binary, LossKind::BCE},        {Problem::Binary, LossKind::Hinge},
                        {Problem::Binary, LossKind::MSE},        {Problem::MultiClass, LossKind::SoftmaxCE},
                        {Problem::Regression, LossKind::MSE}};
  for (Activation act : all_activations()) {
    for (const Case& c : cases) {
      TrainConfig cfg;
      cfg.problem = c.problem;
      cfg.num_classes = c.problem == Problem::MultiClass ? 3 : c.problem == Problem::Regression ? 0 : 2;
      cfg.loss = c.loss;
      cfg.hidden = {3};
      cfg.activations = {act};
      cfg.features = {Feature::X1, Feature::X2, Feature::X1Squared, Feature::X1X2, Feature::SinX1};
      cfg.seed = rng.next_u64() % 1000;
      auto net = std::make_shared<MLP>(cfg.mlp_spec());
      const MLP& model = *net;
      for (const Tensor& p : net->parameters()) {
        std::vector<float> v(static_cast<size_t>(p.numel()));
        for (float& x : v) x = rng.uniform(-2.0f, 2.0f);
        assign_(p, v);
      }
      const double label = c.problem == Problem::Regression ? -0.75 : 1.0;
      for (explain::Level level : {explain::Level::Scalar, explain::Level::Neuron, explain::Level::Tensor}) {
        explain::Graph g;
        if (level == explain::Level::Tensor) {
          Dataset d;
          d.problem = cfg.problem;
          d.num_classes = cfg.num_classes;
          d.points = {{-0.6f, 0.4f, static_cast<float>(label)}, {0.3f, -0.9f, 0.0f}};
          Trainer t(cfg, d, Dataset{}, net);
          g = explain::tensor_graph(t);
        } else {
          g = level == explain::Level::Scalar ? explain::scalar_graph(model, cfg, -0.6, 0.4, label)
                                              : explain::neuron_graph(model, cfg, -0.6, 0.4, label);
        }
        for (const explain::GNode& n : g.nodes) {
          out.push_back(n.label);
          out.push_back(n.backward_rule);
          out.push_back(n.value_text);
          out.push_back(n.grad_text);
          out.push_back(n.shape);
        }
        out.push_back(g.title);
        explain::Stepper st(g);
        while (st.step())
          for (const std::string& line : st.explain().lines) out.push_back(line);
      }
    }
  }
  return out;
}

}  // namespace bp::testing
