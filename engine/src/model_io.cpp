#include "backprop/model_io.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "backprop/errors.h"
#include "backprop/init.h"

namespace bp {
namespace {

using json = nlohmann::json;

constexpr int64_t kMaxWidth = 4096;
constexpr size_t kMaxLayers = 130;
constexpr int64_t kMaxParameters = 20'000'000;
constexpr int kMaxNesting = 32;

json training_json(const TrainConfig& c) {
  return json{{"loss", loss_name(c.loss)},
              {"optimizer", optimizer_name(c.optimizer)},
              {"lr", c.lr},
              {"momentum", c.momentum},
              {"nesterov", c.nesterov},
              {"beta1", c.beta1},
              {"beta2", c.beta2},
              {"eps", c.eps},
              {"weight_decay", c.weight_decay},
              {"regularization", regularization_name(c.regularization.kind)},
              {"regularization_rate", c.regularization.rate},
              {"schedule", schedule_name(c.schedule.kind)},
              {"step_size", c.schedule.step_size},
              {"gamma", c.schedule.gamma},
              {"total_steps", c.schedule.total_steps},
              {"min_lr", c.schedule.min_lr},
              {"batch_size", c.batch_size},
              {"init", init_name(c.init)},
              {"seed", c.seed}};
}

// Deep nesting would make the recursive parser overflow the stack on a hostile file.
void check_nesting(const std::string& text, const std::string& source) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') ++i;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > kMaxNesting) throw IoError(source + ": nested more than " + std::to_string(kMaxNesting) + " levels deep");
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
}

struct Reader {
  const std::string& source;
  [[noreturn]] void fail(const std::string& why) const { throw IoError(source + ": " + why); }

  const json& field(const json& obj, const char* key, const std::string& where) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(where + " has no \"" + key + "\"");
    return *it;
  }
  std::string string(const json& obj, const char* key, const std::string& where) const {
    const json& v = field(obj, key, where);
    if (!v.is_string()) fail(where + ": \"" + key + "\" must be a string");
    return v.get<std::string>();
  }
  int64_t integer(const json& obj, const char* key, const std::string& where, int64_t lo, int64_t hi) const {
    const json& v = field(obj, key, where);
    if (!v.is_number_integer()) fail(where + ": \"" + key + "\" must be an integer");
    const auto x = v.get<int64_t>();
    if (x < lo || x > hi)
      fail(where + ": \"" + key + "\" is " + std::to_string(x) + ", outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return x;
  }
  float number(const json& v, const std::string& where) const {
    if (!v.is_number()) fail(where + " must be a number");
    const double d = v.get<double>();
    const auto f = static_cast<float>(d);
    if (!std::isfinite(d) || !std::isfinite(f)) fail(where + " is not a finite float");
    return f;
  }
  template <class T, class Parse>
  T named(const json& obj, const char* key, const std::string& where, Parse parse, T fallback) const {
    auto it = obj.find(key);
    if (it == obj.end()) return fallback;
    if (!it->is_string()) fail(where + ": \"" + key + "\" must be a string");
    try {
      return parse(it->template get<std::string>());
    } catch (const ValueError& e) {
      fail(where + ": " + e.what());
    }
  }
  float optional_number(const json& obj, const char* key, const std::string& where, float fallback) const {
    auto it = obj.find(key);
    return it == obj.end() ? fallback : number(*it, where + " \"" + key + "\"");
  }
};

// Parses JSON text, refusing hostile nesting, with errors that name the source.
json parse_checked(const std::string& text, const Reader& r) {
  check_nesting(text, r.source);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    r.fail(std::string("not valid JSON (") + e.what() + ")");
  }
}

void apply_training(const json& t, TrainConfig& c, const Reader& r) {
  if (!t.is_object()) r.fail("\"training\" must be an object");
  const std::string w = "\"training\"";
  c.loss = r.named<LossKind>(t, "loss", w, parse_loss, c.loss);
  c.optimizer = r.named<OptimizerKind>(t, "optimizer", w, parse_optimizer, c.optimizer);
  c.lr = r.optional_number(t, "lr", w, c.lr);
  c.momentum = r.optional_number(t, "momentum", w, c.momentum);
  if (auto n = t.find("nesterov"); n != t.end()) {
    if (!n->is_boolean()) r.fail(w + ": \"nesterov\" must be true or false");
    c.nesterov = n->get<bool>();
  }
  c.beta1 = r.optional_number(t, "beta1", w, c.beta1);
  c.beta2 = r.optional_number(t, "beta2", w, c.beta2);
  c.eps = r.optional_number(t, "eps", w, c.eps);
  c.weight_decay = r.optional_number(t, "weight_decay", w, c.weight_decay);
  c.regularization.kind = r.named<Regularization::Kind>(t, "regularization", w, parse_regularization, c.regularization.kind);
  c.regularization.rate = r.optional_number(t, "regularization_rate", w, c.regularization.rate);
  c.schedule.kind = r.named<LrSchedule::Kind>(t, "schedule", w, parse_schedule, c.schedule.kind);
  if (t.contains("step_size")) c.schedule.step_size = r.integer(t, "step_size", w, 1, INT64_MAX / 2);
  c.schedule.gamma = r.optional_number(t, "gamma", w, c.schedule.gamma);
  if (t.contains("total_steps")) c.schedule.total_steps = r.integer(t, "total_steps", w, 1, INT64_MAX / 2);
  c.schedule.min_lr = r.optional_number(t, "min_lr", w, c.schedule.min_lr);
  if (t.contains("batch_size")) c.batch_size = r.integer(t, "batch_size", w, 0, kMaxPoints);
  c.init = r.named<Init>(t, "init", w, parse_init, c.init);
  if (auto s = t.find("seed"); s != t.end()) {
    if (!s->is_number_unsigned() && !s->is_number_integer()) r.fail(w + ": \"seed\" must be an integer");
    c.seed = s->get<uint64_t>();
  }
}

}  // namespace

std::string model_to_json(const MLP& model, const TrainConfig& config) {
  json layers = json::array();
  const auto linears = model.linears();
  const auto acts = model.layer_activations();
  for (size_t i = 0; i < linears.size(); ++i) {
    const Linear& l = *linears[i];
    const std::vector<float> w = l.weight().to_vector(), b = l.bias().to_vector();
    json rows = json::array();
    for (int64_t r = 0; r < l.out_features(); ++r)
      rows.push_back(std::vector<float>(w.begin() + r * l.in_features(), w.begin() + (r + 1) * l.in_features()));
    layers.push_back({{"type", "linear"}, {"in", l.in_features()}, {"out", l.out_features()}, {"weight", rows}, {"bias", b}});
    if (acts[i] != Activation::Identity) layers.push_back({{"type", "activation"}, {"name", activation_name(acts[i])}});
  }
  json features = json::array();
  for (Feature f : config.features) features.push_back(feature_name(f));
  const json doc{{"format", kModelFormat},
                 {"version", kModelVersion},
                 {"features", features},
                 {"problem", problem_name(config.problem)},
                 {"num_classes", config.num_classes},
                 {"layers", layers},
                 {"training", training_json(config)}};
  return doc.dump(1) + "\n";
}

ModelFile model_from_json(const std::string& text, const std::string& source) {
  const Reader r{source};
  json doc = parse_checked(text, r);
  if (!doc.is_object()) r.fail("expected a JSON object at the top");
  if (r.string(doc, "format", "the file") != kModelFormat)
    r.fail(std::string("\"format\" is not \"") + kModelFormat + "\"; this is not a Backprop Studio model file");
  const int64_t version = r.integer(doc, "version", "the file", 1, 1000000);
  if (version > kModelVersion)
    r.fail("version " + std::to_string(version) + " was written by a newer Backprop Studio (this one reads version " +
           std::to_string(kModelVersion) + ")");

  TrainConfig c;
  const json& feats = r.field(doc, "features", "the file");
  if (!feats.is_array() || feats.empty() || feats.size() > 16) r.fail("\"features\" must be a list of 1..16 feature names");
  c.features.clear();
  for (const json& f : feats) {
    if (!f.is_string()) r.fail("\"features\" must hold strings");
    try {
      c.features.push_back(parse_feature(f.get<std::string>()));
    } catch (const ValueError& e) {
      r.fail(e.what());
    }
  }
  try {
    FeatureSet check(c.features);
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
  c.problem = r.named<Problem>(doc, "problem", "the file", parse_problem, Problem::Binary);
  c.num_classes = c.problem == Problem::Regression ? 0 : static_cast<int>(r.integer(doc, "num_classes", "the file", 2, kMaxClasses));
  if (c.problem == Problem::Binary && c.num_classes != 2) r.fail("a binary model has num_classes 2");

  // Layers: linear (activation)? linear (activation)? ... ending with a linear layer.
  const json& layers = r.field(doc, "layers", "the file");
  if (!layers.is_array() || layers.empty() || layers.size() > kMaxLayers)
    r.fail("\"layers\" must be a list of 1.." + std::to_string(kMaxLayers) + " layers");
  struct LinearData {
    int64_t in, out;
    std::vector<float> w, b;
  };
  std::vector<LinearData> linears;
  std::vector<Activation> acts;
  int64_t params = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const json& L = layers[i];
    const std::string where = "layer " + std::to_string(i);
    if (!L.is_object()) r.fail(where + " must be an object");
    const std::string type = r.string(L, "type", where);
    if (type == "activation") {
      if (linears.empty() || acts.size() == linears.size()) r.fail(where + ": an activation must follow a linear layer");
      try {
        acts.push_back(parse_activation(r.string(L, "name", where)));
      } catch (const ValueError& e) {
        r.fail(where + ": " + e.what());
      }
      continue;
    }
    if (type != "linear") r.fail(where + ": unknown layer type \"" + type + "\" (expected linear or activation)");
    if (acts.size() < linears.size()) acts.push_back(Activation::Identity);
    LinearData d;
    d.in = r.integer(L, "in", where, 1, kMaxWidth);
    d.out = r.integer(L, "out", where, 1, kMaxWidth);
    const int64_t expect_in = linears.empty() ? static_cast<int64_t>(c.features.size()) : linears.back().out;
    if (d.in != expect_in)
      r.fail(where + ": \"in\" is " + std::to_string(d.in) + " but the previous " +
             (linears.empty() ? "input features give " : "layer gives ") + std::to_string(expect_in));
    params += d.in * d.out + d.out;
    if (params > kMaxParameters) r.fail("more than " + std::to_string(kMaxParameters) + " parameters");
    const json& w = r.field(L, "weight", where);
    if (!w.is_array() || static_cast<int64_t>(w.size()) != d.out)
      r.fail(where + ": \"weight\" must have " + std::to_string(d.out) + " rows (out × in, as in PyTorch)");
    d.w.reserve(static_cast<size_t>(d.in * d.out));
    for (size_t row = 0; row < w.size(); ++row) {
      if (!w[row].is_array() || static_cast<int64_t>(w[row].size()) != d.in)
        r.fail(where + ": weight row " + std::to_string(row) + " must have " + std::to_string(d.in) + " numbers");
      for (size_t col = 0; col < w[row].size(); ++col)
        d.w.push_back(r.number(w[row][col], where + " weight[" + std::to_string(row) + "][" + std::to_string(col) + "]"));
    }
    const json& b = r.field(L, "bias", where);
    if (!b.is_array() || static_cast<int64_t>(b.size()) != d.out)
      r.fail(where + ": \"bias\" must have " + std::to_string(d.out) + " numbers");
    for (size_t j = 0; j < b.size(); ++j) d.b.push_back(r.number(b[j], where + " bias[" + std::to_string(j) + "]"));
    linears.push_back(std::move(d));
  }
  if (linears.empty()) r.fail("\"layers\" has no linear layer");
  if (acts.size() == linears.size() && acts.back() != Activation::Identity)
    r.fail("the last layer must be linear: the output is read as logits (binary, multiclass) or values (regression)");
  if (linears.size() > 17) r.fail("at most 16 hidden layers are supported");
  c.hidden.clear();
  for (size_t i = 0; i + 1 < linears.size(); ++i) c.hidden.push_back(linears[i].out);
  c.activations.assign(acts.begin(), acts.begin() + static_cast<long>(linears.size() - 1));
  if (c.activations.empty()) c.activations = {Activation::Identity};
  if (linears.back().out != c.outputs())
    r.fail("the last layer has " + std::to_string(linears.back().out) + " outputs but a " + problem_name(c.problem) +
           " model needs " + std::to_string(c.outputs()));

  c.loss = default_loss(c.problem);
  if (auto it = doc.find("training"); it != doc.end()) apply_training(*it, c, r);
  try {
    c.validate();
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
  ModelFile mf{c, std::make_shared<MLP>(c.mlp_spec())};
  const auto lin = mf.model->linears();
  for (size_t i = 0; i < lin.size(); ++i) {
    assign_(lin[i]->weight(), linears[i].w);
    assign_(lin[i]->bias(), linears[i].b);
  }
  return mf;
}

std::string training_to_json(const TrainConfig& config) { return training_json(config).dump(); }

TrainConfig training_from_json(const std::string& text, const std::string& source, TrainConfig base) {
  const Reader r{source};
  json doc = parse_checked(text, r);
  apply_training(doc, base, r);
  return base;
}

void save_model(const std::string& path, const MLP& model, const TrainConfig& config) {
  write_file_atomic(path, model_to_json(model, config));
}

ModelFile load_model(const std::string& path) { return model_from_json(read_file(path, 256u << 20), path); }

}  // namespace bp
