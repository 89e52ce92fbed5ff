#include "model/gradient_flow.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "backprop/health.h"

namespace bp::studio {

std::vector<float> gradient_norms(const std::vector<LayerWeights>& gradients) {
  std::vector<float> norms;
  for (const LayerWeights& g : gradients) {
    double sum = 0;
    for (const auto* part : {&g.weight, &g.bias})
      for (float v : *part) sum += static_cast<double>(v) * v;
    norms.push_back(static_cast<float>(std::sqrt(sum)));
  }
  return norms;
}

std::string gradient_flow_verdict(const std::vector<float>& norms, const std::vector<Activation>& activations, const std::vector<int>& dead,
                                  const std::vector<int>& widths, const std::vector<LayerWeights>& weights, bool zeros_init,
                                  DeadReLURemedy dead_remedy) {
  if (norms.empty()) return "";
  char b[400];
  for (size_t l = 0; l < norms.size(); ++l)
    if (!std::isfinite(norms[l]) || norms[l] >= kExplodingNorm) {
      std::snprintf(b, sizeof b,
                    "Exploding gradients: layer %zu's gradient norm is %.3g. Steps this large throw the weights far "
                    "off; lower the learning rate.",
                    l + 1, static_cast<double>(norms[l]));
      return b;
    }
  // A layer whose weights are all 0 passes back nothing (∂L/∂h = Wᵀ δ = 0): the zeros
  // initializer, which leaves every layer below it (and a ReLU layer itself) stuck for good, or
  // weight decay, which pulls weights to 0 (or within kZeroWeight of it: as good as nothing).
  for (size_t j = std::min(weights.size(), norms.size()); j-- > 1;)
    if (all_zero_weights(weights[j].weight)) {
      const std::string name = j + 1 == norms.size() ? "the output layer" : "layer " + std::to_string(j + 1);
      std::snprintf(b, sizeof b,
                    zeros_init ? "No gradient gets past %s: its weights are all 0 (the zeros initializer), so the layers below it "
                                 "get a gradient of 0 and never start learning. Reset with another initializer."
                               : "No gradient gets past %s: its weights are all 0 (none above 1e-6 in size), so the layers below "
                                 "it get a gradient of 0 and no longer learn (weight decay or regularization pulls weights to 0, "
                                 "those that no longer learn, such as a dead ReLU's, too).",
                    name.c_str());
      return b;
    }
  // A hidden layer whose ReLUs are all dead passes back nothing: every layer below it gets 0.
  // Why, and what to do, as the Training panel's banner has it.
  const char* why = dead_remedy == DeadReLURemedy::LowerRate ? "The learning rate was too high: reset with a lower one."
                    : dead_remedy == DeadReLURemedy::LeakyReLU
                        ? "Not the learning rate (the loss fell without jumps): gradient descent turned them off; leaky ReLU never dies."
                    : dead_remedy == DeadReLURemedy::AnotherSeed ? "The initial weights left them dead: reset with another seed."
                    : dead_remedy == DeadReLURemedy::Reset       ? "They were dead in the weights training started from: reset."
                    : dead_remedy == DeadReLURemedy::DefaultInit ? "Reset with another initializer."
                                                                 : "";
  for (size_t l = 0; l < dead.size() && l < widths.size(); ++l)
    if (widths[l] > 0 && dead[l] == widths[l]) {
      std::snprintf(b, sizeof b,
                    "No gradient gets past layer %zu: all %d of its ReLUs are dead (0 for every training point), so "
                    "layer %zu and the layers below it have stopped learning.%s%s",
                    l + 1, widths[l], l + 1, *why ? " " : "", why);
      return b;
    }
  const double first = norms.front(), last = norms.back();
  if (norms.size() >= 2 && last > 0 && first < kVanishingRatio * last) {
    const bool sigmoid = std::find(activations.begin(), activations.end(), Activation::Sigmoid) != activations.end();
    std::snprintf(b, sizeof b, "Vanishing gradients: the first layer gets %.2g times the gradient of the last, so it barely learns. %s",
                  first / last,
                  sigmoid ? "Each sigmoid passes back at most 1/4 of the gradient; try tanh or ReLU, or fewer layers."
                          : "Each layer scales the gradient by its weights and its activation's slope; try fewer layers or "
                            "another initializer.");
    return b;
  }
  return "";
}

}  // namespace bp::studio
