// Which hidden layers are copies of one neuron (model/copied_neurons.h), on weights made by hand:
// equal rows in and columns out are copies, within float rounding and no further; a layer of
// one neuron, or weights that are not finite, never are.
#include "model/copied_neurons.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bp::studio {
namespace {

// A 2-3-1 network whose three hidden neurons all take weights (0.5, -1), bias 0.25, and give 2.
std::vector<LayerWeights> three_copies() {
  return {{2, 3, {0.5f, -1.0f, 0.5f, -1.0f, 0.5f, -1.0f}, {0.25f, 0.25f, 0.25f}},
          {3, 1, {2.0f, 2.0f, 2.0f}, {0.1f}}};
}

TEST(CopiedNeurons, EqualWeightsInBiasAndWeightsOutAreCopies) {
  EXPECT_EQ(copied_layers(three_copies()), (std::vector<CopiedLayer>{{0, 3}}));
  // All zero (the zeros initializer at step 0) counts as equal.
  std::vector<LayerWeights> zeros{{2, 3, std::vector<float>(6, 0.0f), std::vector<float>(3, 0.0f)},
                                  {3, 1, std::vector<float>(3, 0.0f), {0.0f}}};
  EXPECT_EQ(copied_layers(zeros), (std::vector<CopiedLayer>{{0, 3}}));
}

TEST(CopiedNeurons, ADifferenceBeyondRoundingInAnyOfThemIsNot) {
  for (int which = 0; which < 3; ++which) {
    std::vector<LayerWeights> w = three_copies();
    if (which == 0) w[0].weight[5] = -1.001f;  // the third neuron's second weight in
    if (which == 1) w[0].bias[1] = 0.2501f;    // the second neuron's bias
    if (which == 2) w[1].weight[2] = 2.001f;   // the third neuron's weight out
    EXPECT_TRUE(copied_layers(w).empty()) << which;
  }
  // A few ulps apart (a summation order that differs between rows) are still copies.
  std::vector<LayerWeights> w = three_copies();
  w[0].weight[4] = std::nextafter(std::nextafter(0.5f, 1.0f), 1.0f);
  EXPECT_EQ(copied_layers(w).size(), 1u);
}

TEST(CopiedNeurons, OneNeuronOrWeightsNotFiniteAreNeverCopies) {
  const std::vector<LayerWeights> one{{2, 1, {0.0f, 0.0f}, {0.0f}}, {1, 1, {0.0f}, {0.0f}}};
  EXPECT_TRUE(copied_layers(one).empty());
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<LayerWeights> w = three_copies();
    for (float& v : w[0].weight) v = bad;
    EXPECT_TRUE(copied_layers(w).empty()) << bad;
  }
  // Only hidden layers count: the output layer has no weights out.
  EXPECT_TRUE(copied_layers({three_copies()[0]}).empty());
}

TEST(CopiedNeurons, EachHiddenLayerOnItsOwn) {
  // 2-2-2-1: the first hidden layer's neurons differ, the second's are copies.
  const std::vector<LayerWeights> w{{2, 2, {1.0f, 0.0f, 0.0f, 1.0f}, {0.0f, 0.0f}},
                                    {2, 2, {0.3f, -0.3f, 0.3f, -0.3f}, {0.1f, 0.1f}},
                                    {2, 1, {1.5f, 1.5f}, {0.0f}}};
  EXPECT_EQ(copied_layers(w), (std::vector<CopiedLayer>{{1, 2}}));
}

}  // namespace
}  // namespace bp::studio
