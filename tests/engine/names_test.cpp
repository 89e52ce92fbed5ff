// Every enum's names (what files and flags spell): each value's name parses back to it, the
// aliases parse, and an unknown name gets one message listing every name.
#include <gtest/gtest.h>

#include <string>

#include "backprop/backprop.h"

namespace bp {
namespace {

template <class E, class Name, class Parse>
void round_trip(std::initializer_list<E> values, Name name, Parse parse, const std::string& what) {
  std::string listed;
  for (E v : values) {
    EXPECT_EQ(parse(name(v)), v) << name(v);
    listed += (listed.empty() ? "" : ", ") + std::string(name(v));
  }
  try {
    parse("no-such-name");
    ADD_FAILURE() << what << ": an unknown name was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown " + what + " 'no-such-name' (expected one of: " + listed + ")");
  }
}

TEST(Names, EveryEnumRoundTripsAndListsItsNamesOnError) {
  round_trip({Problem::Binary, Problem::MultiClass, Problem::Regression}, problem_name, parse_problem, "problem type");
  round_trip({explain::Level::Scalar, explain::Level::Neuron, explain::Level::Tensor}, explain::level_name, explain::parse_level,
             "graph level");
  round_trip({LossKind::BCE, LossKind::SoftmaxCE, LossKind::MSE, LossKind::Hinge}, loss_name, parse_loss, "loss");
  round_trip({Regularization::None, Regularization::L1, Regularization::L2}, regularization_name, parse_regularization, "regularization");
  round_trip({LrSchedule::Constant, LrSchedule::Step, LrSchedule::Cosine}, schedule_name, parse_schedule, "schedule");
  round_trip({OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam, OptimizerKind::AdamW}, optimizer_name, parse_optimizer,
             "optimizer");
  round_trip({Init::Default, Init::Uniform, Init::XavierUniform, Init::XavierNormal, Init::KaimingUniform, Init::KaimingNormal, Init::Zeros},
             init_name, parse_init, "initializer");
  std::vector<Feature> features = all_features();
  EXPECT_EQ(features.size(), 7u);
  for (Feature f : features) EXPECT_EQ(parse_feature(feature_name(f)), f);
  std::vector<Activation> acts = all_activations();
  EXPECT_EQ(acts.size(), 12u);
  for (Activation a : acts) EXPECT_EQ(parse_activation(activation_name(a)), a);
}

TEST(Names, AliasesParseButAreNotListed) {
  EXPECT_EQ(parse_feature("x"), Feature::X1);
  EXPECT_EQ(parse_feature("x1²"), Feature::X1Squared);
  EXPECT_EQ(parse_feature("x1·x2"), Feature::X1X2);
  EXPECT_EQ(parse_feature("sin_x2"), Feature::SinX2);
  EXPECT_EQ(parse_activation("swish"), Activation::SiLU);
  EXPECT_EQ(parse_activation("none"), Activation::Identity);
  try {
    parse_activation("tanhh");
    ADD_FAILURE();
  } catch (const ValueError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("(expected one of: linear, relu, leaky_relu"), std::string::npos) << m;
    EXPECT_EQ(m.find("swish"), std::string::npos) << "aliases are not listed: " << m;
  }
}

TEST(DidYouMean, NamesTheNearestNameWhenItIsASlip) {
  const std::vector<std::string> names{"spiral", "spiral3", "xor", "circle", "moons", "--steps", "--hidden", "--seed"};
  EXPECT_EQ(did_you_mean("spirl", names), " (did you mean 'spiral'?)");      // a letter left out
  EXPECT_EQ(did_you_mean("Spiral", names), " (did you mean 'spiral'?)");     // case aside
  EXPECT_EQ(did_you_mean("xro", names), " (did you mean 'xor'?)");           // two letters swapped
  EXPECT_EQ(did_you_mean("cirlce", names), " (did you mean 'circle'?)");
  EXPECT_EQ(did_you_mean("--stepz", names), " (did you mean '--steps'?)");   // a letter changed
  EXPECT_EQ(did_you_mean("--hiden", names), " (did you mean '--hidden'?)");
  EXPECT_EQ(did_you_mean("spiral33", names), " (did you mean 'spiral3'?)");  // the nearest of two
  // Not near enough to be a slip: one edit is allowed up to five letters, two from six.
  EXPECT_EQ(did_you_mean("xyz", names), "");
  EXPECT_EQ(did_you_mean("mons", names), " (did you mean 'moons'?)");
  EXPECT_EQ(did_you_mean("mns", names), "");
  EXPECT_EQ(did_you_mean("spxrxl", names), " (did you mean 'spiral'?)");
  EXPECT_EQ(did_you_mean("sxxrxl", names), "");
  EXPECT_EQ(did_you_mean("", names), "");
  EXPECT_EQ(did_you_mean("spirl", {}), "");
  // What it echoes is quoted: no control character reaches a terminal.
  EXPECT_EQ(did_you_mean("xor\x1b", {"xor\x1b[2J"}), "");
  EXPECT_EQ(did_you_mean("xo", {"x\x1b"}), " (did you mean 'x\\x1B'?)");
}

TEST(Counted, IsPluralButForOne) {
  EXPECT_EQ(counted(1, "step"), "1 step");
  EXPECT_EQ(counted(0, "step"), "0 steps");
  EXPECT_EQ(counted(2000, "hidden layer"), "2000 hidden layers");
  EXPECT_EQ(counted(-1, "step"), "-1 steps");
}

TEST(CommaSeparated, JoinsNamesForASentence) {
  EXPECT_EQ(comma_separated({}), "");
  EXPECT_EQ(comma_separated({"exp_avg"}), "exp_avg");
  EXPECT_EQ(comma_separated({"exp_avg", "exp_avg_sq", "x"}), "exp_avg, exp_avg_sq, x");
}

}  // namespace
}  // namespace bp
