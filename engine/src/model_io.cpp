#include "backprop/model_io.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "backprop/init.h"
#include "backprop/json_reader.h"

namespace bp {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxLayers = 2 * (kMaxHiddenLayers + 1);  // linear and activation layers
// Values a model file can hold: every parameter, twice more in the resume block (Adam's
// buffers), plus the few dozen settings and names.
constexpr JsonLimits kModelJsonLimits{32, static_cast<size_t>(kMaxParameters) * 3 + 10'000};
// The optimizer buffers a resume block may hold, in the order they are read.
constexpr const char* kStateBufferNames[] = {"momentum_buffer", "exp_avg", "exp_avg_sq"};

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

void apply_training(const json& t, TrainConfig& c, const JsonReader& r) {
  if (!t.is_object()) r.fail("\"training\" must be an object");
  auto key = [&](const char* k) { return std::string("\"training\": \"") + k + "\""; };
  auto num = [&](const char* k, float& out) {
    if (const json* v = r.optional(t, k)) out = r.number(*v, key(k));
  };
  if (const json* v = r.optional(t, "loss")) c.loss = r.named<LossKind>(*v, key("loss"), parse_loss);
  if (const json* v = r.optional(t, "optimizer")) c.optimizer = r.named<OptimizerKind>(*v, key("optimizer"), parse_optimizer);
  num("lr", c.lr);
  num("momentum", c.momentum);
  if (const json* v = r.optional(t, "nesterov")) c.nesterov = r.boolean(*v, key("nesterov"));
  num("beta1", c.beta1);
  num("beta2", c.beta2);
  num("eps", c.eps);
  num("weight_decay", c.weight_decay);
  if (const json* v = r.optional(t, "regularization"))
    c.regularization.kind = r.named<Regularization::Kind>(*v, key("regularization"), parse_regularization);
  num("regularization_rate", c.regularization.rate);
  if (const json* v = r.optional(t, "schedule")) c.schedule.kind = r.named<LrSchedule::Kind>(*v, key("schedule"), parse_schedule);
  if (const json* v = r.optional(t, "step_size")) c.schedule.step_size = r.integer(*v, key("step_size"), 1, INT64_MAX / 2);
  num("gamma", c.schedule.gamma);
  if (const json* v = r.optional(t, "total_steps")) c.schedule.total_steps = r.integer(*v, key("total_steps"), 1, INT64_MAX / 2);
  num("min_lr", c.schedule.min_lr);
  if (const json* v = r.optional(t, "batch_size")) c.batch_size = r.integer(*v, key("batch_size"), 0, kMaxPoints);
  if (const json* v = r.optional(t, "init")) c.init = r.named<Init>(*v, key("init"), parse_init);
  if (const json* v = r.optional(t, "seed")) c.seed = r.unsigned_integer(*v, key("seed"));
}

}  // namespace

std::string model_to_json(const MLP& model, const TrainConfig& config, const std::optional<DataRecord>& data,
                          const std::optional<TrainedFor>& trained, const std::optional<RunState>& resume) {
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
  json doc{{"format", kModelFormat},
                 {"version", kModelVersion},
                 {"features", features},
                 {"problem", problem_name(config.problem)},
                 {"num_classes", config.num_classes},
                 {"layers", layers},
                 {"training", training_json(config)}};
  if (data) {
    json& d = doc["data"] = data->dataset.empty() ? json{{"csv", data->csv}}
                                                  : json{{"dataset", data->dataset}, {"points", data->points}, {"noise", data->noise}};
    d["seed"] = data->seed;
    d["train_ratio"] = data->train_ratio;
  }
  if (trained) doc["trained"] = json{{"steps", trained->steps}, {"epochs", trained->epochs}};
  if (resume) {
    const OptimizerState& o = resume->optimizer;
    json& r = doc["resume"] = json{{"steps", o.steps}, {"shuffles", resume->shuffles}, {"cursor", resume->cursor}};
    const size_t params = model.parameters().size();
    for (size_t b = 0; b < o.names.size(); ++b) {
      if (b >= o.buffers.size() || o.buffers[b].size() != params)
        throw ValueError("model_to_json: the optimizer state's " + o.names[b] + " does not fit the model's parameters");
      r[o.names[b]] = o.buffers[b];
    }
  }
  return doc.dump(1) + "\n";
}

namespace {

DataRecord read_data_record(const json& d, const TrainConfig& c, const JsonReader& r) {
  if (!d.is_object()) r.fail("\"data\" must be an object");
  DataRecord rec;
  if (const json* csv = r.optional(d, "csv")) {
    rec.csv = r.string(*csv, "\"data\": \"csv\"");
    if (rec.csv.empty() || rec.csv.size() > 4096) r.fail("\"data\": \"csv\" must be a file path of 1..4096 characters");
  } else {
    rec.dataset = r.string(r.field(d, "dataset", "\"data\""), "\"data\": \"dataset\"");
    const DatasetInfo* info = find_dataset(rec.dataset);
    if (!info) r.fail("\"data\": unknown dataset " + quote_text(rec.dataset));
    if (info->problem != c.problem)
      r.fail("\"data\": dataset " + quote_text(rec.dataset) + " is a " + problem_name(info->problem) + " dataset, but the model is " +
             problem_name(c.problem));
    rec.points = r.integer(r.field(d, "points", "\"data\""), "\"data\": \"points\"", 1, kMaxPoints);
    rec.noise = r.number(r.field(d, "noise", "\"data\""), "\"data\": \"noise\"", 0.0, 1.0);
  }
  if (const json* v = r.optional(d, "seed")) rec.seed = r.unsigned_integer(*v, "\"data\": \"seed\"");
  if (const json* v = r.optional(d, "train_ratio")) rec.train_ratio = r.number(*v, "\"data\": \"train_ratio\"", 0.0, 1.0);
  if (!(rec.train_ratio > 0)) r.fail("\"data\": \"train_ratio\" must be in (0, 1]");
  return rec;
}

// The "resume" block: the optimizer's steps and buffers (each a list of one list of numbers per
// parameter, of the parameter's size, in the order of the model's parameters: each linear
// layer's weight, row-major, then its bias) and the place in the minibatch order.
RunState read_resume(const json& v, const MLP& model, const JsonReader& r) {
  if (!v.is_object()) r.fail("\"resume\" must be an object");
  RunState s;
  s.optimizer.steps = r.integer(r.field(v, "steps", "\"resume\""), "\"resume\": \"steps\"", 0, INT64_MAX / 2);
  if (const json* x = r.optional(v, "shuffles")) s.shuffles = r.unsigned_integer(*x, "\"resume\": \"shuffles\"");
  if (const json* x = r.optional(v, "cursor")) s.cursor = r.integer(*x, "\"resume\": \"cursor\"", -1, kMaxPoints);
  const std::vector<Tensor> params = model.parameters();
  for (const char* name : kStateBufferNames) {
    const json* b = r.optional(v, name);
    if (!b) continue;
    const std::string where = std::string("\"resume\": \"") + name + "\"";
    if (!b->is_array() || b->size() != params.size())
      r.fail(where + " must be a list of " + std::to_string(params.size()) + " lists, one per parameter (each layer's weight, then its bias)");
    std::vector<std::vector<float>>& out = s.optimizer.buffers.emplace_back();
    for (size_t i = 0; i < params.size(); ++i) {
      const json& p = (*b)[i];
      if (!p.is_array() || static_cast<int64_t>(p.size()) != params[i].numel())
        r.fail(where + ": parameter " + std::to_string(i) + " must have " + std::to_string(params[i].numel()) + " numbers");
      std::vector<float>& values = out.emplace_back();
      values.reserve(p.size());
      for (size_t k = 0; k < p.size(); ++k) values.push_back(r.number(p[k], where + "[" + std::to_string(i) + "][" + std::to_string(k) + "]"));
    }
    s.optimizer.names.push_back(name);
  }
  return s;
}

ModelFile model_from_doc(const json& doc, const JsonReader& r) {
  if (!doc.is_object()) r.fail("expected a JSON object at the top");
  const std::string format = r.string(r.field(doc, "format", "the file"), "\"format\"");
  if (format == "backprop-studio-session")  // the app's session file: it holds a model, but is not one
    r.fail("this is a Backprop Studio session, not a model file (the app opens it with File > Open session, and writes its "
           "model with File > Export model)");
  if (format != kModelFormat)
    r.fail(std::string("\"format\" is not \"") + kModelFormat + "\"; this is not a Backprop Studio model file");
  const int64_t version = r.integer(r.field(doc, "version", "the file"), "\"version\"", 1, INT64_MAX);
  if (version > kModelVersion)
    r.fail("version " + std::to_string(version) + " was written by a newer Backprop Studio (this one reads version " +
           std::to_string(kModelVersion) + ")");

  TrainConfig c;
  const json& feats = r.field(doc, "features", "the file");
  if (!feats.is_array() || feats.empty() || feats.size() > 16) r.fail("\"features\" must be a list of 1..16 feature names");
  c.features.clear();
  for (const json& f : feats) c.features.push_back(r.named<Feature>(f, "\"features\"", parse_feature));
  try {
    FeatureSet check(c.features);
  } catch (const ValueError& e) {
    r.fail(std::string("\"features\": ") + e.what());
  }
  if (const json* p = r.optional(doc, "problem")) c.problem = r.named<Problem>(*p, "\"problem\"", parse_problem);
  c.num_classes = c.problem == Problem::Regression
                      ? 0
                      : static_cast<int>(r.integer(r.field(doc, "num_classes", "the file"), "\"num_classes\"", 2, kMaxClasses));
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
    const std::string type = r.string(r.field(L, "type", where), where + " \"type\"");
    if (type == "activation") {
      if (linears.empty() || acts.size() == linears.size()) r.fail(where + ": an activation must follow a linear layer");
      acts.push_back(r.named<Activation>(r.field(L, "name", where), where + " \"name\"", parse_activation));
      continue;
    }
    if (type != "linear") r.fail(where + ": unknown layer type " + quote_text(type) + " (expected linear or activation)");
    if (acts.size() < linears.size()) acts.push_back(Activation::Identity);
    LinearData d;
    d.in = r.integer(r.field(L, "in", where), where + " \"in\"", 1, kMaxHiddenWidth);
    d.out = r.integer(r.field(L, "out", where), where + " \"out\"", 1, kMaxHiddenWidth);
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
  if (linears.size() > kMaxHiddenLayers + 1) r.fail("at most " + std::to_string(kMaxHiddenLayers) + " hidden layers are supported");
  c.hidden.clear();
  for (size_t i = 0; i + 1 < linears.size(); ++i) c.hidden.push_back(linears[i].out);
  c.activations.assign(acts.begin(), acts.begin() + static_cast<long>(linears.size() - 1));
  if (c.activations.empty()) c.activations = {Activation::Identity};
  // One activation for all layers when they agree, as the settings write it (so that a model
  // loaded and saved again is the same file).
  if (std::all_of(c.activations.begin(), c.activations.end(), [&](Activation a) { return a == c.activations[0]; }))
    c.activations.resize(1);
  if (linears.back().out != c.outputs())
    r.fail("the last layer has " + std::to_string(linears.back().out) + " outputs but a " + problem_name(c.problem) +
           " model needs " + std::to_string(c.outputs()));

  c.loss = default_loss(c.problem);
  if (const json* t = r.optional(doc, "training")) apply_training(*t, c, r);
  try {
    c.validate();
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
  ModelFile mf{c, std::make_shared<MLP>(c.mlp_spec()), std::nullopt, false, std::nullopt, std::nullopt};
  mf.training = r.optional(doc, "training") != nullptr;
  if (const json* d = r.optional(doc, "data")) mf.data = read_data_record(*d, c, r);
  if (const json* t = r.optional(doc, "trained")) {
    if (!t->is_object()) r.fail("\"trained\" must be an object");
    TrainedFor tf;
    tf.steps = r.integer(r.field(*t, "steps", "\"trained\""), "\"trained\": \"steps\"", 0, INT64_MAX / 2);
    if (const json* e = r.optional(*t, "epochs")) tf.epochs = r.number_double(*e, "\"trained\": \"epochs\"", 0.0, 1e300);
    mf.trained = tf;
  }
  if (const json* v = r.optional(doc, "resume")) mf.resume = read_resume(*v, *mf.model, r);
  const auto lin = mf.model->linears();
  for (size_t i = 0; i < lin.size(); ++i) {
    assign_(lin[i]->weight(), linears[i].w);
    assign_(lin[i]->bias(), linears[i].b);
  }
  return mf;
}

}  // namespace

ModelFile model_from_json(const std::string& text, const std::string& source) {
  const JsonReader r{source};
  return model_from_doc(parse_json(text, source, kModelJsonLimits), r);
}

ModelFile model_from_document(const nlohmann::json& doc, const std::string& source) { return model_from_doc(doc, JsonReader{source}); }

std::string training_to_json(const TrainConfig& config) { return training_json(config).dump(); }

TrainConfig training_from_json(const nlohmann::json& block, const std::string& source, TrainConfig base) {
  apply_training(block, base, JsonReader{source});
  return base;
}

void save_model(const std::string& path, const MLP& model, const TrainConfig& config, const std::optional<DataRecord>& data,
                const std::optional<TrainedFor>& trained, const std::optional<RunState>& resume) {
  write_file_atomic(path, model_to_json(model, config, data, trained, resume));
}

ModelFile load_model(const std::string& path) { return model_from_json(read_file(path, kMaxModelFileBytes), path); }

}  // namespace bp
