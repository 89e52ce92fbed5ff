// Model files: bit-exact round trips, a hand-written (PyTorch-style) file, and validation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "backprop/backprop.h"

namespace bp {
namespace {

std::string load_error(const std::string& text) {
  try {
    model_from_json(text, "m.json");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFile, RoundTripKeepsEveryBitAndSetting) {
  TrainConfig c;
  c.hidden = {5, 3};
  c.activations = {Activation::ReLU, Activation::GELU};
  c.features = {Feature::X1, Feature::X2, Feature::X1X2, Feature::SinX2};
  c.optimizer = OptimizerKind::AdamW;
  c.lr = 0.0123f;
  c.weight_decay = 0.02f;
  c.regularization = {Regularization::L2, 0.001f};
  c.schedule.kind = LrSchedule::Cosine;
  c.schedule.total_steps = 777;
  c.batch_size = 16;
  c.seed = 99;
  MLP m(c.mlp_spec());
  // Values whose shortest decimal forms are long.
  assign_(m.linears()[0]->weight(), std::vector<float>(20, 0.1f + 1e-8f));
  const ModelFile back = model_from_json(model_to_json(m, c), "x");
  const auto a = m.parameters(), b = back.model->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const auto va = a[i].to_vector(), vb = b[i].to_vector();
    ASSERT_EQ(va.size(), vb.size());
    EXPECT_EQ(0, std::memcmp(va.data(), vb.data(), va.size() * sizeof(float)));
  }
  EXPECT_EQ(back.config.hidden, c.hidden);
  EXPECT_EQ(back.config.activations, c.activations);
  EXPECT_EQ(back.config.features, c.features);
  EXPECT_EQ(back.config.optimizer, c.optimizer);
  EXPECT_EQ(back.config.lr, c.lr);
  EXPECT_EQ(back.config.regularization.kind, Regularization::L2);
  EXPECT_EQ(back.config.schedule.total_steps, 777);
  EXPECT_EQ(back.config.batch_size, 16);
  EXPECT_EQ(back.config.seed, 99u);
}

// What a user writes by hand from a PyTorch state_dict (the README's example).
const char* kHandWritten = R"({
  "format": "backprop-studio-model", "version": 1,
  "features": ["x1", "x2"], "problem": "binary", "num_classes": 2,
  "layers": [
    {"type": "linear", "in": 2, "out": 2, "weight": [[0.5, -1.0], [2.0, 0.25]], "bias": [0.1, -0.2]},
    {"type": "activation", "name": "tanh"},
    {"type": "linear", "in": 2, "out": 1, "weight": [[1.5, -0.5]], "bias": [0.3]}
  ]
})";

TEST(ModelFile, HandWrittenFileComputesWhatItSays) {
  const ModelFile mf = model_from_json(kHandWritten, "hand.json");
  NoGradGuard g;
  const float out = (*mf.model)(Tensor::from_vector({1.0f, 2.0f}, {1, 2})).item();
  const double h0 = std::tanh(0.5 * 1 - 1.0 * 2 + 0.1), h1 = std::tanh(2.0 * 1 + 0.25 * 2 - 0.2);
  EXPECT_NEAR(out, 1.5 * h0 - 0.5 * h1 + 0.3, 1e-6);
  EXPECT_EQ(mf.config.loss, LossKind::BCE);  // no "training" block: defaults
}

TEST(ModelFile, ValidationNamesTheProblem) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = kHandWritten;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_NE(load_error("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(load_error("[]").find("JSON object"), std::string::npos);
  EXPECT_NE(load_error(with("backprop-studio-model", "other")).find("not a Backprop Studio model"), std::string::npos);
  EXPECT_NE(load_error(with("\"version\": 1", "\"version\": 7")).find("newer"), std::string::npos);
  EXPECT_NE(load_error(with("\"x2\"]", "\"x9\"]")).find("unknown input feature"), std::string::npos);
  EXPECT_NE(load_error(with("\"in\": 2, \"out\": 1", "\"in\": 3, \"out\": 1")).find("\"in\" is 3"), std::string::npos);
  EXPECT_NE(load_error(with("[[1.5, -0.5]]", "[[1.5]]")).find("weight row 0"), std::string::npos);
  EXPECT_NE(load_error(with("[0.3]", "[1e39]")).find("not a finite float"), std::string::npos);
  EXPECT_NE(load_error(with("[0.3]", "[\"a\"]")).find("must be a number"), std::string::npos);
  EXPECT_NE(load_error(with("\"tanh\"", "\"tanhh\"")).find("unknown activation"), std::string::npos);
  EXPECT_NE(load_error(with("\"out\": 2, \"weight\"", "\"out\": 999999, \"weight\"")).find("outside"), std::string::npos);
  EXPECT_NE(load_error(with("\"problem\": \"binary\"", "\"problem\": \"multiclass\"")).find("outputs"), std::string::npos);
  EXPECT_NE(load_error(std::string(100000, '[')).find("nested"), std::string::npos);
  EXPECT_NE(load_error(with("\"type\": \"linear\", \"in\": 2, \"out\": 1", "\"type\": \"conv\", \"in\": 2, \"out\": 1")).find("unknown layer type"), std::string::npos);
  EXPECT_EQ(load_error(kHandWritten), "");
}

}  // namespace
}  // namespace bp
