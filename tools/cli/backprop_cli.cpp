// backprop: train, evaluate, export, plot and benchmark without a display.
// Exit status: 0 success, 1 failure (files, devices, a diverging run), 2 usage error; a train run
// stopped by a signal writes what it trained and exits 128 + the signal.
#include "cli/backprop_cli.h"
#include "backprop/errors.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "backprop/backprop.h"
#include "backprop/stop_signals.h"
#include "common/cli_words.h"
#include "common/graph_image.h"
#include "common/plot.h"
#include "common/workloads.h"

namespace {

using namespace bp;

// The batch a run trains on, as its header says it: a batch as large as the training set is the
// full batch (the trainer takes it so: every point, in order, each step).
std::string batch_words(int64_t batch_size, int64_t train_points) {
  if (batch_size == 0) return "full batch";
  if (takes_full_batch(batch_size, train_points))
    return "full batch (--batch " + std::to_string(batch_size) + " holds all " + counted(train_points, "training point") + ")";
  return "batch " + std::to_string(batch_size);
}

// "unknown dataset 'spirl' (did you mean 'spiral'?); 'backprop datasets' lists them".
std::string unknown_dataset(const std::string& name) {
  std::vector<std::string> names;
  for (const DatasetInfo& d : dataset_catalog()) names.push_back(d.name);
  return "unknown dataset " + quote_text(name) + did_you_mean(name, names) + "; 'backprop datasets' lists them";
}

// A bad value for a flag: printed as a usage error (exit 2) naming the flag.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class F>
auto for_flag(const std::string& flag, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ValueError& e) {
    throw UsageError(flag + ": " + e.what());
  }
}

// The command-line flag of each training setting (SettingError::setting).
std::string flag_of_setting(const std::string& setting) {
  static const std::pair<const char*, const char*> flags[] = {
      {"hidden", "--hidden"}, {"activations", "--activation"}, {"features", "--features"}, {"loss", "--loss"},
      {"num_classes", "--problem"}, {"lr", "--lr"}, {"momentum", "--momentum"}, {"beta1", "--beta1"}, {"beta2", "--beta2"},
      {"eps", "--eps"}, {"weight_decay", "--weight-decay"}, {"regularization_rate", "--reg-rate"}, {"batch_size", "--batch"},
      {"step_size", "--step-size"}, {"gamma", "--gamma"}, {"total_steps", "--steps"}, {"min_lr", "--min-lr"}};
  for (const auto& [name, flag] : flags)
    if (setting == name) return flag;
  return "settings";
}

void validate_settings(const TrainConfig& c) {
  try {
    c.validate();
  } catch (const SettingError& e) {
    throw UsageError(flag_of_setting(e.setting) + ": " + e.what());
  }
}

const char* cause_flags(DivergenceCause c) {
  switch (c) {
    case DivergenceCause::LearningRate: return "--lr";
    case DivergenceCause::Decay: return "--weight-decay, --reg-rate";
    case DivergenceCause::Targets: return "the targets in --data";
  }
  return "";
}

// A seed: a whole number from 0 to 2^64 - 1, written out (no sign, no wrapping).
uint64_t parse_seed(const std::string& flag, const std::string& text) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw UsageError(flag + ": " + quote_text(text) + " is not a whole number from 0 to 18446744073709551615");
  return v;
}

// WxH with both in range and nothing after.
void parse_size(const std::string& flag, const std::string& text, int& w, int& h) {
  int used = 0;
  if (std::sscanf(text.c_str(), "%dx%d%n", &w, &h, &used) != 2 || used != static_cast<int>(text.size()) || w < 200 || h < 150 ||
      w > 8000 || h > 8000)
    throw UsageError(flag + ": expected WxH between 200x150 and 8000x8000, got " + quote_text(text));
}

// The file a path names, for comparing two paths: links and ".." resolved as far as it exists.
std::string file_identity(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::absolute(path, ec).lexically_normal().string() : p.string();
}

// Every file-name flag that was given must name something, and two must not name one file where
// a write would replace the other's: two outputs (--log and --save: the log was lost), or an
// output over an input (--log over --data). A model resumed and saved over the file it started
// from (--init and --save) is fine. "-" is standard output for --out (graph, datasets --export),
// whose output is all a command prints; elsewhere it is refused rather than made a file named
// "-" (--log - --save - wrote both there, the log lost).
void check_file_flags(const CLI::App& app) {
  struct Named {
    std::string flag, path, identity;
    bool written;
  };
  std::vector<Named> files;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_type_name() != "FILE" || o->count() == 0) continue;
    const std::string path = o->as<std::string>();
    if (path.empty()) throw UsageError(o->get_name() + ": the file name is empty");
    const std::string flag = o->get_name();
    const bool written = flag == "--save" || flag == "--log" || flag == "--plot" || flag == "--out";
    if (path == "-") {
      if (flag == "--out") continue;  // standard output
      throw UsageError(flag + ": '-' is not " + (written ? "standard output here, where the report goes; name a file (./- for a file named '-')"
                                                         : "read as standard input; name a file (./- for a file named '-')"));
    }
    files.push_back({flag, path, file_identity(path), written});
  }
  for (size_t i = 0; i < files.size(); ++i)
    for (size_t j = i + 1; j < files.size(); ++j) {
      const Named &a = files[i], &b = files[j];
      if (a.identity != b.identity || !(a.written || b.written)) continue;
      if ((a.flag == "--init" && b.flag == "--save") || (a.flag == "--save" && b.flag == "--init")) continue;
      throw UsageError(a.flag + " and " + b.flag + " name the same file " + quote_text(b.path) + ": " +
                       (a.written && b.written ? "each output needs a file of its own" : "the output would replace the input"));
    }
}

// --out's own check: "-" is standard output there, so a device or FIFO it names (/dev/stdout
// behind a pipe, /dev/tty) is refused with that said.
void check_out_target(const std::string& out) {
  try {
    check_save_target(out);
  } catch (const IoError& e) {
    struct stat st {};
    if (::stat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
      throw IoError(std::string(e.what()) + " (--out - writes to standard output)");
    throw;
  }
}

// A model from a file must fit the data it is used with: same problem, and every label one of
// its classes.
void check_model_fits_data(const std::string& flag, const TrainConfig& model, const Dataset& data) {
  if (model.problem != data.problem)
    throw UsageError(flag + ": the model is for a " + std::string(problem_name(model.problem)) + " problem, but the data is " +
                     problem_name(data.problem));
  if (model.problem == Problem::Regression) return;
  for (const Point& p : data.points)
    if (p.label >= static_cast<float>(model.num_classes))
      throw UsageError(flag + ": the data has label " + std::to_string(static_cast<int>(p.label)) + ", but the model has only " +
                       std::to_string(model.num_classes) + " classes (0 to " + std::to_string(model.num_classes - 1) + ")");
}

// Items of a comma-separated list; an empty item (",,") is an error.
std::vector<std::string> split_strict(const std::string& flag, const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s + ",");
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) throw UsageError(flag + ": " + quote_text(s) + " has an empty item");
    out.push_back(item);
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s);
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// ---- generated points (train, eval, graph and datasets --export) ----------------------------

// -n and --noise checked, each error naming its flag (the engine's own checks name none).
void check_points_and_noise(int64_t points, std::optional<float> noise) {
  if (points < 1 || points > kMaxPoints)
    throw UsageError("--points: dataset size must be in 1.." + std::to_string(kMaxPoints) + ", got " + std::to_string(points));
  if (noise && !(*noise >= 0.0f && *noise <= 1.0f)) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", static_cast<double>(*noise));
    throw UsageError(std::string("--noise must be in [0, 1], got ") + got);
  }
}

// The noise points of `dataset` are made with: `noise` when given, else the dataset's own.
float noise_or_default(const std::string& dataset, std::optional<float> noise) {
  const DatasetInfo* info = find_dataset(dataset);
  return noise.value_or(info ? info->default_noise : 0.0f);
}

// The points of `dataset` named by the flag `name_flag` (-d or --export), checked as above.
Dataset generate(const std::string& dataset, const char* name_flag, int64_t points, std::optional<float> noise, uint64_t seed) {
  check_points_and_noise(points, noise);
  return for_flag(name_flag, [&] { return make_dataset(dataset, points, noise_or_default(dataset, noise), seed); });
}

// ---- options shared by train, eval and graph ------------------------------------------------

struct DataOptions {
  std::string dataset = "pg-circle";
  std::string csv;
  int64_t points = 400;
  std::optional<float> noise;
  std::string data_seed_text = "1";
  uint64_t data_seed = 1;
  float train_ratio = 0.8f;
  std::string problem;

  CLI::Option *dataset_opt = nullptr, *csv_opt = nullptr, *points_opt = nullptr, *noise_opt = nullptr, *seed_opt = nullptr,
              *ratio_opt = nullptr;

  void add(CLI::App& app) {
    dataset_opt = app.add_option("-d,--dataset", dataset, "dataset name (see `backprop datasets`)")->capture_default_str();
    csv_opt = app.add_option("--data", csv, "points CSV with header x,y,label (instead of --dataset)")->type_name("FILE");
    points_opt = app.add_option("-n,--points", points, "number of points to generate")->capture_default_str();
    noise_opt = app.add_option("--noise", noise, "noise of the generated dataset, 0..1 (default: the dataset's own)");
    seed_opt = app.add_option("--data-seed", data_seed_text, "seed of the generated points and of the train/test split")->capture_default_str();
    ratio_opt = app.add_option("--train-ratio", train_ratio, "fraction of points used for training, in (0, 1]")->capture_default_str();
    app.add_option("--problem", problem, "binary, multiclass or regression (default: from the dataset)");
  }

  /// Whether the command line names the data (-d or --data).
  bool named() const { return dataset_opt->count() > 0 || csv_opt->count() > 0; }

  /// The data as a model file records it (after load: the noise as used, a CSV file's absolute path).
  DataRecord record() const {
    DataRecord r;
    if (!csv.empty()) {
      std::error_code ec;
      const std::filesystem::path abs = std::filesystem::absolute(csv, ec);
      r.csv = ec ? csv : abs.lexically_normal().string();
    } else {
      r.dataset = dataset;
      r.points = points;
      r.noise = noise_used();
    }
    r.seed = data_seed;
    r.train_ratio = train_ratio;
    return r;
  }

  /// No data named: the data a model of problem `p` was trained on, except what -n, --noise or
  /// --data-seed say (and, with `split`, its train/test split unless --train-ratio says).
  void use_record(const DataRecord& r, Problem p, bool split) {
    // The flags that make the data (or its split) other than the model's: said wherever it is
    // called "the data it was trained on" (-n 5 makes 5 other points, not 5 of its 400).
    std::vector<std::string> flags;
    char given[64];
    if (r.csv.empty() && points_opt->count() > 0 && points != r.points) flags.push_back("-n " + std::to_string(points));
    if (r.csv.empty() && noise_opt->count() > 0 && noise && *noise != r.noise) {
      std::snprintf(given, sizeof given, "--noise %g", static_cast<double>(*noise));
      flags.emplace_back(given);
    }
    if (seed_opt->count() > 0 && parse_seed("--data-seed", data_seed_text) != r.seed) flags.push_back("--data-seed " + data_seed_text);
    if (split && ratio_opt->count() > 0 && train_ratio != r.train_ratio) {
      std::snprintf(given, sizeof given, "--train-ratio %g", static_cast<double>(train_ratio));
      flags.emplace_back(given);
    }
    overrides = explain::and_list(flags);
    csv = r.csv;
    if (!csv.empty() && problem.empty()) problem = problem_name(p);  // a CSV file's labels are read as the model's
    if (!r.dataset.empty()) dataset = r.dataset;
    if (points_opt->count() == 0 && r.points > 0) points = r.points;
    if (noise_opt->count() == 0 && r.csv.empty()) noise = r.noise;
    if (seed_opt->count() == 0) data_seed_text = std::to_string(r.seed);
    if (split && ratio_opt->count() == 0) train_ratio = r.train_ratio;
  }

  /// The data for the model of `model_path` (`mf`; none: a fresh network): with no data named,
  /// the data the model was trained on (and, with `split`, its split) when its file records it,
  /// which `recorded` then says; an error loading it says whose data it is.
  bool recorded = false;
  /// With `recorded`: the flags given that make other data than the model's ("-n 5, --noise 0.3
  /// and --data-seed 7"), or "".
  std::string overrides;
  /// "the data it was trained on", or "the data it was trained on, but with -n 5" (`recorded` only).
  std::string whose() const { return "the data it was trained on" + (overrides.empty() ? "" : ", but with " + overrides); }
  Dataset load_for(const ModelFile* mf, const std::string& model_path, bool split) {
    recorded = mf && !named() && mf->data;
    if (recorded) use_record(*mf->data, mf->config.problem, split);
    try {
      return load();
    } catch (const IoError& e) {
      if (!recorded) throw;
      throw IoError(std::string(e.what()) + " (the data " + model_path + " was trained on; name other data with -d or --data)");
    }
  }

  // The noise the generated points are made with: --noise, else the dataset's own.
  float noise_used() const { return noise_or_default(dataset, noise); }

  // The seed and the problem named by the flags (shared by load and stub).
  std::optional<Problem> parse_flags() {
    if (dataset_opt->count() > 0 && csv_opt->count() > 0)
      throw UsageError("--data: give -d (a generated dataset) or --data (points from a file), not both");
    // -n and --noise make generated points: with points from a file they would do nothing.
    if (!csv.empty() && (points_opt->count() > 0 || noise_opt->count() > 0))
      throw UsageError(std::string(points_opt->count() > 0 ? "-n" : "--noise") + ": " +
                       (csv_opt->count() > 0 ? "--data reads its points from " + csv : "the model's points were read from " + csv) +
                       "; -n and --noise make generated points (-d) only");
    data_seed = parse_seed("--data-seed", data_seed_text);
    if (problem.empty()) return std::nullopt;
    return for_flag("--problem", [&] { return parse_problem(problem); });
  }

  Dataset load() {
    const std::optional<Problem> p = parse_flags();
    if (!csv.empty()) return read_points_csv(csv, p.value_or(Problem::Binary));
    Dataset d = generate(dataset, "--dataset", points, noise, data_seed);
    if (p && *p != d.problem)
      throw UsageError(std::string("--problem: dataset '") + dataset + "' is a " + problem_name(d.problem) + " dataset");
    return d;
  }

  // Validates the flags without reading a file or generating points: a dataset with no points
  // of the problem the real one would have.
  Dataset stub() {
    const std::optional<Problem> p = parse_flags();
    if (!(train_ratio > 0.0f && train_ratio <= 1.0f)) throw UsageError("--train-ratio must be in (0, 1]");
    Dataset d;
    if (!csv.empty()) {
      d.problem = p.value_or(Problem::Binary);
      d.num_classes = d.problem == Problem::Regression ? 0 : d.problem == Problem::Binary ? 2 : kMaxClasses;
      return d;
    }
    check_points_and_noise(points, noise);
    const DatasetInfo* info = find_dataset(dataset);
    if (!info) throw UsageError("--dataset: " + unknown_dataset(dataset));
    if (p && *p != info->problem)
      throw UsageError(std::string("--problem: dataset '") + dataset + "' is a " + problem_name(info->problem) + " dataset");
    d.problem = info->problem;
    d.num_classes = info->num_classes;
    return d;
  }

  Split split(const Dataset& d) const {
    return for_flag("--train-ratio", [&] { return train_test_split(d, train_ratio, data_seed); });
  }
};

struct NetOptions {
  std::string hidden = "8,8";
  std::string activation = "tanh";
  std::string features = "x1,x2";
  std::string loss;
  std::string optimizer = "adam";
  float lr = 0.03f;
  float momentum = 0.9f;
  bool nesterov = false;
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float weight_decay = 0.0f;
  std::string reg = "none";
  float reg_rate = 0.0f;
  std::string schedule = "constant";
  int64_t step_size = 100;
  float gamma = 0.5f;
  float min_lr = 0.0f;
  std::string batch = "full";
  std::string weight_init = "default";
  std::string seed_text = "1";
  std::vector<CLI::Option*> shape_flags;  // flags that a --init model fixes
  CLI::App* app_ = nullptr;

  void add(CLI::App& app) {
    app_ = &app;
    shape_flags.push_back(app.add_option("--hidden", hidden, "hidden layer widths, e.g. 8,8 (\"none\" for no hidden layer)")->capture_default_str());
    shape_flags.push_back(app.add_option("--activation", activation, "activation for all hidden layers, or one per layer: relu,tanh")->capture_default_str());
    shape_flags.push_back(app.add_option("--features", features, "input features: x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")->capture_default_str());
    app.add_option("--loss", loss, "bce, hinge, mse or cross_entropy (default: from the problem)");
    app.add_option("--optimizer", optimizer, "sgd, momentum, adam or adamw")->capture_default_str();
    app.add_option("--lr", lr, "learning rate")->capture_default_str();
    app.add_option("--momentum", momentum, "momentum (optimizer momentum)")->capture_default_str();
    app.add_flag("--nesterov", nesterov, "Nesterov momentum (optimizer momentum)");
    app.add_option("--beta1", beta1, "Adam beta1")->capture_default_str();
    app.add_option("--beta2", beta2, "Adam beta2")->capture_default_str();
    app.add_option("--eps", eps, "Adam epsilon")->capture_default_str();
    app.add_option("--weight-decay", weight_decay, "weight decay (decoupled for adamw)")->capture_default_str();
    app.add_option("--reg", reg, "regularization of weights: none, l1 or l2")->capture_default_str();
    app.add_option("--reg-rate", reg_rate, "regularization rate")->capture_default_str();
    app.add_option("--schedule", schedule,
                   "learning-rate schedule: constant; step (times --gamma every --step-size steps); or cosine (from --lr down to "
                   "--min-lr along half a cosine over the whole run, --steps or --epochs)")
        ->capture_default_str();
    app.add_option("--step-size", step_size, "step schedule: steps between decays")->capture_default_str();
    app.add_option("--gamma", gamma, "step schedule: decay factor")->capture_default_str();
    app.add_option("--min-lr", min_lr, "cosine schedule: the learning rate at the run's last step")->capture_default_str();
    app.add_option("--batch", batch, "minibatch size, or \"full\" (no shuffling, fixed order)")->capture_default_str();
    shape_flags.push_back(app.add_option("--weight-init", weight_init, "default, uniform, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal, zeros")->capture_default_str());
    app.add_option("--seed", seed_text, "seed of the initial weights and the minibatch order")->capture_default_str();
  }

  bool shape_given() const {
    for (auto* o : shape_flags)
      if (o->count() > 0) return true;
    return false;
  }

  // --batch: a minibatch size, or 0 for "full".
  int64_t parse_batch() const {
    if (batch == "full") return 0;
    try {
      size_t used = 0;
      const int64_t n = std::stoll(batch, &used);
      if (used != batch.size() || n < 1) throw std::invalid_argument(batch);
      return n;
    } catch (const std::exception&) {
      throw UsageError("--batch: '" + batch + "' is not a positive whole number or \"full\"");
    }
  }

  // Settings from flags; the network part only when `with_shape`; with `keep_unset`, only the
  // training settings whose flags are given.
  void apply(TrainConfig& c, const Dataset& data, bool with_shape, bool keep_unset = false) const {
    if (with_shape) {
      c.hidden.clear();
      if (hidden != "none")
        for (const std::string& h : split_strict("--hidden", hidden)) {
          int64_t v = 0;
          try {
            size_t used = 0;
            v = std::stoll(h, &used);
            if (used != h.size()) throw std::invalid_argument(h);
          } catch (const std::exception&) {
            throw UsageError("--hidden: " + quote_text(h) + " is not a whole number (\"none\" for no hidden layer)");
          }
          c.hidden.push_back(v);
        }
      c.activations.clear();
      for (const std::string& a : split_strict("--activation", activation))
        c.activations.push_back(for_flag("--activation", [&] { return parse_activation(a); }));
      c.features = for_flag("--features", [&] { return FeatureSet::parse(features).list(); });
      c.init = for_flag("--weight-init", [&] { return parse_init(weight_init); });
      c.problem = data.problem;
      c.num_classes = data.problem == Problem::Regression ? 0 : data.num_classes;
    }
    // With `keep_unset`, a setting whose flag is not given keeps its value in `c` (a model file's).
    auto set = [&](const char* flag) { return !keep_unset || app_->get_option(flag)->count() > 0; };
    if (set("--seed")) c.seed = parse_seed("--seed", seed_text);
    if (set("--loss")) c.loss = loss.empty() ? default_loss(c.problem) : for_flag("--loss", [&] { return parse_loss(loss); });
    if (set("--optimizer")) c.optimizer = for_flag("--optimizer", [&] { return parse_optimizer(optimizer); });
    if (set("--lr")) c.lr = lr;
    if (set("--momentum")) c.momentum = momentum;
    if (set("--nesterov")) c.nesterov = nesterov;
    if (set("--beta1")) c.beta1 = beta1;
    if (set("--beta2")) c.beta2 = beta2;
    if (set("--eps")) c.eps = eps;
    if (set("--weight-decay")) c.weight_decay = weight_decay;
    if (set("--reg")) c.regularization.kind = for_flag("--reg", [&] { return parse_regularization(reg); });
    if (set("--reg-rate")) c.regularization.rate = reg_rate;
    if (set("--schedule")) c.schedule.kind = for_flag("--schedule", [&] { return parse_schedule(schedule); });
    if (set("--step-size")) c.schedule.step_size = step_size;
    if (set("--gamma")) c.schedule.gamma = gamma;
    if (set("--min-lr")) c.schedule.min_lr = min_lr;
    if (set("--batch")) c.batch_size = parse_batch();
    validate_settings(c);
  }
};

// Whose state an optimizer state is, by the buffers it holds: "plain SGD's", "momentum's", "Adam's".
std::string state_owner(const OptimizerState& s) {
  if (s.names.empty()) return "plain SGD's";
  if (s.names == std::vector<std::string>{"momentum_buffer"}) return "momentum's";
  if (s.names == std::vector<std::string>{"exp_avg", "exp_avg_sq"}) return "Adam's";
  return comma_separated(s.names);
}

// The model file named by --init, or none.
std::optional<ModelFile> load_init(const std::string& init_model) {
  if (init_model.empty()) return std::nullopt;
  return load_model(init_model);
}

// The settings (and, with --init, the weights) of the network for `data`: from the model file
// (its shape fixed; its training settings, where it holds them, but for the flags given), or
// from the flags. Returns the loaded model, or null for fresh weights.
std::shared_ptr<MLP> network_for(const std::optional<ModelFile>& init, const NetOptions& net, const Dataset& data, TrainConfig& config) {
  if (!init) {
    net.apply(config, data, true);
    return nullptr;
  }
  const ModelFile& mf = *init;
  config = mf.config;
  check_model_fits_data("--init", config, data);
  net.apply(config, data, false, mf.training);  // the file's training settings, but for the flags given
  return mf.model;
}

std::string fmt(float v, const char* f = "%.4f") {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, static_cast<double>(v));
  return buf;
}

void apply_threads(int threads, bool check_only) {
  if (check_only) {
    if (threads < 1 || threads > 256) throw UsageError("--threads: thread count must be in 1..256, got " + std::to_string(threads));
    return;
  }
  for_flag("--threads", [&] {
    set_num_threads(threads);
    return 0;
  });
}

// --device for train, eval and bench: cpu, cuda, cuda:N or auto.
struct DeviceOption {
  std::string text = "auto";
  void add(CLI::App& app) {
    app.add_option("--device", text, "cpu, cuda, cuda:N, or auto: CUDA when a GPU is usable, else the CPU (auto says on stderr "
                                      "which it chose and why)")->capture_default_str();
  }
  /// The device to train on. A bad name is a usage error (exit 2); an explicit device that is
  /// unavailable throws DeviceError (exit 1, with the one-line reason).
  Device resolve(bool check_only, bool quiet) const {
    const DeviceChoice choice = for_flag("--device", [&] { return parse_device_choice(text); });
    if (check_only) return Device::cpu();
    if (const std::string env = cuda_environment_problem(choice); !env.empty())
      std::fprintf(stderr, "backprop: warning: %s\n", env.c_str());
    const ResolvedDevice r = resolve_device(choice);
    if (choice.automatic && !quiet) std::fprintf(stderr, "backprop: device %s\n", r.why.c_str());
    return r.device;
  }
};

// ---- train -------------------------------------------------------------------------------------

// How a warning from warn_if_stuck offers its remedy: for `backprop train` (from random weights,
// or from --init's, beside which --weight-init is not allowed), or for `backprop eval` (by
// training again).
enum class Remedy { Train, TrainFromFile, Retrain };

// The --activation that keeps the network's other activations and puts leaky_relu in place of
// relu (one name for all layers where they are all alike).
std::string leaky_activations(const TrainConfig& config) {
  std::string out;
  for (Activation a : config.activations)
    out += std::string(out.empty() ? "" : ",") + activation_name(a == Activation::ReLU ? Activation::LeakyReLU : a);
  return out;
}

// The remedy for ReLUs its initial weights left dead: the next seed whose initial weights leave
// them all alive, where one of the next 100 does; else (deep networks start with some dead
// whatever the seed) leaky ReLU.
std::string another_seed(const TrainConfig& config, const Dataset& train) {
  const std::optional<uint64_t> live = seed_with_live_relus(config, train, config.seed);
  return live ? "Try --seed " + std::to_string(*live) + " (the next whose initial weights leave every ReLU alive)."
              : "Try --activation " + leaky_activations(config) + " (none of the next 100 seeds' initial weights leave every ReLU alive).";
}

// What keeps the trained network from learning (backprop/health.h), on stderr after the final
// results: training points that all have one target (there is nothing to learn: no other
// finding applies), else weight decay or regularization that flattened it (which leaves neurons dead or copies
// too), else dead ReLUs, then (only without them: dead neurons are copies too) hidden layers
// whose neurons are copies of one another, then a run that overshoots, then tanh or sigmoid units
// saturated with nothing learned; each with the flag that remedies it. The trainer's
// training set is where it looks. `start`: the model with the weights the run started from
// (none for `backprop eval`), to tell ReLUs dead from the start from those that died as it
// trained, and those (by the loss history: kLossJump) a rate too high killed from those that
// gradient descent turned off.
// Dead ReLUs that do not keep it from learning (dead_relus_hurt: a network that learned its
// points with a few of them dead) are no warning: a note, unless `quiet`.
void warn_if_stuck(Trainer& trainer, const char* command, Remedy how, bool quiet, MLP* start = nullptr) {
  const std::string again = how == Remedy::Retrain ? "Train again with" : "Try";
  const std::vector<LayerWeights> weights = host_weights(trainer.model());
  std::string text, remedy, note;
  // Training points that all have one target: one answer fits them, and nothing else applies.
  if (const std::optional<float> one = one_target(trainer.train_data())) {
    std::fflush(stdout);
    std::fprintf(stderr, "backprop %s: warning: %s Give it points %s too.\n", command,
                 one_target_summary(*one, trainer.train_data(), trainer.config().problem).c_str(),
                 trainer.config().problem == Problem::Regression ? "with other values" : "of another class");
    return;
  }
  // A regression whose large targets keep it from learning (a trial on them scaled showed it):
  // the cause of the saturated units, overshoot or dead ReLUs it may also have, which the rate
  // is not.
  if (const std::optional<LargeTargets> big = large_targets(trainer.history(), trainer.config(), trainer.train_data())) {
    text = large_targets_summary(*big);
    char how_to[120];
    std::snprintf(how_to, sizeof how_to, "Scale the targets in --data to -1..1: subtract %.4g, then divide by %.4g.",
                  (static_cast<double>(big->low) + big->high) / 2, (static_cast<double>(big->high) - big->low) / 2);
    remedy = how_to;
  } else if (const std::optional<Flattened> flat = flattened(trainer.model(), weights, trainer.features(), trainer.train_data(), trainer.config())) {
    text = flattened_summary(*flat);
    remedy = again + " a lower --weight-decay or --reg-rate.";
  } else {
    std::vector<DeadReLULayer> dead = dead_relus(trainer.model(), weights, trainer.features(), trainer.train_data());
    if (!dead.empty() && !dead_relus_hurt(dead, trainer.train_metrics().loss, trainer.config(), trainer.train_data())) {
      note = dead_relu_note(dead);
      dead.clear();  // and no copies are looked for: dead neurons are copies of one another too
    }
    if (start) mark_dead_from_start(dead, *start, trainer.features(), trainer.train_data());
    const RunStart begun = !start ? RunStart::Unknown : how == Remedy::TrainFromFile ? RunStart::Loaded : RunStart::Initialized;
    const std::vector<CopiedLayer> copied = dead.empty() && note.empty() ? copied_layers(weights) : std::vector<CopiedLayer>{};
    const bool zeros_init = trainer.config().init == Init::Zeros;
    // Dead ReLUs with weights of 0 that the initializer did not give are no exception: they died
    // as it trained and weight decay then shrank their idle weights (where decay alone flattened
    // the network, flattened() says so).
    const bool jumped = loss_jumped(trainer.history());
    const std::string other_init = how == Remedy::TrainFromFile ? "Start afresh (without --init) with another --weight-init, e.g. the default."
                                                                : again + " another --weight-init, e.g. the default.";
    text = dead.empty() ? copied_summary(copied, zeros_init) : dead_relu_summary(dead, zeros_init, begun, jumped);
    if (dead.empty()) remedy = other_init;
    else switch (dead_relu_remedy(dead, zeros_init, begun, jumped)) {
        case DeadReLURemedy::DefaultInit: remedy = other_init; break;
        case DeadReLURemedy::AnotherSeed: remedy = another_seed(trainer.config(), trainer.train_data()); break;
        case DeadReLURemedy::Reset: remedy = "Start afresh (without --init)."; break;
        case DeadReLURemedy::LowerRate: remedy = again + " a lower --lr."; break;
        case DeadReLURemedy::LeakyReLU: remedy = again + " --activation " + leaky_activations(trainer.config()) + "."; break;
        case DeadReLURemedy::Unknown: remedy = again + " another --seed, a lower --lr or --activation leaky_relu."; break;
      }
  }
  // Else a run whose steps overshoot (a learning rate too high): only a run that trained here
  // has the history to tell.
  if (text.empty())
    if (const std::optional<Overshoot> o = overshooting(trainer.history(), trainer.config(), trainer.train_data())) {
      text = overshoot_summary(*o, trainer.config(), trainer.train_data());
      const DivergenceCause cause = divergence_cause(trainer.config(), trainer.train_data());
      remedy = cause == DivergenceCause::Targets ? "Scale the targets in --data down (e.g. to -1..1)."
               : again + " a lower " + (cause == DivergenceCause::Decay ? "--lr, --weight-decay or --reg-rate." : "--lr.");
    }
  // Else tanh or sigmoid units saturated where the loss is no better than one answer for every
  // point: a rate so high that the weights grew until no gradient passes.
  if (text.empty())
    if (const std::optional<Saturated> s = saturated(trainer.model(), weights, trainer.features(), trainer.train_data(),
                                                     trainer.config(), trainer.history())) {
      text = saturated_summary(*s, trainer.config());
      remedy = again + " a lower --lr.";
    }
  std::fflush(stdout);  // after the results it follows
  if (!text.empty()) std::fprintf(stderr, "backprop %s: warning: %s %s\n", command, text.c_str(), remedy.c_str());
  else if (!note.empty() && !quiet) std::fprintf(stderr, "backprop %s: note: %s\n", command, note.c_str());
}

struct TrainCommand {
  DataOptions data;
  NetOptions net;
  int64_t steps = 1000;
  std::optional<double> epochs;
  std::string init_model, save, log, plot;
  int log_every = 0;
  int threads = 1;
  DeviceOption device;
  bool quiet = false, verbose = false, log_scale = false;
  std::string plot_size = "1000x500";

  void add(CLI::App& app) {
    data.add(app);
    net.add(app);
    app.add_option("--steps", steps, "optimizer steps")->capture_default_str();
    app.add_option("--epochs", epochs, "train for this many passes over the training set (instead of --steps)");
    app.add_option("--init", init_model, "start from the weights, network and training settings of a saved model file "
                                        "(training flags given change what they name)")->type_name("FILE");
    app.add_option("--save", save, "write the trained model (JSON) here")->type_name("FILE");
    app.add_option("--log", log, "write step,train_loss,test_loss,train_accuracy,test_accuracy rows (CSV) here")->type_name("FILE");
    app.add_option("--log-every", log_every, "steps between logged rows (default: steps/100)");
    app.add_option("--plot", plot, "draw the decision boundary and loss curve to this PNG")->type_name("FILE");
    app.add_option("--plot-size", plot_size, "PNG size WxH")->capture_default_str();
    app.add_flag("--log-scale", log_scale, "plot the loss on a log scale");
    app.add_option("--threads", threads, "CPU threads for large matrix products")->capture_default_str();
    device.add(app);
    app.add_flag("-q,--quiet", quiet, "print only the final results");
    app.add_flag("-v,--verbose", verbose, "also print the device in full (its name, compute capability, matrix-multiply kernel)");
  }

  int run(bool check_only) {
    if (quiet && verbose) throw UsageError("-q and -v cannot be used together");
    const Device on = device.resolve(check_only, quiet);
    apply_threads(threads, check_only);
    if (steps < 0) throw UsageError("--steps must be >= 0");
    if (log_every < 0) throw UsageError("--log-every must be >= 0");
    if (epochs && (!(*epochs > 0) || *epochs > 1e6)) throw UsageError("--epochs must be in (0, 1e6]");
    int pw = 0, ph = 0;
    parse_size("--plot-size", plot_size, pw, ph);
    if (const std::string problem = tools::png_name_problem("the plot", plot); !problem.empty()) throw UsageError("--plot: " + problem);
    if (!init_model.empty() && net.shape_given())
      throw UsageError("--init: the model file fixes the network; drop --hidden, --activation, --features and --weight-init");
    if (check_only) {
      TrainConfig c;
      const Dataset stub = data.stub();
      net.apply(c, stub, init_model.empty());
      return 0;
    }
    // Refuse an output that cannot be a file before training, not after it.
    for (const std::string* out : {&save, &log, &plot}) check_save_target(*out);
    // Resuming with no data named: the data, and the split, the model was trained on.
    const std::optional<ModelFile> init = load_init(init_model);
    const Dataset all = data.load_for(init ? &*init : nullptr, init_model, true);
    Split split = data.split(all);
    TrainConfig config;
    std::shared_ptr<MLP> model = network_for(init, net, all, config);
    if (epochs) {
      const int64_t per_epoch = config.batch_size == 0 ? 1 : (split.train.size() + config.batch_size - 1) / config.batch_size;
      steps = static_cast<int64_t>(std::ceil(*epochs * static_cast<double>(per_epoch)));
    }
    // The cosine schedule spans this run, as PyTorch's CosineAnnealingLR(T_max = the run's
    // length): it reaches --min-lr at the last step.
    config.schedule.total_steps = std::max<int64_t>(1, steps);
    config.device = on;
    Trainer trainer(config, split.train, split.test, model);
    const std::shared_ptr<MLP> start = copy_of(trainer.model());  // the first weights, for warn_if_stuck
    // Where the run that trained the model stopped: its optimizer's state (Adam's moments, the
    // momentum) and place in the minibatch order go on, when the optimizer keeps the same
    // buffers. The schedule spans this run, from its start.
    std::string resumed;
    if (init && init->resume && trainer.fits(*init->resume)) {
      trainer.resume(*init->resume);
      resumed = "; its optimizer state and place in the minibatch order go on";
    } else if (init) {
      const std::string opt = optimizer_name(config.optimizer);
      resumed = init->resume ? "; its optimizer state (" + state_owner(init->resume->optimizer) + ") does not fit " + opt + ", which starts afresh"
                             : "; it records no optimizer state, so " + opt + " starts afresh";
    }
    const int64_t every = log_every > 0 ? log_every : std::max<int64_t>(1, steps / 100);
    const bool tty = isatty(STDERR_FILENO) && !quiet;
    if (!quiet)
      std::printf("training %s on %s (%s%s): %lld train / %lld test points, %s lr %g, %s, %s\n",
                  trainer.model().describe().c_str(), all.name.c_str(), on.str().c_str(), data.recorded ? ("; " + data.whose()).c_str() : init && !data.named() ? "; the default data: the model records none" : "",
                  static_cast<long long>(split.train.size()),
                  static_cast<long long>(split.test.size()), optimizer_name(config.optimizer), static_cast<double>(config.lr),
                  batch_words(config.batch_size, static_cast<int64_t>(split.train.size())).c_str(),
                  counted(steps, "step").c_str());
    if (!quiet && init)
      std::printf("starting from %s%s%s\n", init_model.c_str(),
                  init->trained ? (", trained " + counted(init->trained->steps, "step") + " before").c_str() : " (it records no step count)",
                  resumed.c_str());
    if (verbose) std::printf("device: %s\n", device_description(on).c_str());
    std::fflush(stdout);
    trainer.record();
    const auto t0 = std::chrono::steady_clock::now();
    auto last_print = t0;
    // Ctrl+C, kill or a closed terminal stop the run after the step under way: what was trained
    // is reported, logged, saved and plotted as asked, and the exit status says it stopped.
    catch_stop_signals();
    // So does the end of whoever reads the output (`| head`): SIGPIPE no longer kills the run
    // with nothing written; the failed write is noticed instead.
    std::signal(SIGPIPE, SIG_IGN);
    bool output_closed = false;
    auto reader_gone = [](std::FILE* f) { return std::fflush(f) != 0 && errno == EPIPE; };  // other errors: said at the end
    int64_t stopped_at = -1;
    for (int64_t s = 1; s <= steps; ++s) {
      trainer.step();
      if (trainer.diverged()) break;
      if ((stop_signal() || output_closed) && s < steps) {
        stopped_at = s;
        trainer.record();
        break;
      }
      if (s % every == 0 || s == steps) {
        const HistoryPoint& h = trainer.record();
        const auto now = std::chrono::steady_clock::now();
        const double elapsed = std::chrono::duration<double>(now - t0).count();
        if (tty && (std::chrono::duration<double>(now - last_print).count() > 0.05 || s == steps)) {
          const int width = 30, filled = static_cast<int>(width * s / std::max<int64_t>(1, steps));
          std::fprintf(stderr, "\r[%s%s] %lld/%lld  %.0f steps/s  loss %s ", std::string(static_cast<size_t>(filled), '#').c_str(),
                       std::string(static_cast<size_t>(width - filled), '.').c_str(), static_cast<long long>(s),
                       static_cast<long long>(steps), s / std::max(elapsed, 1e-9), fmt(h.train_loss).c_str());
          last_print = now;
          output_closed = reader_gone(stderr);
        } else if (!tty && !quiet && (s % (every * 10) == 0 || s == steps)) {
          std::printf("step %lld  train loss %s  test loss %s  train acc %s  test acc %s  (%.0f steps/s)\n",
                      static_cast<long long>(s), fmt(h.train_loss).c_str(), fmt(h.test_loss).c_str(),
                      fmt(h.train_accuracy, "%.3f").c_str(), fmt(h.test_accuracy, "%.3f").c_str(), s / std::max(elapsed, 1e-9));
          output_closed = reader_gone(stdout);
        }
      }
    }
    if (tty) std::fprintf(stderr, "\n");
    if (stopped_at >= 0)
      std::fprintf(stderr, "backprop train: %s: stopped after step %lld of %lld; what was trained is reported%s\n",
                   stop_signal() ? strsignal(stop_signal()) : "the output was closed (its reader ended)", static_cast<long long>(stopped_at),
                   static_cast<long long>(steps), save.empty() && log.empty() && plot.empty() ? "" : ", and written as asked");
    if (!log.empty()) {
      std::string csv = "step,train_loss,test_loss,train_accuracy,test_accuracy\n";
      char row[200];
      for (const HistoryPoint& h : trainer.history()) {
        std::snprintf(row, sizeof row, "%lld,%.9g,%.9g,%.9g,%.9g\n", static_cast<long long>(h.step),
                      static_cast<double>(h.train_loss), static_cast<double>(h.test_loss),
                      static_cast<double>(h.train_accuracy), static_cast<double>(h.test_accuracy));
        csv += row;
      }
      write_file_atomic(log, csv);
    }
    if (trainer.diverged()) {
      std::fprintf(stderr, "backprop train: error: training diverged at step %lld (the loss became %s): %s%s\n",
                   static_cast<long long>(trainer.steps()), std::isnan(trainer.last_loss()) ? "NaN, not a number" : "infinite",
                   (divergence_advice(config, split.train) + " (" + cause_flags(divergence_cause(config, split.train)) + ")").c_str(),
                   save.empty() ? "" : "; the model was not saved");
      return 1;
    }
    const Metrics tr = trainer.train_metrics(), te = trainer.test_metrics();
    std::printf("final  train loss %s  test loss %s  train accuracy %s  test accuracy %s\n", fmt(tr.loss, "%.6f").c_str(),
                fmt(te.loss, "%.6f").c_str(), fmt(tr.accuracy, "%.4f").c_str(), fmt(te.accuracy, "%.4f").c_str());
    warn_if_stuck(trainer, "train", init ? Remedy::TrainFromFile : Remedy::Train, quiet, start.get());
    if (!save.empty()) {
      // How long the weights were trained: this run's steps, after those of the model it started from.
      TrainedFor trained = init && init->trained ? *init->trained : TrainedFor{};
      trained.steps = std::min<int64_t>(trained.steps + trainer.steps(), INT64_MAX / 2);
      trained.epochs += trainer.epochs();
      save_model(save, trainer.model(), trainer.config(), data.record(), trained, trainer.run_state());
      if (!quiet) std::printf("saved model to %s\n", save.c_str());
    }
    if (!plot.empty()) {
      tools::PlotOptions po;
      po.width = pw;
      po.height = ph;
      po.log_loss = log_scale;
      po.title = trainer.model().describe() + " on " + all.name + " - step " + std::to_string(trainer.steps()) +
                 ", test accuracy " + fmt(te.accuracy, "%.3f");
      tools::render_training_plot(trainer, po).save_png(plot);
      if (!quiet) std::printf("saved plot to %s\n", plot.c_str());
    }
    return stop_signal() ? 128 + stop_signal() : output_closed ? 128 + SIGPIPE : 0;
  }
};

// ---- eval --------------------------------------------------------------------------------------

struct EvalCommand {
  DataOptions data;
  std::string model_path, split = "all";
  DeviceOption device;
  void add(CLI::App& app) {
    app.add_option("-m,--model,model", model_path, "saved model file (-m may be left out)")->required()->type_name("FILE");
    data.add(app);
    // A model's own data is the default (see load_for), and is split only when --split asks.
    data.dataset_opt->description("dataset name (see `backprop datasets`; default: the data the model was trained on, else pg-circle)")->default_str("");
    data.points_opt->description("number of points to generate (default: as the model's data, else 400)")->default_str("");
    data.seed_opt->description("seed of the generated points and of the train/test split (default: the model's data's, else 1)")->default_str("");
    data.ratio_opt->description("with --split: fraction of points in the training split, in (0, 1] (default: the model's, else 0.8)")->default_str("");
    app.add_option("--split", split, "the points to score: all, or the train or test split (as `backprop train` split them)")->capture_default_str();
    device.add(app);
  }
  // Which points --split names: nullopt for all of them, else whether the test split.
  std::optional<bool> test_split() const {
    if (split == "all") {
      if (data.ratio_opt->count() > 0) throw UsageError("--train-ratio: scores a split only with --split train or --split test");
      return std::nullopt;
    }
    if (split == "train" || split == "test") return split == "test";
    throw UsageError("--split: unknown split " + quote_text(split) + " (expected one of: all, train, test)");
  }
  int run(bool check_only) {
    const Device on = device.resolve(check_only, false);
    const std::optional<bool> test = test_split();
    if (check_only) {
      data.stub();
      return 0;
    }
    ModelFile mf = load_model(model_path);
    // No data named: the data the model was trained on, when its file says (all of its points,
    // or the split it was trained with).
    const Dataset all = data.load_for(&mf, model_path, test.has_value());
    check_model_fits_data("--model", mf.config, all);
    // The training points (what keeps the network from learning is judged on them; a split keeps
    // at least one) and the points scored (the test split can be empty).
    const Split parts = test ? data.split(all) : Split{all, Dataset{}};
    const Dataset& scored = test && *test ? parts.test : parts.train;
    if (scored.size() == 0)
      throw UsageError("--split: the " + split + " split of these " + counted(all.size(), "point") + " is empty (train ratio " +
                       fmt(data.train_ratio, "%g") + "); give a --train-ratio below 1, or --split all");
    mf.config.device = on;
    Trainer t(mf.config, parts.train, Dataset{}, mf.model);
    const Metrics m = t.evaluate(scored);
    std::string about = test ? ", the " + split + " split" : "";  // e.g. "the test split of the data it was trained on"
    if (data.recorded) about += std::string(test ? " of " : ", ") + data.whose();
    else if (!data.named()) about += ", the default data: the model records none; name some with -d or --data";
    std::printf("model %s on %s (%s%s)\n", mf.model->describe().c_str(), all.name.c_str(), counted(scored.size(), "point").c_str(), about.c_str());
    if (mf.trained) std::printf("trained %s (%s epochs)\n", counted(mf.trained->steps, "step").c_str(), fmt(static_cast<float>(mf.trained->epochs), "%.1f").c_str());
    std::printf("loss %s\n", fmt(m.loss, "%.6f").c_str());
    if (mf.config.problem != Problem::Regression) {
      std::printf("accuracy %s\n", fmt(m.accuracy, "%.4f").c_str());
      const auto c = t.confusion(scored);
      std::printf("confusion matrix (rows: true class, columns: predicted)\n      ");
      for (size_t j = 0; j < c.size(); ++j) std::printf("%8zu", j);
      std::printf("\n");
      for (size_t i = 0; i < c.size(); ++i) {
        std::printf("%6zu", i);
        for (int64_t v : c[i]) std::printf("%8lld", static_cast<long long>(v));
        std::printf("\n");
      }
    }
    // On the data it was trained on: what keeps it from learning, as `backprop train` says it.
    if (data.recorded && data.overrides.empty()) warn_if_stuck(t, "eval", Remedy::Retrain, false);
    return 0;
  }
};

// ---- datasets ----------------------------------------------------------------------------------

struct DatasetsCommand {
  std::string export_name, out;
  int64_t points = 400;
  std::optional<float> noise;
  std::string seed = "1";
  void add(CLI::App& app) {
    app.add_option("--export", export_name, "dataset to write as CSV");
    app.add_option("-o,--out", out, "CSV file for --export (\"-\": standard output)")->type_name("FILE");
    app.add_option("-n,--points", points, "number of points")->capture_default_str();
    app.add_option("--noise", noise, "noise 0..1 (default: the dataset's own)");
    app.add_option("--seed", seed, "seed")->capture_default_str();
  }
  int run(bool check_only) {
    if (check_only) {
      parse_seed("--seed", seed);
      if (!export_name.empty() && out.empty()) throw UsageError("--export needs --out FILE (\"-\": standard output)");
      if (!export_name.empty() && !find_dataset(export_name)) throw UsageError("--export: " + unknown_dataset(export_name));
      check_points_and_noise(points, noise);
      return 0;
    }
    if (export_name.empty()) {
      for (const DatasetInfo& d : dataset_catalog())
        std::printf("%-14s %-10s %s\n", d.name.c_str(), problem_name(d.problem), d.description.c_str());
      return 0;
    }
    if (out != "-") check_out_target(out);
    const Dataset d = generate(export_name, "--export", points, noise, parse_seed("--seed", seed));
    if (out == "-") {
      std::fputs(points_csv_text(d).c_str(), stdout);  // the CSV alone: `| head`, `> file`
      return 0;
    }
    write_points_csv(out, d);
    std::printf("wrote %lld points of %s to %s\n", static_cast<long long>(d.size()), d.name.c_str(), out.c_str());
    return 0;
  }
};

// ---- bench -------------------------------------------------------------------------------------

struct BenchCommand {
  bool json = false, tf32 = false;
  double seconds = 0.25;
  int repeats = 5;
  int threads = 1;
  DeviceOption device;
  std::string gemm = "auto";
  CLI::Option* gemm_option = nullptr;
  std::vector<std::string> ids;
  void add(CLI::App& app) {
    device.add(app);
    app.add_flag("--json", json, "machine-readable output");
    app.add_flag("--tf32", tf32, "W4: also train and multiply with TF32 tensor cores (cuBLAS)");
    gemm_option = app.add_option("--gemm", gemm, "CUDA matrix-multiply kernel for W1-W4: auto, cublas, register or tiled (default: "
                                                  "BACKPROP_CUDA_GEMM, else auto)");
    app.add_option("--seconds", seconds, "least time measured per repeat")->capture_default_str();
    app.add_option("--repeats", repeats, "repeats (the median is reported)")->capture_default_str();
    app.add_option("--threads", threads, "CPU threads (the targets are for 1)")->capture_default_str();
    app.add_option("workloads", ids, "W1 W2 W3 W4 (default: all)");
  }
  int run(bool check_only) {
    for (const std::string& id : ids)
      if (id != "W1" && id != "W2" && id != "W3" && id != "W4") throw UsageError("unknown workload " + quote_text(id) + " (W1..W4)");
    if (!(seconds > 0 && seconds <= 60) || repeats < 1 || repeats > 100)
      throw UsageError("--seconds must be in (0, 60] and --repeats in 1..100");
    apply_threads(threads, check_only);
    const CudaGemm kernel = for_flag("--gemm", [&] { return parse_cuda_gemm(gemm); });
    const Device on = device.resolve(check_only, json);
    if (check_only) return 0;
    if (gemm_option->count() > 0) {  // else BACKPROP_CUDA_GEMM and BACKPROP_CUDA_TF32 stand
      CudaOptions o = cuda_options();
      o.gemm = kernel;
      set_cuda_options(o);
    }
    if (!json) std::printf("device: %s\n", device_description(on).c_str());
    std::fputs(tools::format_results(tools::run_workloads(ids, seconds, repeats, on, tf32), json).c_str(), stdout);
    return 0;
  }
};

// ---- graph -------------------------------------------------------------------------------------

struct GraphCommand {
  DataOptions data;
  NetOptions net;
  std::string init_model, out = "-", level = "tensor", point;
  int64_t max_points = 8;
  void add(CLI::App& app) {
    data.add(app);
    data.points = 8;
    net.add(app);
    net.hidden = "3";
    app.add_option("--init", init_model, "model file to draw (default: a fresh network from the flags); with no -d or --data, "
                                       "on the data it was trained on")->type_name("FILE");
    app.add_option("--level", level, "scalar (every multiply and add of one example), neuron (one node per neuron), "
                                     "or tensor (the engine's graph of one training step)")->capture_default_str();
    app.add_option("--point", point, "the example for the scalar and neuron levels: x,y,label (default: the first data point)");
    app.add_option("-o,--out", out, "output: .dot, .svg or .png (\"-\": DOT on standard output)")->capture_default_str()->type_name("FILE");
    app.add_option("--batch-points", max_points, "tensor level: how many training points the drawn step uses")->capture_default_str();
  }
  int run(bool check_only) {
    const explain::Level lvl = for_flag("--level", [&] { return explain::parse_level(level); });
    if (max_points < 1 || max_points > 10000) throw UsageError("--batch-points must be in 1..10000");
    if (out != "-" && !tools::graph_format_for(out) && !std::filesystem::path(out).extension().empty())
      throw UsageError("--out: name the file .dot, .gv, .svg or .png (or with no extension: DOT), not " +
                       quote_text(std::filesystem::path(out).extension().string()));
    if (check_only) {
      TrainConfig c;
      net.apply(c, data.stub(), init_model.empty());
      return 0;
    }
    if (out != "-") check_out_target(out);
    // With --init and no data named: the data the model was trained on (its first point, its
    // first --batch-points points), as eval does; a k-class model once failed against pg-circle.
    const std::optional<ModelFile> init = load_init(init_model);
    const Dataset all = data.load_for(init ? &*init : nullptr, init_model, false);
    TrainConfig config;
    std::shared_ptr<MLP> model = network_for(init, net, all, config);
    if (!model) model = std::make_shared<MLP>(config.mlp_spec());
    double px = all.points[0].x, py = all.points[0].y, pl = all.points[0].label;
    if (!point.empty()) {
      const auto parts = split_list(point);
      try {
        if (parts.size() < 2 || parts.size() > 3) throw std::invalid_argument(point);
        px = std::stod(parts[0]);
        py = std::stod(parts[1]);
        if (parts.size() == 3) pl = std::stod(parts[2]);
      } catch (const std::exception&) {
        throw UsageError("--point: expected x,y or x,y,label, got '" + point + "'");
      }
      if (!std::isfinite(px) || !std::isfinite(py) || !std::isfinite(pl)) throw UsageError("--point: values must be finite");
      if (config.problem != Problem::Regression && (pl < 0 || pl >= config.num_classes || pl != std::floor(pl)))
        throw UsageError("--point: the label must be a class number of this problem");
    }
    explain::Graph g;
    if (lvl == explain::Level::Tensor) {
      Dataset batch = all;
      batch.points.resize(static_cast<size_t>(std::min<int64_t>(max_points, all.size())));
      Trainer trainer(config, batch, Dataset{}, model);
      g = explain::tensor_graph(trainer);
    } else if (lvl == explain::Level::Scalar) {
      g = for_flag("--level", [&] { return explain::scalar_graph(*model, config, px, py, pl); });
    } else {
      g = for_flag("--level", [&] { return explain::neuron_graph(*model, config, px, py, pl); });
    }
    if (out == "-") std::fputs(explain::to_dot(g).c_str(), stdout);
    else tools::write_graph(out, g, tools::graph_format_for(out).value_or(tools::GraphFormat::Dot));  // DOT unless .svg or .png
    return 0;
  }
};

}  // namespace

namespace bp::tools {

int run_backprop(int argc, char** argv, bool check_only) {
  CLI::App app{"backprop: train, evaluate, export, plot and benchmark small neural networks on 2D data"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");
  app.set_version_flag("--version", "backprop " BACKPROP_VERSION);
  TrainCommand train;
  EvalCommand eval;
  DatasetsCommand datasets;
  BenchCommand bench;
  GraphCommand graph;
  train.add(*app.add_subcommand("train", "train a network and report loss and accuracy"));
  eval.add(*app.add_subcommand("eval", "evaluate a saved model: loss, accuracy, confusion matrix"));
  datasets.add(*app.add_subcommand("datasets", "list the datasets, or export one to CSV"));
  bench.add(*app.add_subcommand("bench", "run the standard benchmark workloads W1-W4"));
  graph.add(*app.add_subcommand("graph", "write the autodiff graph of one training step as Graphviz DOT"));
  const std::string cmd = argc > 1 ? argv[1] : "";
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  const bool known = std::find(commands.begin(), commands.end(), cmd) != commands.end();
  const std::string prefix = known ? "backprop " + cmd : "backprop";
  if (!known && (cmd.empty() || cmd[0] != '-')) {  // CLI11 would say "A subcommand is required"
    std::string list;
    for (size_t i = 0; i < commands.size(); ++i) list += (i == 0 ? "" : i + 1 == commands.size() ? " or " : ", ") + commands[i];
    if (cmd.empty()) std::fprintf(stderr, "backprop: error: a command is required: %s\n", list.c_str());
    else std::fprintf(stderr, "backprop: error: %s is not a command%s; the commands are %s\n", quote_text(cmd).c_str(),
                      did_you_mean(cmd, commands).c_str(), list.c_str());
    std::fprintf(stderr, "Run 'backprop --help' for the options.\n");
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return check_only ? 0 : app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return check_only ? 0 : app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return check_only ? 0 : app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string hint = prefix == "backprop" ? "'backprop --help'" : "'" + prefix + " --help'";
    const std::string what = tools::parse_error_sentence(e, known ? app.get_subcommand(cmd) : nullptr, 2, argc, argv);
    std::fprintf(stderr, "%s: error: %s\nRun %s for the options.\n", prefix.c_str(), what.c_str(), hint.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), quote_text(e.what(), 300).c_str());
    return 2;
  }
  try {
    for (const CLI::App* sub : app.get_subcommands()) check_file_flags(*sub);
    // Every flag is checked before the command says or does anything (the device it chose, a
    // header), so that a usage error is the only line printed; output that could not be written
    // (a full disk) is an error, not a silent success.
    auto go = [&](auto& command) {
      if (check_only) return command.run(true);
      command.run(true);
      const int status = command.run(false);
      if (status == 0 && (std::fflush(stdout) != 0 || std::ferror(stdout))) {
        std::fprintf(stderr, "%s: error: could not write the output: %s\n", prefix.c_str(), std::strerror(errno));
        return 1;
      }
      return status;
    };
    if (app.got_subcommand("train")) return go(train);
    if (app.got_subcommand("eval")) return go(eval);
    if (app.got_subcommand("datasets")) return go(datasets);
    if (app.got_subcommand("bench")) return go(bench);
    if (app.got_subcommand("graph")) return go(graph);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), e.what());
    return 2;
  } catch (const ValueError& e) {
    std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), e.what());
    return 1;
  }
  return 2;
}

}  // namespace bp::tools
