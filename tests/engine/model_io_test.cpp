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
  EXPECT_TRUE(back.training);  // the settings are the file's (train --init keeps them)
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
  EXPECT_FALSE(mf.training);
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

TEST(ModelFile, TheDataItWasTrainedOnRoundTripsAndIsValidated) {
  // A generated dataset and a CSV file, each written and read back as it was.
  const ModelFile hand = model_from_json(kHandWritten, "hand.json");
  EXPECT_FALSE(hand.data.has_value());  // no "data" block: nothing recorded
  const DataRecord generated{"spiral", 300, 0.1f, "", 7, 0.75f};
  const DataRecord csv{"", 0, 0, "/data/points.csv", 12345678901234ull, 1.0f};
  for (const DataRecord& rec : {generated, csv}) {
    const ModelFile back = model_from_json(model_to_json(*hand.model, hand.config, rec), "m.json");
    ASSERT_TRUE(back.data.has_value());
    EXPECT_EQ(*back.data, rec);
  }
  // And without one, none is written.
  EXPECT_EQ(model_to_json(*hand.model, hand.config).find("\"data\""), std::string::npos);

  auto with_data = [](const std::string& block) {
    std::string s = kHandWritten;
    return s.insert(s.rfind('}'), ", \"data\": " + block);
  };
  EXPECT_EQ(load_error(with_data(R"({"dataset": "xor", "points": 100, "noise": 0})")), "");
  EXPECT_NE(load_error(with_data("[]")).find("\"data\" must be an object"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"dataset": "nope", "points": 100, "noise": 0})")).find("unknown dataset"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"dataset": "blobs4", "points": 100, "noise": 0})")).find("is a multiclass dataset"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"dataset": "xor", "points": 0, "noise": 0})")).find("\"points\""), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"dataset": "xor", "points": 100, "noise": 2})")).find("\"noise\""), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"dataset": "xor", "noise": 0})")).find("points"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"csv": ""})")).find("1..4096 characters"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"csv": "a.csv", "train_ratio": 0})")).find("(0, 1]"), std::string::npos);
  EXPECT_NE(load_error(with_data(R"({"csv": "a.csv", "seed": -1})")).find("seed"), std::string::npos);
}

TEST(ModelFile, HowLongItWasTrainedRoundTripsAndIsValidated) {
  const ModelFile hand = model_from_json(kHandWritten, "hand.json");
  EXPECT_FALSE(hand.trained.has_value());  // no "trained" block: not known
  EXPECT_EQ(model_to_json(*hand.model, hand.config).find("\"trained\""), std::string::npos);
  for (const TrainedFor t : {TrainedFor{0, 0}, TrainedFor{1500, 12.5}, TrainedFor{INT64_MAX / 2, 1.0 / 3}}) {
    const ModelFile back = model_from_json(model_to_json(*hand.model, hand.config, std::nullopt, t), "m.json");
    ASSERT_TRUE(back.trained.has_value());
    EXPECT_EQ(*back.trained, t) << "every bit of the epochs, too";
  }
  auto with_trained = [](const std::string& block) {
    std::string s = kHandWritten;
    return s.insert(s.rfind('}'), ", \"trained\": " + block);
  };
  EXPECT_EQ(load_error(with_trained(R"({"steps": 20})")), "") << "epochs may be left out";
  EXPECT_NE(load_error(with_trained("7")).find("\"trained\" must be an object"), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"epochs": 2})")).find("steps"), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"steps": -1})")).find("\"trained\": \"steps\""), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"steps": 2.5})")).find("\"trained\": \"steps\""), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"steps": 1e300})")).find("\"trained\": \"steps\""), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"steps": 3, "epochs": -1})")).find("\"trained\": \"epochs\""), std::string::npos);
  EXPECT_NE(load_error(with_trained(R"({"steps": 3, "epochs": "2"})")).find("\"trained\": \"epochs\""), std::string::npos);
}

TEST(ModelFile, WhereTheRunStoppedRoundTripsBitForBitAndIsValidated) {
  // A model trained with Adam in minibatches, part way through an epoch: the "resume" block holds
  // its optimizer's steps and buffers and its place in the minibatch order, every bit of them.
  TrainConfig c;
  c.hidden = {2};
  c.activations = {Activation::Tanh};
  c.optimizer = OptimizerKind::Adam;
  c.batch_size = 8;
  Trainer t(c, make_dataset("xor", 30, 0.1f, 1), Dataset{});
  for (int s = 0; s < 5; ++s) t.step();
  RunState state = t.run_state();
  const ModelFile back = model_from_json(model_to_json(t.model(), t.config(), std::nullopt, std::nullopt, state), "m.json");
  ASSERT_TRUE(back.resume.has_value());
  state.schedule_step = 0;  // not in the file: whoever resumes sets it
  EXPECT_EQ(*back.resume, state);
  EXPECT_EQ(back.resume->optimizer.names, (std::vector<std::string>{"exp_avg", "exp_avg_sq"}));
  EXPECT_EQ(back.resume->shuffles, 2u);
  EXPECT_EQ(back.resume->cursor, 8);  // 30 points in batches of 8: 8, 8, 8, 6, then 8 of the next epoch
  const ModelFile hand = model_from_json(kHandWritten, "hand.json");
  EXPECT_FALSE(hand.resume.has_value());  // none written: none known
  EXPECT_EQ(model_to_json(*hand.model, hand.config).find("\"resume\""), std::string::npos);

  auto with_resume = [](const std::string& block) {
    std::string s = kHandWritten;
    return s.insert(s.rfind('}'), ", \"resume\": " + block);
  };
  // The hand-written network has 4 parameters: 2×2 weights, 2 biases, 1×2 weights, 1 bias.
  const std::string momentum = R"("momentum_buffer": [[1, 2, 3, 4], [0.5, 0.25], [-1, 1], [0]])";
  EXPECT_EQ(load_error(with_resume(R"({"steps": 3, )" + momentum + "}")), "");
  const ModelFile m = model_from_json(with_resume(R"({"steps": 3, )" + momentum + "}"), "m.json");
  EXPECT_EQ(m.resume->optimizer.buffers, (std::vector<std::vector<std::vector<float>>>{{{1, 2, 3, 4}, {0.5f, 0.25f}, {-1, 1}, {0}}}));
  EXPECT_EQ(m.resume->cursor, -1) << "no place in an epoch unless given";
  EXPECT_EQ(load_error(with_resume(R"({"steps": 0})")), "") << "plain SGD's: no buffers";
  EXPECT_NE(load_error(with_resume("[]")).find("\"resume\" must be an object"), std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"shuffles": 1})")).find("\"resume\" has no \"steps\""), std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": -2})")).find("\"resume\": \"steps\""), std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "cursor": -2})")).find("\"resume\": \"cursor\""), std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "shuffles": -1})")).find("\"resume\": \"shuffles\""), std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "exp_avg": [[1, 2, 3, 4], [0, 0], [0, 0]]})")).find("a list of 4 lists, one per parameter"),
            std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "exp_avg": [[1, 2, 3], [0, 0], [0, 0], [0]]})")).find("\"exp_avg\": parameter 0 must have 4 numbers"),
            std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "exp_avg": [[1, 2, 3, "x"], [0, 0], [0, 0], [0]]})")).find("\"exp_avg\"[0][3]"),
            std::string::npos);
  EXPECT_NE(load_error(with_resume(R"({"steps": 1, "exp_avg": [[1, 2, 3, 1e39], [0, 0], [0, 0], [0]]})")).find("\"exp_avg\"[0][3]"),
            std::string::npos);
}

}  // namespace
}  // namespace bp
