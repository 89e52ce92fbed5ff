#include "backprop/health.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <utility>

#include "backprop/autograd.h"

namespace bp {

namespace {
// Up to `most` of `train`'s points, evenly spread: their inputs (m × 2) and labels.
void sample_points(const Dataset& train, std::vector<float>& xy, std::vector<float>& labels, int64_t most = kDeadCheckPoints) {
  const int64_t n = train.size(), m = std::min(n, most);
  xy.reserve(static_cast<size_t>(m) * 2);
  labels.reserve(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    const Point& p = train.points[static_cast<size_t>(i * n / m)];
    xy.push_back(p.x);
    xy.push_back(p.y);
    labels.push_back(p.label);
  }
}

// Each hidden layer's activation outputs over `train`'s points (sample_points: m rows of `width`),
// with the layer's index (0 = the first hidden layer) and its activation, in order.
void visit_hidden_outputs(MLP& model, const FeatureSet& features, const Dataset& train,
                          const std::function<void(int hidden, Activation kind, const std::vector<float>& out, int64_t width)>& visit) {
  NoGradGuard g;
  std::vector<float> pts, labels;
  sample_points(train, pts, labels);
  const int64_t m = static_cast<int64_t>(labels.size());
  Tensor h = features.apply(Tensor::from_vector(pts, {m, 2}, model.device()));
  Sequential& layers = model.layers();
  int hidden = 0;
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    h = layers[i]->forward(h);
    if (const auto* act = dynamic_cast<ActivationModule*>(layers[i].get()))
      visit(hidden++, act->kind(), h.contiguous().to_vector(), h.shape()[1]);
  }
}
}  // namespace

bool all_zero_weights(const std::vector<float>& weights) {
  return std::all_of(weights.begin(), weights.end(), [](float w) { return std::fabs(w) <= kZeroWeight; });
}

std::optional<Flattened> flattened(MLP& model, const std::vector<LayerWeights>& weights, const FeatureSet& features,
                                   const Dataset& train, const TrainConfig& config) {
  if (config.init == Init::Zeros || !(config.weight_decay > 0 || config.regularization.rate > 0) || train.points.empty())
    return std::nullopt;
  float largest = 0;
  for (const LayerWeights& l : weights)
    for (float w : l.weight) largest = std::max(largest, std::fabs(w));
  if (!(largest <= kShrunkWeight)) return std::nullopt;  // NaN too
  std::vector<float> xy, labels;
  sample_points(train, xy, labels);
  const auto [lo, hi] = std::minmax_element(labels.begin(), labels.end());
  const float range = *hi - *lo;
  if (!(range > 0)) return std::nullopt;  // one label: the same output for every point is right
  const int64_t m = static_cast<int64_t>(labels.size());
  std::vector<float> out;
  {
    NoGradGuard g;
    out = model.forward(features.apply(Tensor::from_vector(xy, {m, 2}, model.device()))).contiguous().to_vector();
  }
  const bool regression = config.problem == Problem::Regression;
  const size_t k = out.size() / static_cast<size_t>(m);
  float spread = 0;
  for (size_t j = 0; j < k; ++j) {
    float a = out[j], b = out[j];
    for (size_t r = 0; r < static_cast<size_t>(m); ++r) a = std::min(a, out[r * k + j]), b = std::max(b, out[r * k + j]);
    spread = std::max(spread, (b - a) / (regression ? range : 1.0f));
  }
  if (!(spread < kFlatSpread)) return std::nullopt;  // NaN too
  if (config.loss != LossKind::Hinge) {
    // The loss's slope for every output shifted alike: Σᵢ ∂L/∂outᵢ, per output (differentiated
    // even where the caller runs without grad).
    EnableGradGuard grad;
    Tensor o = Tensor::from_vector(out, {m, static_cast<int64_t>(k)}, Device::cpu());
    o.set_requires_grad();
    loss_of(config, o, Tensor::from_vector(labels, {m}, Device::cpu())).backward();
    const std::vector<float> g = o.grad().contiguous().to_vector();
    for (size_t j = 0; j < k; ++j) {
      double slope = 0;
      for (size_t r = 0; r < static_cast<size_t>(m); ++r) slope += g[r * k + j];
      if (!(std::fabs(slope) < kSettledSlope * (regression ? range : 1.0f))) return std::nullopt;
    }
  }
  return Flattened{spread, largest, regression};
}

std::string flattened_summary(const Flattened& flat) {
  char apart[96] = "";
  if (flat.spread > 0)
    std::snprintf(apart, sizeof apart, "they differ by at most %.2g%s; ", static_cast<double>(flat.spread) * (flat.regression ? 100 : 1),
                  flat.regression ? "% of the targets' range" : "");
  char b[400];
  std::snprintf(b, sizeof b,
                "The network gives every training point %s output (%sits largest weight is %.2g): weight decay or regularization "
                "pulls the weights toward 0 harder than the data pulls them away, so it no longer fits the data.",
                flat.spread > 0 ? "nearly the same" : "the same", apart, static_cast<double>(flat.largest_weight));
  return b;
}

std::vector<DeadReLULayer> dead_relus(MLP& model, const std::vector<LayerWeights>& weights,
                                      const FeatureSet& features, const Dataset& train) {
  std::vector<DeadReLULayer> out;
  if (train.points.empty()) return out;
  bool any_relu = false;
  for (Activation a : model.layer_activations()) any_relu |= a == Activation::ReLU;
  if (!any_relu) return out;
  visit_hidden_outputs(model, features, train, [&](int hidden, Activation kind, const std::vector<float>& v, int64_t width) {
    if (kind != Activation::ReLU) return;
    const int64_t m = static_cast<int64_t>(v.size()) / width;
    DeadReLULayer d{hidden, 0, static_cast<int>(width), {}};
    const LayerWeights& linear = weights.at(static_cast<size_t>(hidden));  // weight: out × in
    const int64_t in = linear.in;
    for (int64_t j = 0; j < width; ++j) {
      bool alive = false;
      for (int64_t r = 0; r < m && !alive; ++r) alive = v[static_cast<size_t>(r * width + j)] > 0.0f;
      if (alive) continue;
      d.neurons.push_back(static_cast<int>(j));
      const auto row = linear.weight.begin() + j * in;
      d.zero_weights += all_zero_weights(std::vector<float>(row, row + in));
    }
    d.dead = static_cast<int>(d.neurons.size());
    if (d.dead) out.push_back(d);
  });
  return out;
}

std::vector<CopiedLayer> copied_layers(const std::vector<LayerWeights>& layers, float rel_tol) {
  std::vector<CopiedLayer> out;
  for (size_t l = 0; l + 1 < layers.size(); ++l) {
    const LayerWeights& a = layers[l];      // into the layer: out × in
    const LayerWeights& b = layers[l + 1];  // out of it: b.out × a.out
    const int64_t width = a.out, in = a.in;
    if (width < 2 || b.in != width || a.weight.size() != static_cast<size_t>(width * in) ||
        a.bias.size() != static_cast<size_t>(width) || b.weight.size() != static_cast<size_t>(b.out * width))
      continue;
    float scale = 0;
    for (float v : a.weight) scale = std::max(scale, std::fabs(v));
    for (float v : a.bias) scale = std::max(scale, std::fabs(v));
    for (float v : b.weight) scale = std::max(scale, std::fabs(v));
    if (!std::isfinite(scale)) continue;
    const float tol = rel_tol * scale;
    auto same = [tol](float x, float y) { return std::fabs(x - y) <= tol; };
    bool copies = true;
    for (int64_t j = 1; j < width && copies; ++j) {
      copies = same(a.bias[static_cast<size_t>(j)], a.bias[0]);
      for (int64_t i = 0; i < in && copies; ++i)
        copies = same(a.weight[static_cast<size_t>(j * in + i)], a.weight[static_cast<size_t>(i)]);
      for (int64_t r = 0; r < b.out && copies; ++r)
        copies = same(b.weight[static_cast<size_t>(r * width + j)], b.weight[static_cast<size_t>(r * width)]);
    }
    if (copies) out.push_back({static_cast<int>(l), static_cast<int>(width)});
  }
  return out;
}

void mark_dead_from_start(std::vector<DeadReLULayer>& dead, MLP& start, const FeatureSet& features, const Dataset& train) {
  if (!dead.empty()) mark_dead_from_start(dead, dead_relus(start, host_weights(start), features, train));
}

void mark_dead_from_start(std::vector<DeadReLULayer>& dead, const std::vector<DeadReLULayer>& at_start) {
  for (DeadReLULayer& d : dead) {
    d.from_start = 0;
    for (const DeadReLULayer& b : at_start)
      if (b.layer == d.layer)
        for (int n : d.neurons) d.from_start += std::binary_search(b.neurons.begin(), b.neurons.end(), n);
  }
}

std::optional<uint64_t> seed_with_live_relus(const TrainConfig& config, const Dataset& train, uint64_t after, int tries) {
  TrainConfig c = config;
  c.device = Device::cpu();
  const FeatureSet features(c.features);
  for (int i = 0; i < tries; ++i) {
    c.seed = after + 1 + static_cast<uint64_t>(i);  // unsigned: wraps past the largest to 0
    MLP model(c.mlp_spec());
    if (dead_relus(model, host_weights(model), features, train).empty()) return c.seed;
  }
  return std::nullopt;
}

bool never_alive(const std::vector<DeadReLULayer>& dead) {
  return std::all_of(dead.begin(), dead.end(), [](const DeadReLULayer& d) { return d.zero_weights == d.dead; });
}

namespace {
// Whether some layer has all its ReLUs dead, and whether some has kDeadShare of them or more.
std::pair<bool, bool> dead_shares(const std::vector<DeadReLULayer>& dead) {
  bool all = false, many = false;
  for (const DeadReLULayer& d : dead) {
    all |= d.dead >= d.total;
    many |= static_cast<float>(d.dead) >= kDeadShare * static_cast<float>(d.total);
  }
  return {all, many};
}
}  // namespace

bool dead_relus_hurt(const std::vector<DeadReLULayer>& dead, float train_loss, float constant_loss) {
  const auto [all, many] = dead_shares(dead);
  return all || (many && !(train_loss <= kFarFromLearned * constant_loss));
}

bool dead_relus_hurt(const std::vector<DeadReLULayer>& dead, float train_loss, const TrainConfig& config, const Dataset& train) {
  // The constant answer's loss only where a layer has many dead but not all, and the loss is finite.
  const auto [all, many] = dead_shares(dead);
  if (!all && !many) return false;
  if (one_target(train)) return false;
  if (all) return true;
  return !std::isfinite(train_loss) || !(train_loss <= kFarFromLearned * constant_answer_loss(config, train));
}

std::string dead_relu_note(const std::vector<DeadReLULayer>& dead) {
  if (dead.empty()) return "";
  std::string text;
  int all = 0;
  for (size_t i = 0; i < dead.size(); ++i) {
    const DeadReLULayer& d = dead[i];
    text += (i == 0 ? "" : i + 1 == dead.size() ? " and " : ", ") + std::to_string(d.dead) + " of " + std::to_string(d.total) +
            " neurons in layer " + std::to_string(d.layer + 1);
    all += d.dead;
  }
  const bool one = all == 1;
  return text + (one ? " is dead (its ReLU outputs" : " are dead (their ReLUs output") +
         " 0 for every training point); the network learned its points without " + (one ? "it." : "them.");
}

bool dead_from_start(const std::vector<DeadReLULayer>& dead) {
  return !dead.empty() && std::all_of(dead.begin(), dead.end(), [](const DeadReLULayer& d) { return d.from_start == d.dead; });
}

void LossJumpWatch::add(float train_loss) {
  if (!std::isfinite(train_loss) || train_loss >= kLossJump * lowest) jumped = true;
  else lowest = std::min(lowest, train_loss);
}

bool loss_jumped(const std::vector<HistoryPoint>& history, int64_t since) {
  LossJumpWatch watch;
  for (const HistoryPoint& h : history)
    if (h.step >= since) watch.add(h.train_loss);
  return watch.jumped;
}

DeadReLURemedy dead_relu_remedy(const std::vector<DeadReLULayer>& dead, bool zeros_init, RunStart start, bool jumped) {
  if (zeros_init && never_alive(dead)) return DeadReLURemedy::DefaultInit;
  if (start == RunStart::Unknown) return jumped ? DeadReLURemedy::LowerRate : DeadReLURemedy::Unknown;
  if (dead_from_start(dead)) return start == RunStart::Initialized ? DeadReLURemedy::AnotherSeed : DeadReLURemedy::Reset;
  return jumped ? DeadReLURemedy::LowerRate : DeadReLURemedy::LeakyReLU;
}

std::string dead_relu_summary(const std::vector<DeadReLULayer>& dead, bool zeros_init, RunStart start, bool jumped) {
  if (dead.empty()) return "";
  std::string text;
  int from_start = 0, all = 0;
  for (const DeadReLULayer& d : dead) {
    text += std::to_string(d.dead) + " of " + std::to_string(d.total) + " neurons in layer " + std::to_string(d.layer + 1) +
            (d.dead == 1 ? " is dead. " : " are dead. ");
    from_start += d.from_start;
    all += d.dead;
  }
  const bool one = all == 1;
  const std::string also_from_start =
      from_start == 0 ? "" : std::to_string(from_start) + " of them " + (from_start == 1 ? "was" : "were") + " dead from the start";
  if (never_alive(dead))
    return text + (zeros_init ? "Their weights are all 0 (the zeros initializer): a ReLU outputs 0 for every point and passes back no "
                                "gradient, so they never start learning."
                              : "Their weights are all 0: a ReLU outputs 0 for every point and passes back no gradient, so they no "
                                "longer learn.");
  switch (dead_relu_remedy(dead, zeros_init, start, jumped)) {
    case DeadReLURemedy::Unknown:
      return text + "A dead ReLU outputs 0 for every training point, so it no longer learns: the initial weights can leave it so, "
                    "and training can move it there, most of all at a learning rate too high.";
    case DeadReLURemedy::AnotherSeed:
      return text + (one ? "It has been from the start: the initial weights give it 0" : "They have been from the start: the initial "
                                                                                          "weights give them 0") +
             " for every training point, and a dead ReLU passes back no gradient, so " + (one ? "it" : "they") +
             " never learned. A lower learning rate would not help; other initial weights (another seed) may.";
    case DeadReLURemedy::Reset:
      return text + (one ? "It was" : "They were") +
             " already dead in the weights training started from: a dead ReLU outputs 0 for every training point and passes back no "
             "gradient, so " + (one ? "it has" : "they have") + " not learned since. New weights (a reset) may bring " +
             (one ? "it" : "them") + " back.";
    case DeadReLURemedy::LowerRate:
      return text + "A dead ReLU outputs 0 for every training point, so it no longer learns: the learning rate was too high" +
             (also_from_start.empty() ? "." : " (" + also_from_start + ").");
    default:  // LeakyReLU
      return text + "A dead ReLU outputs 0 for every training point, so it no longer learns. The loss fell without jumps, so the "
                    "learning rate is not to blame: gradient descent turned it off, as it can at any rate. A leaky ReLU (a small "
                    "slope below 0) never dies." +
             (also_from_start.empty() ? "" : " " + also_from_start + ".");
  }
}

std::string copied_summary(const std::vector<CopiedLayer>& copied, bool zeros_init) {
  if (copied.empty()) return "";
  std::string layers;
  for (size_t i = 0; i < copied.size(); ++i)
    layers += (i == 0 ? "" : i + 1 == copied.size() ? " and " : ", ") + std::to_string(copied[i].layer + 1);
  const bool one = copied.size() == 1;
  return (one ? "The " + std::to_string(copied[0].neurons) + " neurons of layer " + layers + " are copies of one another: equal weights"
              : "In layers " + layers + ", the neurons are copies of one another: equal weights") +
         (zeros_init ? " (the zeros initializer)" : "") + " get equal gradients, so " + (one ? "the" : "each") +
         " layer works as one neuron. Random initial weights break the symmetry.";
}

float constant_answer_loss(const TrainConfig& config, const Dataset& train) {
  const int64_t n = train.size();
  if (n == 0) return NAN;
  const int64_t outputs = config.outputs();
  std::vector<double> share(static_cast<size_t>(std::max<int64_t>(outputs, 2)), 0.0);
  double mean = 0;
  for (const Point& p : train.points) {
    mean += p.label;
    if (config.problem != Problem::Regression && is_class_label(p.label, static_cast<int>(share.size()))) share[static_cast<size_t>(p.label)] += 1.0 / n;
  }
  mean /= static_cast<double>(n);
  auto logit = [](double q) {
    q = std::clamp(q, 1e-7, 1 - 1e-7);
    return std::log(q / (1 - q));
  };
  std::vector<float> answer;  // the one output row given to every point
  if (config.problem == Problem::Regression) answer = {static_cast<float>(mean)};
  else if (config.problem == Problem::MultiClass)
    for (double q : share) answer.push_back(static_cast<float>(std::log(std::max(q, 1e-7))));
  else if (config.loss == LossKind::Hinge) answer = {share[1] >= 0.5 ? 1.0f : -1.0f};
  else answer = {static_cast<float>(logit(share[1]))};  // BCE, and MSE on the sigmoid
  std::vector<float> rows;
  rows.reserve(static_cast<size_t>(n * outputs));
  for (int64_t i = 0; i < n; ++i) rows.insert(rows.end(), answer.begin(), answer.end());
  NoGradGuard g;
  return loss_of(config, Tensor::from_vector(rows, {n, outputs}), train.targets()).item();
}

std::optional<float> one_target(const Dataset& train) {
  if (train.points.empty()) return std::nullopt;
  const float first = train.points.front().label;
  for (const Point& p : train.points)
    if (!(p.label == first)) return std::nullopt;  // NaN too
  return first;
}

std::string one_target_summary(float target, const Dataset& train, Problem problem) {
  const size_t n = train.points.size();
  std::string who = n == 1 ? "The one training point is" : n == 2 ? "Both training points are" : "All " + std::to_string(n) + " training points are";
  char what[96];
  if (problem == Problem::Regression) {
    if (n != 1) who.replace(who.size() - 3, 3, "have");
    else who.replace(who.size() - 2, 2, "has");
    std::snprintf(what, sizeof what, " the value %.4g", static_cast<double>(target));
  } else {
    std::snprintf(what, sizeof what, " class %.0f", static_cast<double>(target));
  }
  return who + what + ", so one answer for every point fits " + (n == 1 ? "it" : "them all") + ": " +
         (problem == Problem::Regression ? "there is nothing else to learn." : "there is no boundary to learn.");
}

namespace {
// A run's recent training loss: the median of the last tenth of its steps (20 to 200 of them;
// at least its last point), after step `since`; none for a run spanning under kOvershootSteps.
struct Recent {
  float median;
  int64_t since, until;
};
std::optional<Recent> recent_loss(const std::vector<HistoryPoint>& history) {
  if (history.empty()) return std::nullopt;
  const int64_t first = history.front().step, last = history.back().step, span = last - first;
  if (span < kOvershootSteps) return std::nullopt;
  const int64_t since = last - std::clamp<int64_t>(span / 10, 20, 200);
  std::vector<float> recent;
  for (auto h = history.rbegin(); h != history.rend() && (recent.empty() || h->step > since); ++h) recent.push_back(h->train_loss);
  std::nth_element(recent.begin(), recent.begin() + static_cast<std::ptrdiff_t>(recent.size() / 2), recent.end());
  return Recent{recent[recent.size() / 2], since, last};
}
}  // namespace

std::optional<Overshoot> overshooting(const std::vector<HistoryPoint>& history, float constant_loss) {
  const std::optional<Recent> r = recent_loss(history);
  if (!r) return std::nullopt;
  Overshoot o{r->median, history.front().train_loss, constant_loss, r->since, r->until};
  const float level = std::max(o.start, o.constant);  // a NaN start: no level, no finding; a NaN constant: the start alone
  if (!std::isfinite(o.recent)) return std::nullopt;
  if (o.recent > kOvershootRatio * level || (o.recent > kJumpyOvershootRatio * level && loss_jumped(history))) return o;
  return std::nullopt;
}

std::optional<Overshoot> overshooting(const std::vector<HistoryPoint>& history, const TrainConfig& config, const Dataset& train) {
  if (!overshooting(history, NAN)) return std::nullopt;
  return overshooting(history, constant_answer_loss(config, train));
}

namespace {
// Which steps a recent median was taken over: "steps 1801-2000", or for a run still training
// "the last 200 steps".
std::string recent_steps(int64_t since, int64_t until, bool live) {
  char buf[80];
  if (live) std::snprintf(buf, sizeof buf, "the last %lld steps", static_cast<long long>(until - since));
  else std::snprintf(buf, sizeof buf, "steps %lld-%lld", static_cast<long long>(since + 1), static_cast<long long>(until));
  return buf;
}
}  // namespace

std::string overshoot_summary(const Overshoot& o, const TrainConfig& config, const Dataset& train, bool live) {
  char buf[400], constant[120] = "";
  // One answer for every point is named where it, not the start, sets the bar (a run resumed
  // from a trained model starts far below it).
  if (o.constant > 1.2f * o.start)
    std::snprintf(constant, sizeof constant, ", and one answer for every point scores %.3g", static_cast<double>(o.constant));
  std::snprintf(buf, sizeof buf,
                "The training loss stays above where it started: %.3g over %s, against %.3g at the start%s. Each step "
                "overshoots the minimum, so the loss jumps around instead of falling: ",
                static_cast<double>(o.recent), recent_steps(o.since, o.until, live).c_str(), static_cast<double>(o.start), constant);
  return buf + divergence_advice(config, train, false) + ".";
}

std::optional<Saturated> saturated(MLP& model, const std::vector<LayerWeights>& weights, const FeatureSet& features,
                                   const Dataset& train, const TrainConfig& config, const std::vector<HistoryPoint>& history) {
  bool any = false;
  for (Activation a : model.layer_activations()) any |= a == Activation::Tanh || a == Activation::Sigmoid;
  const std::optional<Recent> r = any ? recent_loss(history) : std::nullopt;
  if (!r || !std::isfinite(r->median) || one_target(train)) return std::nullopt;
  Saturated s;
  s.recent = r->median, s.since = r->since, s.until = r->until;
  s.constant = constant_answer_loss(config, train);
  s.best = r->median;
  s.best_step = r->until;
  for (const HistoryPoint& p : history)
    if (p.train_loss < s.best) s.best = p.train_loss, s.best_step = p.step;
  const bool lost = s.recent >= kLostRatio * s.best && s.recent >= kFarFromLearned * s.constant;
  if (!(s.nothing_learned() || lost)) return std::nullopt;  // it learned and kept it (a NaN constant: no points)
  int64_t at_limits = 0, outputs = 0;
  visit_hidden_outputs(model, features, train, [&](int hidden, Activation kind, const std::vector<float>& v, int64_t) {
    if (kind != Activation::Tanh && kind != Activation::Sigmoid) return;
    const bool tanh = kind == Activation::Tanh;
    (tanh ? s.tanh : s.sigmoid) = true;
    int64_t here = 0;
    for (float x : v)  // tanh: |x| near 1; sigmoid: x near 0 or 1
      here += (tanh ? 1.0f - std::fabs(x) : 0.5f - std::fabs(x - 0.5f)) <= kSaturatedOutput;
    at_limits += here;
    outputs += static_cast<int64_t>(v.size());
    const float share = v.empty() ? 0.0f : static_cast<float>(static_cast<double>(here) / static_cast<double>(v.size()));
    if (share > s.layer_share) s.layer = hidden, s.layer_share = share, s.layer_tanh = tanh;
  });
  s.share = outputs ? static_cast<float>(static_cast<double>(at_limits) / static_cast<double>(outputs)) : 0.0f;
  if (s.share >= kSaturatedShare) s.layer = -1;  // all of them: no one layer named
  else if (!(s.layer_share >= kSaturatedShare)) return std::nullopt;
  for (const LayerWeights& l : weights)
    for (float w : l.weight) s.largest_weight = std::max(s.largest_weight, std::fabs(w));
  return s;
}

std::string saturated_summary(const Saturated& s, const TrainConfig& config, bool live) {
  const char* units = s.tanh && s.sigmoid ? "tanh and sigmoid" : s.tanh ? "tanh" : "sigmoid";
  const char* limits = s.tanh && s.sigmoid ? "their limits, where both are flat" : s.tanh ? "-1 or 1, where tanh is flat" : "0 or 1, where the sigmoid is flat";
  char against[160];
  if (s.nothing_learned())
    std::snprintf(against, sizeof against, "is no better than one answer for every point (%.3g)", static_cast<double>(s.constant));
  else
    std::snprintf(against, sizeof against, "is far above the %.3g it reached at step %lld", static_cast<double>(s.best),
                  static_cast<long long>(s.best_step));
  // Where one layer, not all of them, is at its limits: that layer, its kind, its share.
  char whose[80];
  if (s.layer >= 0) {
    units = s.layer_tanh ? "tanh" : "sigmoid";
    limits = s.layer_tanh ? "-1 or 1, where tanh is flat" : "0 or 1, where the sigmoid is flat";
    std::snprintf(whose, sizeof whose, "layer %d's", s.layer + 1);
  } else {
    std::snprintf(whose, sizeof whose, "its");
  }
  char buf[600];
  std::snprintf(buf, sizeof buf,
                "The network %s: its training loss, %.3g over %s, %s. %.1f%% of %s %s outputs are at %s (its "
                "largest weight is %.3g), so almost no gradient passes back: the learning rate %g is probably too high.",
                s.nothing_learned() ? "is not learning" : "has stopped learning", static_cast<double>(s.recent),
                recent_steps(s.since, s.until, live).c_str(), against,
                100.0 * static_cast<double>(s.layer >= 0 ? s.layer_share : s.share), whose, units, limits,
                static_cast<double>(s.largest_weight), static_cast<double>(config.lr));
  return buf;
}

float scale_target(float y, float low, float high) {
  const double mid = (static_cast<double>(low) + high) / 2, half = (static_cast<double>(high) - low) / 2;
  return half > 0 ? static_cast<float>((y - mid) / half) : y - low;
}

namespace {
// The trial of large_targets: `steps` steps of `config`'s network from new weights on `train`'s
// points (sample_points) with their targets scaled from [low, high] to -1..1; its training loss
// as a share of one answer's for those targets, or NaN where it diverged.
float scaled_trial(const TrainConfig& config, const Dataset& train, float low, float high, int64_t steps) {
  std::vector<float> xy, labels;
  sample_points(train, xy, labels, kScaledTrialPoints);
  Dataset scaled = train;
  scaled.points.clear();
  for (size_t i = 0; i < labels.size(); ++i) scaled.points.push_back({xy[2 * i], xy[2 * i + 1], scale_target(labels[i], low, high)});
  Dataset none = scaled;
  none.points.clear();
  Trainer trial(config, scaled, none);
  for (int64_t i = 0; i < steps && !trial.diverged(); ++i) trial.step();
  return trial.diverged() ? NAN : trial.train_metrics().loss / constant_answer_loss(config, scaled);
}
}  // namespace

std::optional<LargeTargets> large_targets(const std::vector<HistoryPoint>& history, const TrainConfig& config, const Dataset& train,
                                          ScaledTrial* memo) {
  if (config.problem != Problem::Regression || train.size() == 0) return std::nullopt;
  LargeTargets t;
  t.low = t.high = train.points.front().label;
  for (const Point& p : train.points) t.low = std::min(t.low, p.label), t.high = std::max(t.high, p.label);
  if (!(std::max(std::fabs(t.low), std::fabs(t.high)) > kLargeTarget) || !(t.high > t.low)) return std::nullopt;
  const std::optional<Recent> r = recent_loss(history);
  if (!r || !std::isfinite(r->median)) return std::nullopt;
  t.recent = r->median, t.since = r->since, t.until = r->until;
  t.constant = constant_answer_loss(config, train);
  if (!(t.constant > 0) || !(t.share() >= kFarFromLearned)) return std::nullopt;
  // As many steps as the run took, up to kScaledTrialSteps; below that, the largest power of two
  // within them, so that a caller asking as the run goes on takes a few trials, not one a call.
  const int64_t span = history.back().step - history.front().step;
  t.trial_steps = kScaledTrialSteps;
  if (span < kScaledTrialSteps)
    for (t.trial_steps = 1; 2 * t.trial_steps <= span;) t.trial_steps *= 2;
  if (memo && memo->steps == t.trial_steps) {
    t.trial_share = memo->share;
  } else {
    t.trial_share = scaled_trial(config, train, t.low, t.high, t.trial_steps);
    if (memo) *memo = {t.trial_steps, t.trial_share};
  }
  if (!(t.trial_share < kNothingLearned && t.trial_share < 0.5f * t.share())) return std::nullopt;  // NaN (diverged): not
  return t;
}

std::string large_targets_summary(const LargeTargets& t, bool live) {
  char against[120];
  if (t.share() >= kNothingLearned)
    std::snprintf(against, sizeof against, "is not learning: its training loss, %.3g over %s, is no better than",
                  static_cast<double>(t.recent), recent_steps(t.since, t.until, live).c_str());
  else
    std::snprintf(against, sizeof against, "learns little: its training loss, %.3g over %s, is %.0f%% of the loss of",
                  static_cast<double>(t.recent), recent_steps(t.since, t.until, live).c_str(), 100.0 * static_cast<double>(t.share()));
  char buf[700];
  std::snprintf(buf, sizeof buf,
                "The network %s one answer for every point (%.3g). Its targets (%.4g to %.4g) are far from the -1..1 its "
                "outputs start near, which a lower rate does not mend. Scaled to -1..1, they got the same network to %.0f%% "
                "of one answer's loss in %lld steps.",
                against, static_cast<double>(t.constant), static_cast<double>(t.low), static_cast<double>(t.high),
                100.0 * static_cast<double>(t.trial_share), static_cast<long long>(t.trial_steps));
  return buf;
}

}  // namespace bp
