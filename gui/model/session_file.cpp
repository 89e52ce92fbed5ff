#include "model/session_file.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "backprop/errors.h"
#include "backprop/json_reader.h"
#include "backprop/model_io.h"

namespace bp::studio {

using json = nlohmann::json;

namespace {

// Values a session can hold: points, history, a model of the app's largest network, settings.
// (history: 2 × kAppMaxHistory entries of 6 values; gradient history: as many of at most 1 + 9.)
constexpr JsonLimits kSessionJsonLimits{32, kAppMaxPoints * 6 + kAppMaxHistory * 36 + 200'000};

std::string clean_title(const std::string& t) {
  // No control characters (they would reach the title bar and the terminal), and a bounded length.
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < t.size() && chars < kAppMaxTitle; ++i) {
    const auto c = static_cast<unsigned char>(t[i]);
    out += c < 0x20 || c == 0x7F ? ' ' : static_cast<char>(c);
    if ((c & 0xC0) != 0x80) ++chars;
  }
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
    // Do not end inside a UTF-8 sequence cut by the length limit.
    size_t lead = out.size() - 1;
    while (lead > 0 && (static_cast<unsigned char>(out[lead]) & 0xC0) == 0x80) --lead;
    const auto c = static_cast<unsigned char>(out[lead]);
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (out.size() - lead >= need) break;
    out.resize(lead);
  }
  return out;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

DataSettings read_data(const json& doc, const JsonReader& r) {
  DataSettings d;
  const json* j = r.optional(doc, "data");
  if (!j) return d;
  if (!j->is_object()) r.fail("\"data\" must be an object");
  auto key = [](const char* k) { return std::string("\"data\": \"") + k + "\""; };
  if (const json* v = r.optional(*j, "dataset")) d.dataset = r.string(*v, key("dataset"));
  if (d.dataset != "custom" && !find_dataset(d.dataset)) r.fail("\"data\": unknown dataset " + quote_text(d.dataset));
  if (const json* v = r.optional(*j, "points")) d.points = r.integer(*v, key("points"), 1, kAppMaxGeneratedPoints);
  if (const json* v = r.optional(*j, "noise")) d.noise = r.number(*v, key("noise"), 0.0, 1.0);
  if (const json* v = r.optional(*j, "seed")) d.seed = r.unsigned_integer(*v, key("seed"));
  if (const json* v = r.optional(*j, "train_ratio")) d.train_ratio = r.number(*v, key("train_ratio"), 1e-6, 1.0);
  if (const json* v = r.optional(*j, "problem")) d.problem = r.named<Problem>(*v, key("problem"), parse_problem);
  if (const json* v = r.optional(*j, "num_classes")) d.num_classes = static_cast<int>(r.integer(*v, key("num_classes"), 0, kMaxClasses));
  if (const DatasetInfo* info = find_dataset(d.dataset)) {
    d.problem = info->problem;
    d.num_classes = info->num_classes;
  } else if (d.problem == Problem::Binary) {
    d.num_classes = 2;
  } else if (d.problem == Problem::Regression) {
    d.num_classes = 0;
  } else if (d.num_classes < 2 || d.num_classes > kAppMaxClasses) {
    r.fail(key("num_classes") + " is " + std::to_string(d.num_classes) + "; the app shows 2 to " + std::to_string(kAppMaxClasses) +
           " classes");
  }
  return d;
}

void read_network(const json& doc, TrainConfig& c, const JsonReader& r) {
  const json* n = r.optional(doc, "network");
  if (!n) return;
  if (!n->is_object()) r.fail("\"network\" must be an object");
  if (const json* h = r.optional(*n, "hidden")) {
    if (!h->is_array() || h->size() > kAppMaxHiddenLayers)
      r.fail("\"network\": \"hidden\" must be a list of at most " + std::to_string(kAppMaxHiddenLayers) + " layer widths");
    c.hidden.clear();
    for (const json& w : *h) c.hidden.push_back(r.integer(w, "\"network\": a hidden layer width", 1, kAppMaxHiddenWidth));
  }
  if (const json* a = r.optional(*n, "activations")) {
    if (!a->is_array() || a->size() > kAppMaxHiddenLayers)
      r.fail("\"network\": \"activations\" must be a list of at most " + std::to_string(kAppMaxHiddenLayers) + " names");
    c.activations.clear();
    for (const json& v : *a) c.activations.push_back(r.named<Activation>(v, "\"network\": an activation", parse_activation));
  }
  if (const json* f = r.optional(*n, "features")) {
    if (!f->is_array() || f->size() > 16) r.fail("\"network\": \"features\" must be a list of feature names");
    c.features.clear();
    for (const json& v : *f) c.features.push_back(r.named<Feature>(v, "\"network\": a feature", parse_feature));
  }
}

std::vector<StudioPoint> read_points(const json& pts, const DataSettings& d, const JsonReader& r) {
  if (!pts.is_array() || pts.size() > kAppMaxPoints)
    r.fail("\"points\" must be a list of at most " + std::to_string(kAppMaxPoints) + " points");
  std::vector<StudioPoint> out;
  out.reserve(pts.size());
  const double lim = kAppMaxCoordinate;
  for (size_t i = 0; i < pts.size(); ++i) {
    const json& p = pts[i];
    const std::string where = "point " + std::to_string(i);
    if (!p.is_array() || p.size() != 4) r.fail(where + " must be [x, y, label, test]");
    StudioPoint sp;
    sp.x = r.number(p[0], where + " x", -lim, lim);
    sp.y = r.number(p[1], where + " y", -lim, lim);
    if (d.problem == Problem::Regression) {
      sp.label = r.number(p[2], where + " target", -lim, lim);
    } else {
      sp.label = r.number(p[2], where + " label");
      if (!is_class_label(sp.label, d.num_classes))
        r.fail(where + ": label " + fmt(sp.label) + " is not a class of this " + std::to_string(d.num_classes) +
               "-class problem (0 to " + std::to_string(d.num_classes - 1) + ")");
    }
    if (p[3].is_boolean()) sp.test = p[3].get<bool>();
    else sp.test = r.number(p[3], where + " test flag", 0, 1) != 0;
    out.push_back(sp);
  }
  return out;
}

float loss_value(const json& v, const JsonReader& r, const std::string& what) {
  return v.is_null() ? NAN : r.number(v, what);  // null: not a number (no test points)
}

std::vector<HistoryPoint> read_history(const json& h, const JsonReader& r) {
  if (!h.is_array() || h.size() > kAppMaxHistory * 2)
    r.fail("\"history\" must be a list of at most " + std::to_string(kAppMaxHistory * 2) + " entries");
  std::vector<HistoryPoint> out;
  for (size_t i = 0; i < h.size(); ++i) {
    const std::string where = "history entry " + std::to_string(i);
    const json& e = h[i];
    if (!e.is_array() || e.size() != 6) r.fail(where + " must be [step, epoch, train loss, test loss, train accuracy, test accuracy]");
    HistoryPoint p{};
    p.step = r.integer(e[0], where + " step", 0, INT64_MAX / 2);
    p.epoch = e[1].is_null() ? NAN : r.number_double(e[1], where + " epoch", 0.0, 1e300);
    p.train_loss = loss_value(e[2], r, where + " train loss");
    p.test_loss = loss_value(e[3], r, where + " test loss");
    p.train_accuracy = e[4].is_null() ? NAN : r.number(e[4], where + " train accuracy", 0.0, 1.0);
    p.test_accuracy = e[5].is_null() ? NAN : r.number(e[5], where + " test accuracy", 0.0, 1.0);
    if (!out.empty() && p.step < out.back().step) r.fail(where + ": steps must not go back");
    out.push_back(p);
  }
  return out;
}

std::vector<GradientNormPoint> read_gradient_history(const json& h, size_t layers, const JsonReader& r) {
  if (!h.is_array() || h.size() > kAppMaxHistory * 2)
    r.fail("\"gradient_history\" must be a list of at most " + std::to_string(kAppMaxHistory * 2) + " entries");
  std::vector<GradientNormPoint> out;
  for (size_t i = 0; i < h.size(); ++i) {
    const std::string where = "gradient_history entry " + std::to_string(i);
    const json& e = h[i];
    if (!e.is_array() || e.size() != layers + 1)
      r.fail(where + " must be [step, then one gradient norm for each of the model's " + std::to_string(layers) + " layers]");
    GradientNormPoint p;
    p.step = r.integer(e[0], where + " step", 0, INT64_MAX / 2);
    for (size_t k = 1; k <= layers; ++k)
      p.norms.push_back(e[k].is_null() ? NAN : r.number(e[k], where + " norm", 0.0, std::numeric_limits<float>::max()));
    if (!out.empty() && p.step < out.back().step) r.fail(where + ": steps must not go back");
    out.push_back(std::move(p));
  }
  return out;
}

SessionViews read_views(const json& v, const JsonReader& r) {
  if (!v.is_object()) r.fail("\"views\" must be an object");
  SessionViews out;
  if (const json* o = r.optional(v, "open")) {
    if (!o->is_array()) r.fail("\"views\": \"open\" must be a list of view names");
    if (o->size() > kSessionViewNames.size()) r.fail("\"views\": \"open\" names more views than there are");
    for (const json& name : *o) {
      const std::string n = r.string(name, "\"views\": \"open\"");
      if (std::find(kSessionViewNames.begin(), kSessionViewNames.end(), n) == kSessionViewNames.end()) {
        r.fail("\"views\": unknown view " + quote_text(n) + " (known: " + comma_separated(kSessionViewNames) + ")");
      }
      out.open.push_back(n);
    }
  }
  if (const json* l = r.optional(v, "links")) {
    const std::string n = r.string(*l, "\"views\": \"links\"");
    if (n != "weights" && n != "gradients") r.fail("\"views\": \"links\" must be \"weights\" or \"gradients\"");
    out.link_gradients = n == "gradients";
  }
  // A view's settings: an object of small whole numbers (and an ε), each optional.
  auto section = [&](const char* name) {
    const json* o = r.optional(v, name);
    if (o && !o->is_object()) r.fail(std::string("\"views\": \"") + name + "\" must be an object");
    return o;
  };
  auto whole = [&](const json* o, const char* name, const char* key, int& field, int lo) {
    if (const json* f = r.optional(*o, key))
      field = static_cast<int>(r.integer(*f, std::string("\"views\": \"") + name + "\": \"" + key + "\"", lo, 100000));
  };
  if (const json* t = section("tangent")) {
    whole(t, "tangent", "layer", out.tangent_layer, 1);
    whole(t, "tangent", "neuron", out.tangent_neuron, 1);
    whole(t, "tangent", "input", out.tangent_input, 0);
    if (const json* e = r.optional(*t, "eps")) out.tangent_eps = r.number(*e, "\"views\": \"tangent\": \"eps\"", 1e-4, 1.0);
  }
  if (const json* h = section("hidden")) {
    whole(h, "hidden", "layer", out.hidden_layer, 1);
    whole(h, "hidden", "x", out.hidden_x, 0);
    whole(h, "hidden", "y", out.hidden_y, 0);
  }
  if (const json* l = section("landscape")) {
    if (const json* a = r.optional(*l, "axes")) {
      const std::string n = r.string(*a, "\"views\": \"landscape\": \"axes\"");
      if (n != "random" && n != "parameters") r.fail("\"views\": \"landscape\": \"axes\" must be \"random\" or \"parameters\"");
      out.landscape_random = n == "random";
    }
    auto param = [&](const char* key, std::array<int, 3>& p) {
      const json* f = r.optional(*l, key);
      if (!f) return;
      const std::string where = std::string("\"views\": \"landscape\": \"") + key + "\"";
      if (!f->is_array() || f->size() != 3) r.fail(where + " must be [layer, neuron, input]");
      for (size_t k = 0; k < 3; ++k) p[k] = static_cast<int>(r.integer((*f)[k], where, k == 2 ? 0 : 1, 100000));
    };
    param("x", out.landscape_x);
    param("y", out.landscape_y);
    if (const json* s = r.optional(*l, "span")) out.landscape_span = r.number(*s, "\"views\": \"landscape\": \"span\"", 0.05, 20.0);
    if (const json* b = r.optional(*l, "race")) out.race = r.boolean(*b, "\"views\": \"landscape\": \"race\"");
  }
  return out;
}

json views_to_json(const SessionViews& v) {
  return {{"open", v.open},
          {"links", v.link_gradients ? "gradients" : "weights"},
          {"tangent", {{"layer", v.tangent_layer}, {"neuron", v.tangent_neuron}, {"input", v.tangent_input}, {"eps", v.tangent_eps}}},
          {"hidden", {{"layer", v.hidden_layer}, {"x", v.hidden_x}, {"y", v.hidden_y}}},
          {"landscape",
           {{"axes", v.landscape_random ? "random" : "parameters"}, {"x", v.landscape_x}, {"y", v.landscape_y}, {"span", v.landscape_span},
            {"race", v.race}}}};
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

void check_app_network(const TrainConfig& c) {
  if (c.hidden.size() > kAppMaxHiddenLayers)
    throw ValueError("the app builds at most " + std::to_string(kAppMaxHiddenLayers) + " hidden layers, not " +
                     std::to_string(c.hidden.size()));
  for (int64_t h : c.hidden)
    if (h > kAppMaxHiddenWidth)
      throw ValueError("the app builds hidden layers of at most " + std::to_string(kAppMaxHiddenWidth) + " neurons, not " +
                       std::to_string(h));
}

SessionFile parse_session(const std::string& text, const std::string& source) {
  const JsonReader r{source};
  const json doc = parse_json(text, source, kSessionJsonLimits);
  if (!doc.is_object()) r.fail("not a Backprop Studio session or preset (expected a JSON object)");
  const json* format = r.optional(doc, "format");
  if (!format || !format->is_string() || format->get<std::string>() != kSessionFormat)
    r.fail(std::string("not a Backprop Studio session or preset (\"format\" must be \"") + kSessionFormat + "\")");
  const json* version = r.optional(doc, "version");
  if (!version) r.fail("has no \"version\"");
  const int64_t v = r.integer(*version, "\"version\"", 1, INT64_MAX);
  if (v > kSessionVersion)
    r.fail("version " + std::to_string(v) + " was written by a newer Backprop Studio (this one reads version " +
           std::to_string(kSessionVersion) + ")");

  SessionFile s;
  if (const json* t = r.optional(doc, "title")) s.title = clean_title(r.string(*t, "\"title\""));
  s.data = read_data(doc, r);
  TrainConfig c;
  read_network(doc, c, r);
  if (const json* t = r.optional(doc, "training")) c = training_from_json(*t, source, c);
  if (const json* m = r.optional(doc, "model")) {
    ModelFile mf = model_from_document(*m, source + " (its \"model\")");
    c = mf.config;
    s.model = mf.model;
    s.run = mf.resume;
    const int classes = s.data.problem == Problem::Regression ? 0 : s.data.num_classes;
    if (c.problem != s.data.problem || c.num_classes != classes)
      r.fail(std::string("the saved weights are for a ") + problem_name(c.problem) + " problem with " + std::to_string(c.num_classes) +
             " classes, but the data is " + problem_name(s.data.problem) + " with " + std::to_string(classes));
    if (const json* h = r.optional(doc, "history")) s.history = read_history(*h, r);
    if (const json* g = r.optional(doc, "gradient_history")) s.gradient_history = read_gradient_history(*g, c.hidden.size() + 1, r);
    // The step and epoch the weights were saved at (files without them: the chart's last step).
    s.step = s.history.empty() ? 0 : s.history.back().step;
    if (const json* st = r.optional(doc, "step")) s.step = r.integer(*st, "\"step\"", 0, INT64_MAX / 2);
    if (const json* ep = r.optional(doc, "epoch")) s.epoch = r.number_double(*ep, "\"epoch\"", 0.0, 1e300);
  }
  c.problem = s.data.problem;
  c.num_classes = s.data.problem == Problem::Regression ? 0 : s.data.num_classes;
  if (!loss_fits(c.loss, c.problem)) c.loss = default_loss(c.problem);
  try {
    check_app_network(c);
    c.validate();
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
  s.config = c;
  if (const json* p = r.optional(doc, "points")) {
    s.points = read_points(*p, s.data, r);
    s.has_points = true;
  }
  if (const json* sp = r.optional(doc, "speed")) s.speed = r.number_double(*sp, "\"speed\"", 0.0, kAppMaxSpeed);
  if (const json* v = r.optional(doc, "views")) s.views = read_views(*v, r);
  return s;
}

std::string session_to_json(const SessionFile& s) {
  const TrainConfig& c = s.config;
  json feats = json::array();
  for (Feature f : c.features) feats.push_back(feature_name(f));
  json acts = json::array();
  for (Activation a : c.activations) acts.push_back(activation_name(a));
  json doc = {{"format", kSessionFormat},
              {"version", kSessionVersion},
              {"title", s.title},
              {"data", {{"dataset", s.data.dataset}, {"points", s.data.points}, {"noise", s.data.noise}, {"seed", s.data.seed},
                        {"train_ratio", s.data.train_ratio}, {"problem", problem_name(s.data.problem)},
                        {"num_classes", s.data.num_classes}}},
              {"network", {{"hidden", c.hidden}, {"activations", acts}, {"features", feats}}},
              {"training", json::parse(training_to_json(c))},
              {"speed", s.speed}};
  if (!s.views.empty()) doc["views"] = views_to_json(s.views);
  if (s.has_points) {
    json pts = json::array();
    for (const StudioPoint& p : s.points) pts.push_back({p.x, p.y, p.label, p.test ? 1 : 0});
    doc["points"] = pts;
  }
  if (s.model && all_finite(*s.model)) {
    doc["model"] = json::parse(model_to_json(*s.model, c, std::nullopt, std::nullopt, s.run && all_finite(*s.run) ? s.run : std::nullopt));
    json hist = json::array();
    for (const HistoryPoint& h : s.history)
      hist.push_back({h.step, number_or_null(h.epoch), number_or_null(h.train_loss), number_or_null(h.test_loss),
                      number_or_null(h.train_accuracy), number_or_null(h.test_accuracy)});
    doc["history"] = hist;
    json grads = json::array();
    for (const GradientNormPoint& g : s.gradient_history) {
      json row = json::array({g.step});
      for (float n : g.norms) row.push_back(number_or_null(n));
      grads.push_back(std::move(row));
    }
    doc["gradient_history"] = grads;
    doc["step"] = s.step;
    doc["epoch"] = s.epoch;
  }
  return doc.dump(1) + "\n";
}

SessionFile read_session(const std::string& path) { return parse_session(read_file(path, kMaxSessionFileBytes), path); }

bool all_finite(const MLP& m) {
  for (const Tensor& p : m.parameters())
    for (float v : p.to_vector())
      if (!std::isfinite(v)) return false;
  return true;
}

bool all_finite(const RunState& r) {
  for (const auto& buffer : r.optimizer.buffers)
    for (const auto& values : buffer)
      for (float v : values)
        if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace bp::studio
