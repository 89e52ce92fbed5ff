// End-to-end tests of the `backprop` binary: round trips, exact resume, every class of bad
// input with its exit status and message, the PNG plot, bench and graph output.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <stb/stb_image.h>

namespace {

namespace fs = std::filesystem;

// The `backprop` binary: the one built beside these tests, or $BACKPROP_CLI (the tests copied to
// another machine with it, as scripts/gpu-check.sh does).
std::string cli_binary() {
  const char* e = std::getenv("BACKPROP_CLI");
  return e && *e ? e : BACKPROP_CLI;
}

struct Outcome {
  int status;
  std::string out, err;
};

double field_after(const std::string& text, const std::string& key) {
  const size_t at = text.rfind(key);
  EXPECT_NE(at, std::string::npos) << key << " not in: " << text;
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

class Cli : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("bp_cli_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  std::string path(const std::string& name) const { return (dir / name).string(); }

  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  /// Runs the CLI with `args`, with `env` ("NAME=value ...") set for it.
  /// `as`: a prefix that runs it as another user (as_a_user).
  Outcome run(const std::string& args, const std::string& env = "", const std::string& as = "") const {
    const std::string cmd = as + (env.empty() ? "" : "env " + env + " ") + cli_binary() + " " + args + " > " + path("stdout") +
                            " 2> " + path("stderr") + " < /dev/null";
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(path("stdout")), slurp(path("stderr"))};
  }

  void write(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }

  /// The prefix for run() that makes a command as a user whom file permissions stop: "" for this
  /// process's user; as root (whom none stop), setpriv as the user nobody, with the test folder
  /// opened to them. None where nobody cannot run the binary.
  std::optional<std::string> as_a_user() const {
    if (::geteuid() != 0) return "";
    const std::string as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (std::system((as + "test -x " + cli_binary()).c_str()) != 0) return std::nullopt;
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    return as;
  }

  /// A command line and what its error must say.
  struct Refusal {
    std::string args, message;
  };
  /// Runs each command line, which must be refused as a usage error (exit 2) with its message;
  /// returns the outcomes, in order, for further checks.
  std::vector<Outcome> expect_usage_errors(const std::vector<Refusal>& cases) const {
    std::vector<Outcome> outcomes;
    for (const Refusal& c : cases) {
      outcomes.push_back(run(c.args));
      const Outcome& r = outcomes.back();
      EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
      EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << " gave: " << r.err;
    }
    return outcomes;
  }

  /// A train run with --save m.json --log log.csv that `err` says stopped early: the log ends at
  /// that step, and the model loads and evaluates.
  void expect_written_as_stopped(const std::string& err) const {
    const double stopped = field_after(err, "stopped after step ");
    EXPECT_GT(stopped, 0) << err;
    const std::string log = slurp(path("log.csv"));
    const size_t last = log.rfind('\n', log.size() - 2);
    ASSERT_NE(last, std::string::npos) << log;
    EXPECT_EQ(std::stod(log.substr(last + 1)), stopped) << log;
    const Outcome e = run("eval -m " + path("m.json"));
    EXPECT_EQ(e.status, 0) << e.err;
  }
};

// Whether this machine could train on CUDA (`backprop` says so in its auto message).
bool cuda_available_here() {
  static const bool yes = [] {
    const int raw = std::system((cli_binary() + " train --steps 0 -q --device cuda > /dev/null 2>&1").c_str());
    return WIFEXITED(raw) && WEXITSTATUS(raw) == 0;
  }();
  return yes;
}

TEST_F(Cli, TrainSaveEvalRoundTrip) {
  const Outcome t = run("train -d circle -n 200 --train-ratio 1 --hidden 6,6 --steps 300 --save " + path("m.json"));
  ASSERT_EQ(t.status, 0) << t.err;
  const double train_acc = field_after(t.out, "train accuracy ");
  const double train_loss = field_after(t.out, "train loss ");
  EXPECT_GT(train_acc, 0.9);
  const Outcome e = run("eval -m " + path("m.json") + " -d circle -n 200");
  ASSERT_EQ(e.status, 0) << e.err;
  EXPECT_NEAR(field_after(e.out, "accuracy "), train_acc, 1e-4);
  EXPECT_NEAR(field_after(e.out, "loss "), train_loss, 1e-6);
  EXPECT_NE(e.out.find("confusion matrix"), std::string::npos);
}

TEST_F(Cli, EvalWithNoDataNamedUsesTheDataTheModelWasTrainedOn) {
  // It used to fall back to pg-circle: a spiral model scored as if it were guessing.
  ASSERT_EQ(run("train -d spiral -n 300 --noise 0.1 --data-seed 7 --hidden 16,16 --steps 300 -q --save " + path("m.json")).status, 0);
  const Outcome own = run("eval -m " + path("m.json"));
  ASSERT_EQ(own.status, 0) << own.err;
  EXPECT_NE(own.out.find("on spiral (300 points, the data it was trained on)"), std::string::npos) << own.out;
  // The same numbers as naming that data in full.
  const Outcome named = run("eval -m " + path("m.json") + " -d spiral -n 300 --noise 0.1 --data-seed 7");
  ASSERT_EQ(named.status, 0) << named.err;
  EXPECT_EQ(field_after(own.out, "accuracy "), field_after(named.out, "accuracy "));
  EXPECT_EQ(field_after(own.out, "loss "), field_after(named.out, "loss "));
  EXPECT_EQ(named.out.find("the data it was trained on"), std::string::npos);
  // A flag changes only what it names, and says so: 50 points are not 50 of its 300 (and what
  // keeps the network from learning is not judged on them); the same value as the model's changes
  // nothing. -d names other data outright.
  EXPECT_NE(run("eval -m " + path("m.json") + " -n 50").out.find("on spiral (50 points, the data it was trained on, but with -n 50)"),
            std::string::npos);
  EXPECT_NE(run("eval -m " + path("m.json") + " -n 300 --noise 0.1 --data-seed 7").out.find("on spiral (300 points, the data it was trained on)\n"),
            std::string::npos);
  const Outcome other = run("eval -m " + path("m.json") + " --noise 0.3 --data-seed 8 --split test --train-ratio 0.5");
  EXPECT_NE(other.out.find("(150 points, the test split of the data it was trained on, but with --noise 0.3, --data-seed 8 and "
                           "--train-ratio 0.5)"),
            std::string::npos)
      << other.out;
  EXPECT_NE(run("train --init " + path("m.json") + " -n 40 --steps 1").out.find("(cpu; the data it was trained on, but with -n 40)"),
            std::string::npos);
  EXPECT_NE(run("eval -m " + path("m.json") + " -d pg-xor").out.find("on pg-xor (400 points)"), std::string::npos);

  // A CSV file is recorded by its absolute path; gone, eval says which file and what to do.
  ASSERT_EQ(run("datasets --export xor -n 100 --out " + path("x.csv")).status, 0);
  ASSERT_EQ(run("train --data " + path("x.csv") + " --steps 50 -q --save " + path("c.json")).status, 0);
  const Outcome csv = run("eval -m " + path("c.json"));
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_NE(csv.out.find("(100 points, the data it was trained on)"), std::string::npos) << csv.out;
  fs::rename(path("x.csv"), path("y.csv"));
  const Outcome gone = run("eval -m " + path("c.json"));
  EXPECT_EQ(gone.status, 1);
  EXPECT_NE(gone.err.find("x.csv"), std::string::npos) << gone.err;
  EXPECT_NE(gone.err.find("name other data with -d or --data"), std::string::npos) << gone.err;
  EXPECT_EQ(run("eval -m " + path("c.json") + " --data " + path("y.csv")).status, 0);
  // -n and --noise make generated points: with points from a file they did nothing, unsaid.
  const Outcome n = run("eval -m " + path("c.json") + " --data " + path("y.csv") + " -n 5");
  EXPECT_EQ(n.status, 2);
  EXPECT_NE(n.err.find("backprop eval: error: -n: --data reads its points from "), std::string::npos) << n.err;
  EXPECT_NE(n.err.find("; -n and --noise make generated points (-d) only"), std::string::npos) << n.err;
  fs::rename(path("y.csv"), path("x.csv"));
  const Outcome noise = run("eval -m " + path("c.json") + " --noise 0.2");
  EXPECT_EQ(noise.status, 2);
  EXPECT_NE(noise.err.find("error: --noise: the model's points were read from " + path("x.csv")), std::string::npos) << noise.err;
  // -d and --data: the file won, unsaid.
  const Outcome both = run("train -d xor --data " + path("x.csv") + " --steps 1 -q");
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("error: --data: give -d (a generated dataset) or --data (points from a file), not both"), std::string::npos)
      << both.err;
  // A k-class CSV file's labels are read as the model's problem.
  ASSERT_EQ(run("datasets --export blobs4 -n 120 --out " + path("b.csv")).status, 0);
  ASSERT_EQ(run("train --data " + path("b.csv") + " --problem multiclass --steps 50 -q --save " + path("k.json")).status, 0);
  const Outcome k = run("eval -m " + path("k.json"));
  EXPECT_EQ(k.status, 0) << k.err;
  EXPECT_NE(k.out.find("(120 points, the data it was trained on)"), std::string::npos) << k.out;
}

TEST_F(Cli, EvalScoresTheTrainOrTestSplitAsTrainSplitIt) {
  // eval scored all of a model's points (train and test together): the held-out figures that
  // `backprop train` ends with could not be had again from the saved model.
  const Outcome t = run("train -d spiral -n 300 --train-ratio 0.7 --data-seed 3 --hidden 16,16 --steps 200 --save " + path("m.json"));
  ASSERT_EQ(t.status, 0) << t.err;
  const double train_loss = field_after(t.out, "train loss "), test_loss = field_after(t.out, "test loss ");
  const double train_acc = field_after(t.out, "train accuracy "), test_acc = field_after(t.out, "test accuracy ");
  ASSERT_GT(train_acc, test_acc);  // so that scoring the wrong split would show
  const Outcome test = run("eval " + path("m.json") + " --split test");  // the model file without -m
  ASSERT_EQ(test.status, 0) << test.err;
  EXPECT_NE(test.out.find("on spiral (90 points, the test split of the data it was trained on)"), std::string::npos) << test.out;
  EXPECT_NEAR(field_after(test.out, "loss "), test_loss, 1e-6);
  EXPECT_NEAR(field_after(test.out, "accuracy "), test_acc, 1e-4);
  const Outcome train = run("eval -m " + path("m.json") + " --split train");
  ASSERT_EQ(train.status, 0) << train.err;
  EXPECT_NE(train.out.find("on spiral (210 points, the train split of the data it was trained on)"), std::string::npos) << train.out;
  EXPECT_NEAR(field_after(train.out, "loss "), train_loss, 1e-6);
  EXPECT_NEAR(field_after(train.out, "accuracy "), train_acc, 1e-4);
  // All the points, as before, unless --split says.
  EXPECT_NE(run("eval " + path("m.json")).out.find("on spiral (300 points, the data it was trained on)"), std::string::npos);
  // Other data is split as `backprop train` would split it.
  const Outcome other = run("eval " + path("m.json") + " -d pg-xor -n 100 --split test --train-ratio 0.6");
  EXPECT_NE(other.out.find("on pg-xor (40 points, the test split)"), std::string::npos) << other.out;
  // Asking for what cannot be.
  const std::pair<std::string, std::string> bad[] = {
      {"--split tset", "backprop eval: error: --split: unknown split 'tset' (expected one of: all, train, test)"},
      {"--train-ratio 0.5", "backprop eval: error: --train-ratio: scores a split only with --split train or --split test"},
      {"--split test --train-ratio 1", "backprop eval: error: --split: the test split of these 300 points is empty (train ratio 1)"},
  };
  for (const auto& [args, message] : bad) {
    const Outcome r = run("eval " + path("m.json") + " " + args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
}

TEST_F(Cli, ALossThatEndsAboveWhereItStartedGetsAWarningWithItsFlag) {
  // SGD at rate 20 (tanh): the run ends at a loss near 4.5, above the untrained network's 0.69,
  // and nothing was said; at 5 it learns.
  Outcome r = run("train --optimizer sgd --lr 20 --steps 1000 --device cpu -q --save " + path("m.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("backprop train: warning: The training loss stays above where it started: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the learning rate 20 is probably too high. Try a lower --lr.\n"), std::string::npos) << r.err;
  r = run("train --optimizer sgd --lr 5 --steps 1000 --device cpu -q");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  r = run("train --optimizer sgd --lr 1 --weight-decay 2 --steps 1000 --device cpu -q");
  EXPECT_NE(r.err.find("is too large for learning rate 1. Try a lower --lr, --weight-decay or --reg-rate.\n"), std::string::npos) << r.err;
  // A saved model has no loss history to judge by.
  r = run("eval " + path("m.json"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("overshoots"), std::string::npos) << r.err;
}

TEST_F(Cli, SaturatedUnitsWithNothingLearnedGetAWarningWithItsFlag) {
  // Adam at rate 3 (tanh) on the default circle: the loss ends at 0.694, one answer's 0.693,
  // every tanh output at -1 or 1, and nothing was said; at 0.3 it learns.
  Outcome r = run("train --lr 3 --steps 1000 --device cpu -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("backprop train: warning: The network is not learning: its training loss, "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("where tanh is flat"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the learning rate 3 is probably too high. Try a lower --lr.\n"), std::string::npos) << r.err;
  r = run("train --lr 0.3 --steps 1000 --device cpu -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST_F(Cli, TrainingPointsOfOneClassAreSaidAsSuchNotBlamedOnTheRate) {
  // 50 points of class 1: the network fits them (loss 3e-5) and was told "The network is not
  // learning ... the learning rate 0.03 is probably too high" (tanh), or of dead ReLUs that keep
  // it from learning (relu).
  std::string csv = "x,y,label\n";
  for (int i = 1; i <= 50; ++i) csv += std::to_string(0.01 * i) + "," + std::to_string(-0.01 * i) + ",1\n";
  write("one.csv", csv);
  for (const char* activation : {"tanh", "relu"}) {
    const Outcome r = run("train --data " + path("one.csv") + " --activation " + activation + " --steps 1000 --device cpu -q");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err,
              "backprop train: warning: All 40 training points are class 1, so one answer for every point fits them all: there is no "
              "boundary to learn. Give it points of another class too.\n")
        << activation;
  }
  Outcome r = run("train --data " + path("one.csv") + " --problem regression --steps 300 --device cpu -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: All 40 training points have the value 1, so one answer for every point fits them all: there is nothing "
                       "else to learn. Give it points with other values too."),
            std::string::npos)
      << r.err;
  r = run("train -n 1 --steps 300 --device cpu -q");
  EXPECT_NE(r.err.find("warning: The one training point is class "), std::string::npos) << r.err;
}

TEST_F(Cli, ALossJumpingAroundAboveItsStartAndOneSaturatedLayerAreNamed) {
  // Plain SGD at rate 10 on the spiral: the loss jumps between 0.53 and 3.3, 0.88 lately against
  // 0.69 at the start, at 67.5% accuracy; Adam at rate 1 on the moons leaves a sigmoid network's
  // layer 2 all at 0, the loss at one answer's. Nothing was said of either.
  Outcome r = run("train -d pg-spiral --optimizer sgd --lr 10 --steps 2000 -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: The training loss stays above where it started: 0.878 over steps 1801-2000, against 0.691 at the "
                       "start. Each step overshoots the minimum"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the learning rate 10 is probably too high. Try a lower --lr.\n"), std::string::npos) << r.err;
  r = run("train -d moons --activation sigmoid --optimizer adam --lr 1 --steps 2000 -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: The network is not learning: its training loss, 0.693 over steps 1801-2000, is no better than one "
                       "answer for every point (0.693). 100.0% of layer 2's sigmoid outputs are at 0 or 1"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Try a lower --lr.\n"), std::string::npos) << r.err;
}

TEST_F(Cli, TargetsInTheThousandsAreNamedAsWhyARegressionDoesNotLearnNotTheRate) {
  // Playground's bumps with each target y written as 1000 · y + 5000: Adam's loss stays at 2e7,
  // far above one answer's for every point, with every tanh at its limits, and the warning said
  // "the learning rate 0.03 is probably too high. Try a lower --lr." (at 0.003 it is no better).
  ASSERT_EQ(run("datasets --export pg-multigauss --out " + path("b.csv")).status, 0);
  std::istringstream in(slurp(path("b.csv")));
  std::string line, big = "x,y,label\n";
  std::getline(in, line);
  while (std::getline(in, line)) {
    const size_t comma = line.rfind(',');
    big += line.substr(0, comma + 1) + std::to_string(1000 * std::stod(line.substr(comma + 1)) + 5000) + "\n";
  }
  write("big.csv", big);
  for (const char* lr : {"0.03", "0.003"}) {
    const Outcome r = run("train --data " + path("big.csv") + " --problem regression --steps 2000 -q --lr " + lr);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("warning: The network is not learning: its training loss, "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Its targets (4084 to 5926) are far from the -1..1 its outputs start near"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Scale the targets in --data to -1..1: subtract 5005, then divide by 920.7.\n"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("--lr"), std::string::npos) << r.err;
  }
  // The bumps as they are: nothing to say.
  const Outcome fine = run("train --data " + path("b.csv") + " --problem regression --steps 2000 -q");
  ASSERT_EQ(fine.status, 0) << fine.err;
  EXPECT_EQ(fine.err.find("warning"), std::string::npos) << fine.err;
}

TEST_F(Cli, ResumingWithNoDataNamedTrainsOnTheDataAndSplitTheModelWasTrainedOn) {
  ASSERT_EQ(run("train -d spiral -n 300 --train-ratio 0.7 --data-seed 3 --hidden 16,16 --steps 100 -q --save " + path("m.json")).status, 0);
  const Outcome resumed = run("train --init " + path("m.json") + " --steps 100");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("on spiral (cpu; the data it was trained on): 210 train / 90 test points"), std::string::npos) << resumed.out;
  const Outcome named = run("train --init " + path("m.json") + " --steps 100 -d spiral -n 300 --train-ratio 0.7 --data-seed 3");
  ASSERT_EQ(named.status, 0) << named.err;
  EXPECT_EQ(field_after(resumed.out, "test loss "), field_after(named.out, "test loss "));
  EXPECT_EQ(named.out.find("the data it was trained on"), std::string::npos);
}

TEST_F(Cli, GraphOfAModelWithNoDataNamedDrawsTheDataItWasTrainedOn) {
  // It drew pg-circle's first point: a 3-class model failed ("the data is binary").
  ASSERT_EQ(run("train -d blobs3 -n 90 --noise 0.2 --data-seed 5 --hidden 4 --steps 20 -q --save " + path("m.json")).status, 0);
  for (const char* level : {"neuron", "scalar", "tensor"}) {
    const std::string args = std::string("graph --init ") + path("m.json") + " --level " + level;
    const Outcome own = run(args);
    ASSERT_EQ(own.status, 0) << level << ": " << own.err;
    const Outcome named = run(args + " -d blobs3 -n 90 --noise 0.2 --data-seed 5");
    ASSERT_EQ(named.status, 0) << named.err;
    EXPECT_EQ(own.out, named.out) << level;  // the same example (and batch), so the same graph
    EXPECT_NE(own.out, run(args + " -d blobs3 -n 90 --noise 0.2 --data-seed 6").out) << level;  // which another seed changes
  }
  // Other data named outright is used as before, and is still checked against the model.
  const Outcome other = run("graph --init " + path("m.json") + " -d pg-xor");
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("the model is for a multiclass problem, but the data is binary"), std::string::npos) << other.err;
}

TEST_F(Cli, TheCosineScheduleSpansTheRun) {
  // As PyTorch's CosineAnnealingLR(T_max = the run's length): --min-lr is reached at the last
  // step of --steps, or of --epochs (it once decayed over a fixed 1000 steps whatever the run).
  auto span = [&](const std::string& args) {
    const Outcome t = run("train -d xor -n 100 --train-ratio 1 -q --schedule cosine --lr 0.1 --min-lr 0.001 " + args + " --save " + path("c.json"));
    EXPECT_EQ(t.status, 0) << t.err;
    std::ifstream in(path("c.json"));
    const nlohmann::json j = nlohmann::json::parse(in);
    return j.at("training").at("total_steps").get<int64_t>();
  };
  EXPECT_EQ(span("--steps 100"), 100);
  EXPECT_EQ(span("--steps 7"), 7);
  EXPECT_EQ(span("--epochs 2 --batch 10"), 20) << "100 points in batches of 10: 10 steps an epoch";
  const Outcome help = run("train --help");
  EXPECT_NE(help.out.find("over the whole run"), std::string::npos) << "--help says what the schedule does";
}

TEST_F(Cli, InitResumesExactly) {
  const std::string common = " -d xor -n 100 --optimizer sgd --lr 0.3 --hidden 5 -q";
  ASSERT_EQ(run("train" + common + " --steps 50 --save " + path("straight.json")).status, 0);
  ASSERT_EQ(run("train" + common + " --steps 20 --save " + path("first.json")).status, 0);
  const Outcome r = run("train -d xor -n 100 --optimizer sgd --lr 0.3 -q --steps 30 --init " + path("first.json") + " --save " + path("resumed.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto a = nlohmann::json::parse(slurp(path("straight.json"))), b = nlohmann::json::parse(slurp(path("resumed.json")));
  EXPECT_EQ(a["layers"], b["layers"]);  // the same bits, after 20 + 30 steps and after 50
  // And the resumed file counts the 50 steps (and passes) its weights have had, as the straight
  // run's does; eval says so.
  EXPECT_EQ(b["trained"], (nlohmann::json{{"steps", 50}, {"epochs", 50.0}})) << b.dump();
  EXPECT_EQ(a["trained"], b["trained"]);
  EXPECT_NE(run("eval -m " + path("resumed.json")).out.find("\ntrained 50 steps (50.0 epochs)\n"), std::string::npos);
}

TEST_F(Cli, InitGoesOnWithTheOptimizersStateAndTheMinibatchOrder) {
  // The default optimizer, Adam, in minibatches of 16 over 80 training points: 20 steps stop part
  // way through the fourth epoch. The file's "resume" block carries Adam's moments and the place
  // in the minibatch order, so 20 + 30 steps give the bits of 50.
  const std::string common = " -d xor -n 100 --batch 16 --hidden 5 -q";
  ASSERT_EQ(run("train" + common + " --steps 50 --save " + path("straight.json")).status, 0);
  ASSERT_EQ(run("train" + common + " --steps 20 --save " + path("first.json")).status, 0);
  const auto first = nlohmann::json::parse(slurp(path("first.json")));
  EXPECT_EQ(first["resume"]["steps"], 20);
  EXPECT_EQ(first["resume"]["shuffles"], 4);
  EXPECT_EQ(first["resume"]["cursor"], 80) << "20 steps of 5 per epoch: the fourth epoch just ended";
  EXPECT_EQ(first["resume"]["exp_avg"].size(), 4u);
  const Outcome r = run("train --init " + path("first.json") + " --steps 30 --save " + path("resumed.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(", trained 20 steps before; its optimizer state and place in the minibatch order go on\n"), std::string::npos) << r.out;
  const auto a = nlohmann::json::parse(slurp(path("straight.json"))), b = nlohmann::json::parse(slurp(path("resumed.json")));
  EXPECT_EQ(a["layers"], b["layers"]);
  EXPECT_EQ(a["resume"], b["resume"]);
  // 23 steps: part way through an epoch.
  ASSERT_EQ(run("train" + common + " --steps 23 --save " + path("mid.json")).status, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp(path("mid.json")))["resume"]["cursor"], 48);
  ASSERT_EQ(run("train --init " + path("mid.json") + " --steps 27 -q --save " + path("mid_resumed.json")).status, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp(path("mid_resumed.json")))["layers"], a["layers"]);
  // Without the block (a file from PyTorch, or an older one) Adam starts afresh, says so, and the
  // run is another: what the block is for.
  auto stateless = first;
  stateless.erase("resume");
  write("stateless.json", stateless.dump());
  const Outcome fresh = run("train --init " + path("stateless.json") + " --steps 30 --save " + path("fresh.json"));
  ASSERT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_NE(fresh.out.find("; it records no optimizer state, so adam starts afresh\n"), std::string::npos) << fresh.out;
  EXPECT_NE(nlohmann::json::parse(slurp(path("fresh.json")))["layers"], a["layers"]);
  // Another optimizer keeps other buffers: it starts afresh, and says whose state it did not take.
  const Outcome sgd = run("train --init " + path("first.json") + " --steps 3 --optimizer momentum");
  ASSERT_EQ(sgd.status, 0) << sgd.err;
  EXPECT_NE(sgd.out.find("; its optimizer state (Adam's) does not fit momentum, which starts afresh\n"), std::string::npos) << sgd.out;
  // AdamW keeps Adam's buffers: it goes on with them.
  EXPECT_NE(run("train --init " + path("first.json") + " --steps 3 --optimizer adamw").out.find("its optimizer state and place in the minibatch order go on"),
            std::string::npos);
}

TEST_F(Cli, ResumingKeepsTheModelsTrainingSettingsButForTheFlagsGiven) {
  // --init once took the training settings from the flags' defaults: a model trained (or
  // exported from the app) with SGD, lr 0.3, batches of 16 went on with Adam, lr 0.03, full batch.
  const std::string settings = " --optimizer momentum --lr 0.3 --momentum 0.8 --batch 16 --reg l2 --reg-rate 0.001 --seed 5";
  ASSERT_EQ(run("train -d xor -n 100 --hidden 5 --steps 20 -q" + settings + " --save " + path("first.json")).status, 0);
  const Outcome own = run("train --init " + path("first.json") + " --steps 30 --save " + path("own.json"));
  ASSERT_EQ(own.status, 0) << own.err;
  EXPECT_NE(own.out.find("momentum lr 0.3, batch 16, 30 steps"), std::string::npos) << own.out;
  EXPECT_NE(own.out.find("starting from " + path("first.json") + ", trained 20 steps before; its optimizer state and place in the minibatch order go on\n"),
            std::string::npos)
      << own.out;
  ASSERT_EQ(run("train --init " + path("first.json") + " --steps 30 -q" + settings + " --save " + path("named.json")).status, 0);
  const auto a = nlohmann::json::parse(slurp(path("own.json"))), b = nlohmann::json::parse(slurp(path("named.json")));
  EXPECT_EQ(a["layers"], b["layers"]);  // the same run as naming every setting
  EXPECT_EQ(a["training"], b["training"]);
  // A flag changes just what it names.
  const Outcome lr = run("train --init " + path("first.json") + " --steps 1 --lr 0.05");
  EXPECT_NE(lr.out.find("momentum lr 0.05, batch 16"), std::string::npos) << lr.out;
  const Outcome full = run("train --init " + path("first.json") + " --steps 1 --batch full --save " + path("full.json"));
  EXPECT_NE(full.out.find("momentum lr 0.3, full batch"), std::string::npos) << full.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(path("full.json")))["training"]["momentum"], a["training"]["momentum"]);
  // A model file without training settings or data (written by hand, or from PyTorch) trains
  // with the flags' defaults, as before, and says the data is the default.
  auto bare = nlohmann::json::parse(slurp(path("first.json")));
  bare.erase("training");
  bare.erase("data");
  bare.erase("trained");
  bare.erase("resume");
  write("bare.json", bare.dump());
  const Outcome defaults = run("train --init " + path("bare.json") + " --steps 1");
  ASSERT_EQ(defaults.status, 0) << defaults.err;
  EXPECT_NE(defaults.out.find("(it records no step count); it records no optimizer state, so adam starts afresh\n"), std::string::npos) << defaults.out;
  EXPECT_NE(defaults.out.find("on pg-circle (cpu; the default data: the model records none)"), std::string::npos) << defaults.out;
  EXPECT_NE(defaults.out.find("adam lr 0.03, full batch"), std::string::npos) << defaults.out;
  const Outcome eval = run("eval -m " + path("bare.json"));
  EXPECT_NE(eval.out.find("on pg-circle (400 points, the default data: the model records none; name some with -d or --data)"),
            std::string::npos)
      << eval.out;
  EXPECT_EQ(run("eval -m " + path("bare.json") + " -d pg-circle").out.find("default"), std::string::npos);
}

TEST_F(Cli, TheRunsHeaderCountsItsStepsAndSaysTheBatchItTrainsOn) {
  EXPECT_NE(run("train --device cpu --steps 1").out.find("full batch, 1 step\n"), std::string::npos) << "not '1 steps'";
  EXPECT_NE(run("train --device cpu --steps 2").out.find("full batch, 2 steps\n"), std::string::npos);
  // A batch as large as the training set is the full batch: the trainer takes every point each step.
  EXPECT_NE(run("train --device cpu --steps 2 --batch 1000").out.find("full batch (--batch 1000 holds all 320 training points), 2 steps\n"),
            std::string::npos);
  EXPECT_NE(run("train --device cpu --steps 2 --batch 10").out.find(", batch 10, 2 steps\n"), std::string::npos);
}

TEST_F(Cli, UsageErrorsExitWith2AndNameTheFlag) {
  const std::vector<Refusal> cases = {
      {"", "backprop: error: a command is required: train, eval, datasets, bench or graph"},
      {"trian -q", "backprop: error: 'trian' is not a command (did you mean 'train'?); the commands are train, eval, datasets, bench or graph"},
      {"fly", "'fly' is not a command; the commands are"},
      {"train --no-such-flag", "unknown flag '--no-such-flag'\n"},
      {"train --stepz 10", "backprop train: error: unknown flag '--stepz' (did you mean '--steps'?)"},
      {"train --steps 5 --hiden=4", "unknown flag '--hiden' (did you mean '--hidden'?)"},
      {"eval -m m.json --lr 0.1", "backprop eval: error: unknown flag '--lr'\n"},
      // CLI11's "At Most 1 required but received 2" and "1 required INT missing", in words.
      {"train --steps 3 --steps 4", "backprop train: error: --steps is given 2 times; give it once\n"},
      {"train -n 3 --points 4", "--points is given 2 times (-n is the same flag); give it once\n"},
      {"train --steps", "backprop train: error: --steps needs a value: a whole number\n"},
      {"train --lr", "--lr needs a value: a number\n"},
      {"eval -m", "--model needs a value: a file name\n"},
      {"train --dataset nope", "--dataset: unknown dataset 'nope'; 'backprop datasets' lists them"},
      {"train --dataset spirl", "--dataset: unknown dataset 'spirl' (did you mean 'spiral'?)"},
      {"datasets --export Spiral -o x.csv", "--export: unknown dataset 'Spiral' (did you mean 'spiral'?)"},
      {"train --hidden 4,x", "--hidden: 'x'"},
      {"train --activation relux", "--activation: unknown activation"},
      {"train --lr -1", "learning rate"},
      {"train --lr abc", "--lr"},
      {"train --batch 0", "--batch"},
      {"train --points 0", "--points: dataset size"},
      {"train --noise 2", "--noise must be in [0, 1], got 2"},
      {"graph --noise nan", "--noise must be in [0, 1], got nan"},
      {"datasets --export spiral -n 0 -o x.csv", "--points: dataset size"},
      {"datasets --export spiral --noise -1 -o x.csv", "--noise must be in [0, 1], got -1"},
      {"train --threads 0", "--threads"},
      {"train --features x1,x1", "listed twice"},
      {"train -d blobs3 --loss bce", "does not fit a multiclass"},
      {"train --plot-size 10x10", "--plot-size"},
      {"train --plot boundary.svg", "--plot: the plot is a PNG image; name it .png, not '.svg'"},
      {"graph -o graph.jpg", "--out: name the file .dot, .gv, .svg or .png (or with no extension: DOT), not '.jpg'"},
      {"bench W9", "unknown workload"},
      {"datasets --export xor", "--out"},
  };
  for (const Outcome& r : expect_usage_errors(cases)) {
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n') <= 2, true) << "one clear sentence: " << r.err;
    EXPECT_EQ(r.err.find("device auto"), std::string::npos) << "said before the error: " << r.err;
  }
}

TEST_F(Cli, VersionPrintsTheProjectsVersion) {
  const Outcome r = run("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "backprop " BACKPROP_VERSION "\n");
}

TEST_F(Cli, TwoFlagsThatNameOneFileAreRefusedWhereAWriteWouldReplaceTheOther) {
  // --log x --save x kept the model and lost the log; --log over --data replaced the points.
  ASSERT_EQ(run("datasets --export xor -n 40 -o " + path("pts.csv")).status, 0);
  ASSERT_EQ(run("train -q --steps 2 --save " + path("m.json")).status, 0);
  const std::string pts = slurp(path("pts.csv")), model = slurp(path("m.json"));
  fs::create_symlink(path("m.json"), path("link.json"));
  expect_usage_errors({
      {"train --log " + path("same") + " --save " + path("same"), "--save and --log name the same file"},
      {"train --plot " + path("same") + " --log " + path("same"), "each output needs a file of its own"},
      {"train --data " + path("pts.csv") + " --log " + path("../" + dir.filename().string() + "/pts.csv"), "the output would replace the input"},
      {"train --init " + path("m.json") + " --log " + path("link.json"), "--init and --log name the same file"},
      {"graph --init " + path("m.json") + " -o " + path("m.json"), "--init and --out"},
      {"graph --data " + path("pts.csv") + " -o " + path("pts.csv"), "--data and --out"},
 });
  EXPECT_EQ(slurp(path("pts.csv")), pts);
  EXPECT_EQ(slurp(path("m.json")), model);
  // Resuming and saving in place is fine.
  EXPECT_EQ(run("train -q --steps 2 --init " + path("m.json") + " --save " + path("link.json")).status, 0);
}

TEST_F(Cli, ADashIsStandardOutputOnlyWhereTheOutputIsAllTheCommandPrints) {
  // --log - --save - wrote both to a file named '-' (the log lost); --data - read that file.
  expect_usage_errors({
      {"train --log - --save -", "'-' is not standard output here, where the report goes; name a file (./- for a file named '-')"},
      {"train --log -", "--log: '-' is not standard output here"},
      {"train --save -", "--save: '-' is not standard output here"},
      {"train --plot -", "--plot: '-' is not standard output here"},
      {"train --data -", "--data: '-' is not read as standard input; name a file (./- for a file named '-')"},
      {"train --init -", "--init: '-' is not read as standard input"},
      {"eval -m -", "--model: '-' is not read as standard input"},
 });
  EXPECT_FALSE(fs::exists("-")) << "nothing written to a file named '-' where the commands ran";
  // A file named '-' is still a file, by another name for it.
  EXPECT_EQ(run("train -q --steps 2 --save " + path("-")).status, 0);
  EXPECT_EQ(run("eval -m " + path("-")).status, 0);
  // datasets --export -o -: the CSV alone on standard output, as the file would hold it.
  ASSERT_EQ(run("datasets --export moons -n 20 -o " + path("moons.csv")).status, 0);
  const Outcome r = run("datasets --export moons -n 20 -o -");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp(path("moons.csv")));
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, DeviceReachesTrainEvalAndBench) {
  // auto says which device it chose and why; the run says where it trained.
  Outcome t = run("train -d xor -n 80 --steps 30 --device auto --save " + path("m.json"));
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.err.find("device auto: "), std::string::npos) << t.err;
  EXPECT_NE(t.out.find(cuda_available_here() ? "(cuda:0)" : "(cpu)"), std::string::npos) << t.out;
  // The same run on the test-only reference device (a backend whose memory the host cannot
  // read) gives the CPU's numbers: --device reaches the Trainer, not only the flag parser.
  const Outcome cpu = run("train -d xor -n 80 --steps 30 --batch 16 --optimizer momentum --device cpu -q");
  const Outcome ref = run("train -d xor -n 80 --steps 30 --batch 16 --optimizer momentum --device reference -q", "BACKPROP_TEST_DEVICES=1");
  ASSERT_EQ(cpu.status, 0) << cpu.err;
  ASSERT_EQ(ref.status, 0) << ref.err;
  EXPECT_NEAR(field_after(ref.out, "test loss "), field_after(cpu.out, "test loss "), 1e-4);
  EXPECT_NEAR(field_after(ref.out, "train accuracy "), field_after(cpu.out, "train accuracy "), 0.02);
  EXPECT_EQ(run("train -q --steps 1 --device reference").status, 2) << "not offered to users";
  const Outcome e = run("eval -m " + path("m.json") + " -d xor -n 80 --device reference", "BACKPROP_TEST_DEVICES=1");
  ASSERT_EQ(e.status, 0) << e.err;
  const Outcome ec = run("eval -m " + path("m.json") + " -d xor -n 80 --device cpu");
  EXPECT_NEAR(field_after(e.out, "loss "), field_after(ec.out, "loss "), 1e-5);
  const Outcome b = run("bench --device cpu --seconds 0.01 --repeats 1 W1");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("W1"), std::string::npos) << b.out;
  EXPECT_EQ(run("bench --device cuda --seconds 0.01 --repeats 1 W1").status, cuda_available_here() ? 0 : 1);
  EXPECT_EQ(run("eval -m " + path("m.json") + " -d xor --device gpu").status, 2);
}

TEST_F(Cli, FileAndDeviceFailuresExitWith1AndNameTheFile) {
  write("bad.csv", "x,y,label\n0.1,0.2,1\n0.3,oops,0\n");
  Outcome r = run("train --data " + path("bad.csv"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("bad.csv:3"), std::string::npos) << r.err;
  r = run("train --data " + path("missing.csv"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.csv"), std::string::npos) << r.err;
  write("bad.json", "{\"format\": \"backprop-studio-model\", \"version\": 1, \"features\": [\"x1\"]");
  r = run("eval -m " + path("bad.json") + " -d xor");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("bad.json: not valid JSON"), std::string::npos) << r.err;
  if (!cuda_available_here()) {  // with a GPU it trains (DeviceReachesTrainEvalAndBench)
    r = run("train --device cuda");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("CUDA"), std::string::npos) << r.err;
  }
  r = run("train -q --steps 5 --save " + path("no/such/dir/m.json"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no/such/dir/m.json"), std::string::npos) << r.err;
  // Said before training, not after it: a hundred million steps would take minutes.
  for (const char* flag : {"--save", "--log", "--plot"}) {
    r = run(std::string("train --steps 100000000 ") + flag + " " + path("no/such/dir/out"));
    EXPECT_EQ(r.status, 1) << flag;
    EXPECT_NE(r.err.find("its folder '" + path("no/such/dir") + "' does not exist"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("training MLP"), std::string::npos) << flag << ": it trained first";
  }
}

TEST_F(Cli, ASaveOverAFileInAFolderThatTakesNoNewFilesIsRefusedBeforeTraining) {
  // A save replaces the file through a new one beside it: an existing model in a read-only folder
  // (a course's shared presets) was trained to the end and then not saved. As root (whom no
  // permission stops) the run is made as the user nobody, as a student would be.
  const std::optional<std::string> as = as_a_user();
  if (!as) GTEST_SKIP() << "the user nobody cannot run " << cli_binary();
  fs::create_directories(dir / "ro");
  write("ro/m.json", "{}");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const Outcome r = run("train --steps 100000000 --device cpu --save " + path("ro/m.json"), "", *as);
  fs::permissions(dir / "ro", fs::perms::owner_all);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write '" + path("ro/m.json") + "': its folder '" + path("ro") + "' cannot be written to"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("training MLP"), std::string::npos) << "it trained first";
  EXPECT_EQ(slurp(path("ro/m.json")), "{}");
}

TEST_F(Cli, ASaveOverAReadOnlyFileOrAnotherUsersFileInAStickyFolderIsRefusedBeforeTraining) {
  // Both were trained to the end and then not saved: the rename that ends an atomic save is
  // refused in a sticky folder (as /tmp) over another user's file ("Operation not permitted"),
  // and a read-only file was replaced without asking. As root the runs are made as nobody.
  const std::optional<std::string> as = as_a_user();
  if (!as) GTEST_SKIP() << "the user nobody cannot run " << cli_binary();
  fs::create_directories(dir / "shared");
  fs::permissions(dir / "shared", fs::perms::all | fs::perms::sticky_bit);
  write("shared/ro.json", "{}");
  fs::permissions(dir / "shared/ro.json", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  struct Case {
    std::string file, said;
  };
  std::vector<Case> cases = {{"shared/ro.json", "': the file is read-only (Permission denied); choose another name"}};
  if (!as->empty()) {  // as root: a file of root's that nobody may write, but not replace in the sticky folder
    write("shared/theirs.json", "{}");
    fs::permissions(dir / "shared/theirs.json", fs::perms::all);
    cases.push_back({"shared/theirs.json", "': it belongs to another user, and its folder '" + path("shared") +
                                               "' lets only a file's owner replace it (it is sticky, as /tmp is); choose another name"});
  }
  for (const Case& c : cases) {
    const Outcome r = run("train --steps 100000000 --device cpu --save " + path(c.file), "", *as);
    EXPECT_EQ(r.status, 1) << c.file << ": " << r.err;
    EXPECT_NE(r.err.find("cannot write '" + path(c.file) + c.said), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("training MLP"), std::string::npos) << c.file << ": it trained first";
    EXPECT_EQ(slurp(path(c.file)), "{}");
  }
  fs::permissions(dir / "shared", fs::perms::owner_all);
}

TEST_F(Cli, HostileFlagsAndFilesGetOneSentenceNamingTheFlagOrFile) {
  // The cases of issue 12, each with its exit status: 2 for a bad flag, 1 for a bad file.
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  write("ok.csv", "x,y,label\n0,0,0\n1,1,1\n2,2,5\n");
  write("control.csv", "x,y,label\n1,2,\x1b[2J" + std::string(5000, 'A') + "\n");
  ASSERT_EQ(run("train -q --steps 2 --save " + path("m.json")).status, 0);
  write("session.json", R"({"format": "backprop-studio-session", "version": 1, "model": {}})");
  struct Case {
    std::string args;
    int status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"train --data " + path("fifo"), 1, "FIFO"},
      {"eval -m " + path("fifo") + " -d xor", 1, "FIFO"},
      {"train --init " + path("fifo"), 1, "FIFO"},
      {"eval -m " + path("session.json"), 1, "this is a Backprop Studio session, not a model file (the app opens it"},
      {"train --data " + dir.string(), 1, "is a folder"},
      {"train --data /dev/zero", 1, "character device"},
      {"train --data ''", 2, "--data: the file name is empty"},
      {"train --steps 1 --save ''", 2, "--save: the file name is empty"},
      {"train --steps 1 -q --save /dev/null", 1, "not a regular file"},
      {"train --hidden ,,,", 2, "--hidden: ',,,' has an empty item"},
      {"train --plot-size 300x200junk", 2, "--plot-size"},
      {"train --seed -1", 2, "--seed: '-1' is not a whole number"},
      {"train --seed 18446744073709551616", 2, "--seed"},
      {"train --data-seed -3", 2, "--data-seed"},
      {"train --min-lr -1 --schedule cosine", 2, "--min-lr"},
      {"train --min-lr nan --schedule cosine", 2, "--min-lr"},
      {"train --gamma 1e30 --schedule step", 2, "--gamma"},
      {"train --hidden 1024,1024,1024,1024,1024,1024,1024,1024", 2, "--hidden: the network has"},
      {"train --data " + path("control.csv"), 1, "\\x1B[2J"},
      {"train --init " + path("m.json") + " -d blobs3", 2, "--init: the model is for a binary problem"},
      {"train --init " + path("m.json") + " --data " + path("ok.csv") + " --problem multiclass", 2, "--init"},
      {"graph --init " + path("m.json") + " -d blobs4", 2, "--init"},
      {"graph --level neuron --hidden 512,512", 2, "--level: the neuron level draws networks of at most"},
      {"graph --level scalar --hidden 100,100", 2, "--level: the scalar level"},
      {"datasets --export xor", 2, "--export needs --out FILE (\"-\": standard output)"},
      {"datasets --export xor -o " + path("fifo"), 1, "not a regular file; choose a file name (--out - writes to standard output)"},
      {"graph -o /dev/null", 1, "character device, not a regular file; choose a file name (--out - writes to standard output)"},
  };
  for (const Case& c : cases) {
    const Outcome r = run(c.args);
    EXPECT_EQ(r.status, c.status) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << " gave: " << r.err;
    EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << "one clear sentence: " << r.err;
    EXPECT_LT(r.err.size(), 400u) << c.args;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "no raw control characters: " << c.args;
  }
  EXPECT_TRUE(fs::is_character_file("/dev/null")) << "a save never replaces a device";
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(Cli, DivergenceNamesItsLikelyCause) {
  write("huge.csv", "x,y,label\n0,0,1e30\n1,1,-1e30\n0.5,0.2,3e29\n");
  Outcome r = run("train --data " + path("huge.csv") + " --problem regression --steps 50 -q");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("targets are as large as 1e+30"), std::string::npos) << r.err;
  r = run("train -d pg-plane --optimizer sgd --lr 90 --hidden 16,16 --steps 200 -q");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("--lr"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("0000000000"), std::string::npos) << "no 29-digit numbers: " << r.err;
}

TEST_F(Cli, DivergingRunFailsAndKeepsTheOldModel) {
  ASSERT_EQ(run("train -d pg-plane -q --steps 5 --save " + path("m.json")).status, 0);
  const std::string before = slurp(path("m.json"));
  const Outcome r = run("train -d pg-plane --optimizer sgd --lr 100 --hidden 16,16 --steps 200 -q --save " + path("m.json"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("diverged"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--lr"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(path("m.json")), before);
}

TEST_F(Cli, ANetworkThatStopsLearningGetsAWarningWithItsRemedy) {
  // Runs that end with a flat loss and nothing said: dead ReLUs (a high rate, or zero weights
  // that never lived) and neurons that are copies of one another (zero weights, any activation).
  Outcome r = run("train --optimizer sgd --lr 50 --activation relu --steps 300 -q");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("final"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning: 8 of 8 neurons in layer 2 are dead."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the learning rate was too high. Try a lower --lr."), std::string::npos) << r.err;
  r = run("train --weight-init zeros --activation relu --hidden 4 --steps 50 -q");
  EXPECT_NE(r.err.find("4 of 4 neurons in layer 1 are dead. Their weights are all 0 (the zeros initializer)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Try another --weight-init"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("copies"), std::string::npos) << "dead neurons are copies too; one warning: " << r.err;
  r = run("train --weight-init zeros --activation sigmoid --hidden 4,3 --steps 300 -q --save " + path("m.json"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: In layers 1 and 2, the neurons are copies of one another: equal weights (the zeros initializer)"),
            std::string::npos)
      << r.err;
  // Going on from the saved weights: the remedy is a fresh start, as --weight-init beside --init is refused.
  r = run("train --init " + path("m.json") + " --steps 10 -q");
  EXPECT_NE(r.err.find("Start afresh (without --init) with another --weight-init"), std::string::npos) << r.err;
  // Weights zeroed by weight decay (SGD at lr × decay = 1), not by the initializer: the
  // initializer is not blamed, nor the dead ReLUs the zero weights make.
  r = run("train --optimizer sgd --lr 1 --weight-decay 1 --activation relu --steps 100 -q");
  EXPECT_NE(r.err.find("warning: The network gives every training point the same output (its largest weight is 0): weight decay"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("initializer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("dead"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Try a lower --weight-decay or --reg-rate."), std::string::npos) << r.err;
  // Shrunk toward 0 but not to it (lr × decay = 0.5; L2 at the default rate; L1, whose steps
  // leave weights jittering near 0; a multiclass and a regression set): nothing was said, or the
  // tanh neurons, all about 0, were called copies and --weight-init offered, which changes nothing.
  for (const char* decay : {"--optimizer sgd --lr 1 --activation tanh --steps 200 --weight-decay 0.5", "--reg l2 --reg-rate 0.3",
                            "--reg l1 --reg-rate 0.1", "--dataset blobs4 --reg l2 --reg-rate 1", "--dataset pg-multigauss --reg l2 --reg-rate 1"}) {
    r = run(std::string("train -q ") + decay);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("warning: The network gives every training point "), std::string::npos) << decay << ": " << r.err;
    EXPECT_EQ(r.err.find("copies"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Try a lower --weight-decay or --reg-rate."), std::string::npos) << r.err;
  }
  // `backprop eval` says the same of a saved model, on the data it was trained on, with
  // retraining as the remedy; not on other data, which the check did not look at.
  r = run("train -q --reg l2 --reg-rate 0.3 --save " + path("flat.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  r = run("eval -m " + path("flat.json"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("accuracy 0.5000"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("backprop eval: warning: The network gives every training point the same output"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Train again with a lower --weight-decay or --reg-rate."), std::string::npos) << r.err;
  r = run("eval -m " + path("flat.json") + " -d xor");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  r = run("eval -m " + path("m.json"));  // the sigmoid copies above
  EXPECT_NE(r.err.find("are copies of one another"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Train again with another --weight-init, e.g. the default."), std::string::npos) << r.err;
  // ReLUs a learning rate of 10 killed, their idle weights then shrunk to 0 by L2 beside it: the
  // learning rate is why (this said "Try a lower --weight-decay or --reg-rate.").
  r = run("train -q --optimizer sgd --lr 10 --activation relu --reg l2 --reg-rate 0.01 --steps 3000 --hidden 6,6 --dataset pg-circle --batch 10");
  EXPECT_NE(r.err.find("6 of 6 neurons in layer 2 are dead."), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Try a lower --lr."), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--weight-decay"), std::string::npos) << r.err;
  // The same networks started at random weights: no warning.
  for (const char* ok : {"--optimizer sgd --lr 0.1 --activation relu --steps 300", "--activation sigmoid --hidden 4,3 --steps 300",
                         "--optimizer sgd --lr 1 --activation tanh --steps 200 --weight-decay 0.001", "--reg l2 --reg-rate 0.03",
                         "--dataset pg-multigauss --reg l2 --reg-rate 0.01"}) {
    r = run(std::string("train -q ") + ok);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << ok << ": " << r.err;
  }
}

TEST_F(Cli, DeadReLUsAreBlamedOnTheLearningRateOnlyWhereTheLossJumped) {
  // Measured: after one step at a rate of 0.001 this 2-2 ReLU network has a neuron of layer 2
  // (one of two) that its initial weights left dead; the warning said "the learning rate was too
  // high. Try a lower --lr."
  const std::string data = "train -q -d pg-circle -n 300 --noise 0.1 --data-seed 3 --train-ratio 0.7 --activation relu --optimizer sgd --batch 10";
  const std::string net = data + " --hidden 2,2 --seed 5";
  Outcome r = run(net + " --lr 0.001 --steps 1 --save " + path("m.json"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: 1 of 2 neurons in layer 2 is dead. It has been from the start: the initial weights give it 0"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("A lower learning rate would not help; other initial weights (another seed) may. Try --seed 6 (the next "
                       "whose initial weights leave every ReLU alive)."),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("too high"), std::string::npos) << r.err;
  r = run(data + " --hidden 2,2 --seed 6 --lr 0.001 --steps 1");  // and it does
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  // Going on from those weights: they were dead in the weights it started from.
  r = run("train -q --init " + path("m.json") + " --steps 1");
  EXPECT_NE(r.err.find("It was already dead in the weights training started from: a dead ReLU outputs 0 for every training point "
                       "and passes back no gradient, so it has not learned since."),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Start afresh (without --init)."), std::string::npos) << r.err;
  // A saved model's first weights and loss history are not known: each cause, each remedy.
  r = run("eval -m " + path("m.json"));
  EXPECT_NE(r.err.find("the initial weights can leave it so, and training can move it there, most of all at a learning rate too "
                       "high. Train again with another --seed, a lower --lr or --activation leaky_relu."),
            std::string::npos)
      << r.err;
  // At a rate of 10 the rest die as the loss jumps: the rate is blamed, and the one from the start counted.
  r = run(net + " --lr 10 --steps 400");
  EXPECT_NE(r.err.find("the learning rate was too high (1 of them was dead from the start). Try a lower --lr."), std::string::npos) << r.err;
  // At 0.03 half of this 6-6 network's layer 2 dies as the loss falls steadily (at 94% accuracy,
  // a loss of 0.33): the warning blamed the rate and offered a lower one.
  const std::string six = data + " --hidden 6,6 --seed 2 --lr 0.03 --steps 800";
  r = run(six);
  EXPECT_NE(r.err.find("warning: 3 of 6 neurons in layer 2 are dead. A dead ReLU outputs 0 for every training point, so it no "
                       "longer learns. The loss fell without jumps, so the learning rate is not to blame"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("never dies. 2 of them were dead from the start. Try --activation leaky_relu."), std::string::npos) << r.err;
  r = run(six + " --activation leaky_relu");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  // Deep networks: some start dead whatever the seed; no seed is offered then, but leaky ReLU.
  r = run("train -q --hidden 8,8,8,8 --activation relu --lr 0.001 --steps 1 --seed 2");
  EXPECT_NE(r.err.find("4 of 8 neurons in layer 4 are dead. They have been from the start"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Try --activation leaky_relu (none of the next 100 seeds' initial weights leave every ReLU alive)."), std::string::npos)
      << r.err;
}

TEST_F(Cli, AFewDeadReLUsInANetworkThatLearnedItsPointsAreANoteNotAWarning) {
  // Gradient descent turns ReLUs off at any rate: the default 8-8 network with ReLU on the
  // circle reaches 100% with one neuron of layer 2 dead. It was warned about, with a remedy.
  const std::string net = "train -d pg-circle --activation relu --steps 3000 --seed 1";
  Outcome r = run(net);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("train accuracy 1.0000"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("backprop train: note: 1 of 8 neurons in layer 2 is dead (its ReLU outputs 0 for every training point); the "
                       "network learned its points without it."),
            std::string::npos)
      << r.err;
  r = run(net + " -q");
  EXPECT_EQ(r.err, "");
  // Half of this 6-6 network's layer 2 dead at 94%, a loss of 0.33 against 0.69 for one answer
  // for every point: a warning (above). Two of six dead at 97.6%, 0.12: a note.
  r = run("train -d pg-circle -n 300 --noise 0.1 --data-seed 3 --train-ratio 0.7 --hidden 6,6 --activation relu --optimizer sgd "
          "--batch 10 --seed 1 --lr 0.03 --steps 800");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("note: 2 of 6 neurons in layer 2 are dead (their ReLUs output 0"), std::string::npos) << r.err;
}

TEST_F(Cli, ATerminatedRunStopsAfterItsStepAndWritesWhatWasTrained) {
  // kill or Ctrl+C used to end a long run with nothing written. It now stops after the step
  // under way: the model, log and plot asked for hold the steps trained, the message says how
  // many, and the exit status is 128 + the signal.
  const std::string cmd = "timeout --preserve-status -s TERM 2 " + cli_binary() + " train --steps 100000000 --hidden 4 --save " +
                          path("m.json") + " --log " + path("log.csv") + " > " + path("stdout") + " 2> " + path("stderr") + " < /dev/null";
  const int raw = std::system(cmd.c_str());
  const std::string err = slurp(path("stderr"));
  ASSERT_TRUE(WIFEXITED(raw)) << err;
  EXPECT_EQ(WEXITSTATUS(raw), 128 + SIGTERM) << err;
  EXPECT_NE(err.find("of 100000000; what was trained is reported, and written as asked"), std::string::npos) << err;
  EXPECT_NE(slurp(path("stdout")).find("final  train loss"), std::string::npos);
  expect_written_as_stopped(err);
}

TEST_F(Cli, ARunWhoseOutputIsClosedStopsAndWritesWhatWasTrained) {
  // `backprop train ... | head -2`: SIGPIPE used to end the run at the next progress line with
  // nothing saved. It now stops as a signal stops it: the model and the log hold the steps
  // trained, stderr says why, and the status is 128 + SIGPIPE.
  const std::string cmd = "(" + cli_binary() + " train --steps 100000000 --log-every 10 --hidden 4 --save " + path("m.json") + " --log " +
                          path("log.csv") + " 2> " + path("stderr") + " < /dev/null; echo $? > " + path("status") + ") | head -2 > " +
                          path("stdout");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string err = slurp(path("stderr"));
  EXPECT_EQ(std::stoi(slurp(path("status"))), 128 + SIGPIPE) << err;
  EXPECT_NE(err.find("the output was closed (its reader ended): stopped after step "), std::string::npos) << err;
  expect_written_as_stopped(err);
}

TEST_F(Cli, OutputThatCannotBeWrittenIsAnError) {
  // To a full disk (/dev/full): exit 1 with the reason, not 0 with the output lost.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  for (const std::string args : {"datasets", "graph -d xor --hidden 2", "train --steps 20 -q"}) {
    const int raw = std::system((cli_binary() + " " + args + " > /dev/full 2> " + path("stderr")).c_str());
    ASSERT_TRUE(WIFEXITED(raw)) << args;
    EXPECT_EQ(WEXITSTATUS(raw), 1) << args;
    EXPECT_NE(slurp(path("stderr")).find("error: could not write the output: No space left on device"), std::string::npos)
        << args << ": " << slurp(path("stderr"));
  }
}

TEST_F(Cli, PlotIsAPngOfTheRequestedSizeShowingBothClasses) {
  const Outcome r = run("train -d simple -n 200 --steps 200 -q --plot " + path("p.png") + " --plot-size 640x320 --log " + path("log.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  int w = 0, h = 0, ch = 0;
  unsigned char* px = stbi_load(path("p.png").c_str(), &w, &h, &ch, 3);
  ASSERT_NE(px, nullptr);
  EXPECT_EQ(w, 640);
  EXPECT_EQ(h, 320);
  std::set<int> colours;
  long orange = 0, blue = 0;
  for (int i = 0; i < w * h; ++i) {
    const int r8 = px[i * 3], g8 = px[i * 3 + 1], b8 = px[i * 3 + 2];
    colours.insert(r8 << 16 | g8 << 8 | b8);
    orange += r8 > 200 && g8 > 130 && g8 < 200 && b8 < 120;
    blue += b8 > 150 && r8 < 120;
  }
  stbi_image_free(px);
  EXPECT_GT(colours.size(), 50u);
  EXPECT_GT(orange, 2000);  // class 0 region of the boundary
  EXPECT_GT(blue, 2000);    // class 1 region
  const std::string log = slurp(path("log.csv"));
  EXPECT_EQ(log.rfind("step,train_loss,test_loss,train_accuracy,test_accuracy\n", 0), 0u);
  EXPECT_GE(std::count(log.begin(), log.end(), '\n'), 100);
}

TEST_F(Cli, APlotOfAnUnsureModelShowsItsBoundaryAsALineNotABand) {
  // Four classes before training: with zero weights every class ties everywhere, and with the
  // default initialisation every probability is near 1/4. The plot drew the boundary wherever
  // the top two probabilities were within 0.04, which was all of the plot: dark grey over a
  // tint of the first class. A tie is white, and the boundary is where the most likely class
  // changes, a thin line.
  for (const std::string net : {"--hidden none --weight-init zeros", "--hidden 8,8"}) {
    const Outcome r = run("train -d blobs4 --steps 0 -q " + net + " --plot " + path("p.png") + " --plot-size 600x300");
    ASSERT_EQ(r.status, 0) << r.err;
    int w = 0, h = 0, ch = 0;
    unsigned char* px = stbi_load(path("p.png").c_str(), &w, &h, &ch, 3);
    ASSERT_NE(px, nullptr);
    long dark = 0, white = 0, all = 0;
    for (int y = h / 10; y < h * 9 / 10; ++y)  // inside the boundary plot, the left half
      for (int x = w / 20; x < w * 9 / 20; ++x, ++all) {
        const unsigned char* p = px + (static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)) * 3;
        const int lo = std::min({p[0], p[1], p[2]}), hi = std::max({p[0], p[1], p[2]});
        dark += hi < 150 && hi - lo < 40;
        white += lo >= 250;
      }
    stbi_image_free(px);
    EXPECT_LT(dark, all / 20) << net;
    if (net.find("zeros") != std::string::npos) EXPECT_GT(white, all / 2) << net;
  }
}

TEST_F(Cli, WithoutAGpuCudaIsRefusedWithTheReasonAndAutoFallsBack) {
  if (cuda_available_here()) GTEST_SKIP() << "this machine has a usable GPU";
  const Outcome c = run("train -d xor -n 40 --steps 2 --device cuda");
  EXPECT_EQ(c.status, 1);
  const size_t at = c.err.find("unavailable: ");
  ASSERT_NE(at, std::string::npos) << c.err;
  const std::string why = c.err.substr(at + 13, c.err.find('\n', at) - at - 13);
  EXPECT_FALSE(why.empty());
  const Outcome a = run("train -d xor -n 40 --steps 2 --device auto -v");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.err.find("device auto: the CPU, as " + why), std::string::npos) << a.err;
  EXPECT_NE(a.out.find("device: cpu (1 thread)"), std::string::npos) << a.out;
  const Outcome b = run("bench --seconds 0.01 --repeats 1 W4");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("W4  -           skipped: " + why), std::string::npos) << b.out;
  EXPECT_EQ(run("bench --gemm fastest W1").status, 2);
  EXPECT_EQ(run("train -q -v --steps 1").status, 2);
  // A CUDA build with the toolkit's link stub on the library path in place of a driver: the
  // runtime loads it and the sentence names it.
  const char* stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  if (why.find("this build has no CUDA backend") == std::string::npos && std::ifstream(stub).good()) {
    std::filesystem::create_directories(path("stub"));
    std::filesystem::create_symlink(stub, path("stub/libcuda.so.1"));
    const Outcome s = run("train -d xor -n 40 --steps 2 --device cuda", "LD_LIBRARY_PATH=" + path("stub"));
    EXPECT_EQ(s.status, 1);
    EXPECT_NE(s.err.find("link stub, not a driver"), std::string::npos) << s.err;
  }
}

TEST_F(Cli, ACudaOptionInTheEnvironmentThatIsNotUnderstoodIsSaidWhereCudaMayBeUsed) {
  // A typo in BACKPROP_CUDA_GEMM or BACKPROP_CUDA_TF32 must not pass for the kernel asked for.
  const std::string env = "BACKPROP_CUDA_GEMM=fast BACKPROP_CUDA_TF32=yes";
  for (const char* device : {"auto", "cuda"}) {
    const Outcome r = run(std::string("train -d xor -n 40 --steps 2 --device ") + device, env);
    EXPECT_NE(r.err.find("backprop: warning: BACKPROP_CUDA_GEMM='fast' is ignored (expected auto, cublas, register or tiled); "
                         "BACKPROP_CUDA_TF32='yes' is ignored (expected 1 for TF32, or 0)\n"),
              std::string::npos)
        << device << ": " << r.err;
  }
  EXPECT_EQ(run("train -d xor -n 40 --steps 2 --device auto", "BACKPROP_CUDA_GEMM=fast").status, 0) << "a warning, not an error";
  for (const std::string& fine : {"BACKPROP_CUDA_GEMM=tiled BACKPROP_CUDA_TF32=0", "BACKPROP_CUDA_GEMM= BACKPROP_CUDA_TF32=1"}) {
    const Outcome r = run("train -d xor -n 40 --steps 2 --device auto", fine);
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << fine << ": " << r.err;
  }
  const Outcome cpu = run("train -d xor -n 40 --steps 2 --device cpu", env);
  EXPECT_EQ(cpu.status, 0) << cpu.err;
  EXPECT_EQ(cpu.err.find("BACKPROP_CUDA"), std::string::npos) << "the CPU does not use them: " << cpu.err;
}

TEST_F(Cli, BenchPrintsEveryWorkload) {
  Outcome r = run("bench --seconds 0.01 --repeats 1");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* id : {"W1 ", "W2 ", "W3 ", "W4 "}) EXPECT_NE(r.out.find(id), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("skipped") != std::string::npos, !cuda_available_here()) << r.out;  // W4 needs a GPU
  r = run("bench --json --seconds 0.01 --repeats 1 W1 W4");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_GT(j[0]["value"].get<double>(), 0.0);
  EXPECT_EQ(j[1]["ran"].get<bool>(), cuda_available_here());
}

TEST_F(Cli, DatasetsListAndExport) {
  Outcome r = run("datasets");
  ASSERT_EQ(r.status, 0);
  for (const char* name : {"simple", "diag", "split", "xor", "circle", "spiral", "pg-gauss", "moons", "blobs6", "spiral3"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  r = run("datasets --export moons -n 50 -o " + path("moons.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string csv = slurp(path("moons.csv"));
  EXPECT_EQ(csv.rfind("x,y,label\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 51);
  // Exactly the points asked for: the spirals made n/2 or n/3 a class, so -n 1 wrote no point.
  for (const char* args : {"spiral3 -n 1", "pg-spiral -n 401", "spiral -n 7"}) {
    r = run(std::string("datasets --export ") + args + " -o " + path("s.csv"));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string n = std::string(args).substr(std::string(args).find("-n ") + 3);
    EXPECT_NE(r.out.find("wrote " + n + " points"), std::string::npos) << r.out;
    const std::string s = slurp(path("s.csv"));
    EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), std::stoi(n) + 1) << args;
  }
}

TEST_F(Cli, GraphWritesDotOfOneTrainingStep) {
  const Outcome r = run("graph -d xor --hidden 3 --batch-points 4 -o " + path("g.dot"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string dot = slurp(path("g.dot"));
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  for (const char* s : {"linear", "tanh", "bce_with_logits", "layers.0.weight", "grad ", "[4, 2]"})
    EXPECT_NE(dot.find(s), std::string::npos) << s;
  // The format follows the extension in any case (G.PNG was written as DOT text); no extension
  // is DOT.
  ASSERT_EQ(run("graph -d xor --hidden 2 --level neuron -o " + path("G.PNG")).status, 0);
  EXPECT_EQ(slurp(path("G.PNG")).substr(1, 3), "PNG");
  ASSERT_EQ(run("graph -d xor --hidden 2 --level neuron -o " + path("g.SVG")).status, 0);
  EXPECT_NE(slurp(path("g.SVG")).find("<svg"), std::string::npos);
  ASSERT_EQ(run("graph -d xor --hidden 2 -o " + path("graph")).status, 0);
  EXPECT_EQ(slurp(path("graph")).rfind("digraph", 0), 0u);
}

}  // namespace
