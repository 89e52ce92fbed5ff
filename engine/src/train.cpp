#include "backprop/train.h"

#include <cmath>
#include <cstdio>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/ops.h"
#include "backprop/random.h"
#include "enum_names.h"
#include "tensor_impl.h"

namespace bp {

namespace {
constexpr EnumName<OptimizerKind> kOptimizerNames[] = {
    {OptimizerKind::SGD, "sgd"}, {OptimizerKind::Momentum, "momentum"}, {OptimizerKind::Adam, "adam"}, {OptimizerKind::AdamW, "adamw"}};
}  // namespace

const char* optimizer_name(OptimizerKind k) { return enum_name(kOptimizerNames, k); }
OptimizerKind parse_optimizer(const std::string& name) { return parse_enum(kOptimizerNames, name, "optimizer"); }

LossKind default_loss(Problem p) {
  switch (p) {
    case Problem::Binary: return LossKind::BCE;
    case Problem::MultiClass: return LossKind::SoftmaxCE;
    case Problem::Regression: return LossKind::MSE;
  }
  return LossKind::BCE;
}

int64_t TrainConfig::outputs() const { return problem == Problem::MultiClass ? num_classes : 1; }

MlpSpec TrainConfig::mlp_spec() const {
  MlpSpec s;
  s.inputs = static_cast<int64_t>(features.size());
  s.hidden = hidden;
  s.activations = activations;
  s.outputs = outputs();
  s.init = init;
  s.seed = seed;
  s.device = device;
  return s;
}

bool loss_fits(LossKind loss, Problem problem) {
  switch (problem) {
    case Problem::Binary: return loss == LossKind::BCE || loss == LossKind::Hinge || loss == LossKind::MSE;
    case Problem::MultiClass: return loss == LossKind::SoftmaxCE;
    case Problem::Regression: return loss == LossKind::MSE;
  }
  return false;
}

int64_t TrainConfig::num_parameters() const {
  int64_t params = 0, in = static_cast<int64_t>(features.size());
  for (int64_t h : hidden) params += (in + 1) * h, in = h;
  return params + (in + 1) * outputs();
}

void TrainConfig::validate() const {
  auto fail = [](const char* setting, const std::string& m) { throw SettingError(setting, m); };
  auto g = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (hidden.size() > kMaxHiddenLayers) fail("hidden", "at most " + std::to_string(kMaxHiddenLayers) + " hidden layers are supported");
  for (int64_t h : hidden)
    if (h < 1 || h > kMaxHiddenWidth)
      fail("hidden", "hidden layer widths must be in 1.." + std::to_string(kMaxHiddenWidth) + ", got " + std::to_string(h));
  if (!hidden.empty() && activations.size() != 1 && activations.size() != hidden.size())
    fail("activations", "give one activation for all hidden layers or one per hidden layer (" +
         std::to_string(hidden.size()) + " layers, " + std::to_string(activations.size()) + " activations)");
  if (activations.empty()) fail("activations", "at least one activation is needed");
  try {
    FeatureSet check(features);  // throws on empty or repeated features
  } catch (const ValueError& e) {
    fail("features", e.what());
  }
  if (problem == Problem::MultiClass && (num_classes < 2 || num_classes > kMaxClasses))
    fail("num_classes", "multiclass problems need 2.." + std::to_string(kMaxClasses) + " classes");
  if (problem == Problem::Binary && num_classes != 2) fail("num_classes", "binary problems have exactly 2 classes");
  if (num_parameters() > kMaxParameters)
    fail("hidden", "the network has " + std::to_string(num_parameters()) + " parameters, more than the " + std::to_string(kMaxParameters) +
         " a model file holds");
  if (!loss_fits(loss, problem))
    fail("loss", std::string("loss '") + loss_name(loss) + "' does not fit a " + problem_name(problem) +
         " problem (binary: bce, hinge or mse; multiclass: cross_entropy; regression: mse)");
  if (!std::isfinite(lr) || lr <= 0.0f || lr > 100.0f) fail("lr", "learning rate must be in (0, 100], got " + g(lr));
  if (!(momentum >= 0.0f && momentum < 1.0f)) fail("momentum", "momentum must be in [0, 1), got " + g(momentum));
  if (!(beta1 >= 0.0f && beta1 < 1.0f)) fail("beta1", "Adam beta1 must be in [0, 1), got " + g(beta1));
  if (!(beta2 >= 0.0f && beta2 < 1.0f)) fail("beta2", "Adam beta2 must be in [0, 1), got " + g(beta2));
  if (!(eps > 0.0f && eps <= 1.0f)) fail("eps", "Adam eps must be in (0, 1], got " + g(eps));
  if (!(weight_decay >= 0.0f && weight_decay <= 100.0f)) fail("weight_decay", "weight decay must be in [0, 100], got " + g(weight_decay));
  if (!(regularization.rate >= 0.0f && regularization.rate <= 100.0f))
    fail("regularization_rate", "regularization rate must be in [0, 100], got " + g(regularization.rate));
  if (batch_size < 0 || batch_size > kMaxPoints)
    fail("batch_size", "batch size must be in 1.." + std::to_string(kMaxPoints) + " (or 0 for the full set), got " + std::to_string(batch_size));
  if (schedule.step_size < 1) fail("step_size", "step schedule: the step size must be >= 1, got " + std::to_string(schedule.step_size));
  if (!(schedule.gamma > 0.0f && schedule.gamma <= 1.0f)) fail("gamma", "step schedule: gamma must be in (0, 1], got " + g(schedule.gamma));
  if (schedule.total_steps < 1) fail("total_steps", "cosine schedule: total steps must be >= 1, got " + std::to_string(schedule.total_steps));
  if (!(schedule.min_lr >= 0.0f && schedule.min_lr <= lr))
    fail("min_lr", "cosine schedule: the final learning rate must be in [0, lr] = [0, " + g(lr) + "], got " + g(schedule.min_lr));
}

namespace {
float largest_target(const Dataset& d) {
  float biggest = 0.0f;
  for (const Point& p : d.points) biggest = std::max(biggest, std::fabs(p.label));
  return biggest;
}
}  // namespace

DivergenceCause divergence_cause(const TrainConfig& c, const Dataset& train) {
  if (c.problem == Problem::Regression && !(largest_target(train) <= 1e6f)) return DivergenceCause::Targets;
  if (static_cast<double>(c.weight_decay) * c.lr >= 1.0 || static_cast<double>(c.regularization.rate) * c.lr >= 1.0)
    return DivergenceCause::Decay;
  return DivergenceCause::LearningRate;
}

std::string divergence_advice(const TrainConfig& c, const Dataset& train, bool suggest) {
  char buf[240];
  switch (divergence_cause(c, train)) {
    case DivergenceCause::Targets:
      std::snprintf(buf, sizeof buf, "the targets are as large as %.3g%s", static_cast<double>(largest_target(train)),
                    suggest ? "; scale them down (e.g. to -1..1)" : "");
      break;
    case DivergenceCause::Decay:
      std::snprintf(buf, sizeof buf, "the weight decay or regularization rate (%g, %g) is too large for learning rate %g",
                    static_cast<double>(c.weight_decay), static_cast<double>(c.regularization.rate), static_cast<double>(c.lr));
      break;
    case DivergenceCause::LearningRate:
      std::snprintf(buf, sizeof buf, "the learning rate %g is probably too high%s", static_cast<double>(c.lr), suggest ? "; try a lower one" : "");
      break;
  }
  return buf;
}

namespace {
Tensor feature_tensor(const FeatureSet& f, const Dataset& d, Device device) {
  NoGradGuard g;
  return d.size() ? f.apply(d.inputs(device)).contiguous() : Tensor();
}
}  // namespace

Trainer::Trainer(TrainConfig config, Dataset train, Dataset test)
    : Trainer(config, std::move(train), std::move(test), nullptr) {}

Trainer::Trainer(TrainConfig config, Dataset train, Dataset test, std::shared_ptr<MLP> model)
    : config_(std::move(config)), features_(config_.features), train_(std::move(train)), test_(std::move(test)) {
  config_.validate();
  if (train_.size() == 0) throw ValueError("training needs at least one training point");
  if (config_.problem != Problem::Regression) {
    for (const Dataset* d : {&train_, &test_})
      for (const Point& p : d->points)
        if (!is_class_label(p.label, config_.num_classes))
          throw ValueError("label " + std::to_string(p.label) + " is not a class of this " +
                           std::to_string(config_.num_classes) + "-class problem");
  }
  if (model) {
    const MlpSpec want = config_.mlp_spec();
    const MlpSpec& have = model->spec();
    if (have.inputs != want.inputs || have.hidden != want.hidden || have.outputs != want.outputs)
      throw ValueError("the model " + model->describe() + " does not fit the requested network");
    model_ = std::move(model);
    model_->to(config_.device);
  } else {
    model_ = std::make_shared<MLP>(config_.mlp_spec());
  }
  // The data goes to the device once; every step after this stays there.
  train_x_ = feature_tensor(features_, train_, config_.device);
  train_y_ = train_.targets(config_.device);
  params_ = model_->parameters();
  // The divergence check's buffers, made once on the device (a step allocates none).
  for (const Tensor& p : params_) {
    weights_before_.push_back(Tensor::empty(p.shape(), config_.device));
    nonfinite_flags_.push_back(Tensor::empty(p.shape(), config_.device));
  }
  nonfinite_counts_ = Tensor::empty({static_cast<int64_t>(params_.size())}, config_.device);
  nonfinite_total_ = Tensor::empty({1}, config_.device);
  build_optimizer();
}

void Trainer::build_optimizer() {
  const std::vector<Tensor>& params = params_;
  switch (config_.optimizer) {
    case OptimizerKind::SGD:
    case OptimizerKind::Momentum: {
      SgdOptions o;
      o.lr = config_.lr;
      o.momentum = config_.optimizer == OptimizerKind::Momentum ? config_.momentum : 0.0f;
      o.nesterov = config_.optimizer == OptimizerKind::Momentum && config_.nesterov;
      o.weight_decay = config_.weight_decay;
      optimizer_ = std::make_unique<SGD>(params, o);
      break;
    }
    case OptimizerKind::Adam:
    case OptimizerKind::AdamW: {
      AdamOptions o{config_.lr, config_.beta1, config_.beta2, config_.eps, config_.weight_decay};
      optimizer_ = std::make_unique<Adam>(params, o, config_.optimizer == OptimizerKind::AdamW);
      break;
    }
  }
  optimizer_->set_regularization(config_.regularization);
}

Tensor loss_of(const TrainConfig& config, const Tensor& out, const Tensor& targets) {
  const int64_t n = targets.numel();
  switch (config.loss) {
    case LossKind::BCE: return binary_cross_entropy_with_logits(out, targets.reshape({n, 1}));
    case LossKind::Hinge: return hinge_loss(out, targets.reshape({n, 1}));
    case LossKind::MSE:
      return config.problem == Problem::Regression ? mse_loss(out, targets.reshape({n, 1}))
                                                   : mse_loss(sigmoid(out), targets.reshape({n, 1}));
    case LossKind::SoftmaxCE: return softmax_cross_entropy(out, targets);
  }
  return Tensor();
}

Tensor Trainer::loss_of(const Tensor& out, const Tensor& targets) const { return bp::loss_of(config_, out, targets); }

// The row numbers of a permutation travel as float32: exact up to 2^24.
static_assert(kMaxPoints <= (int64_t{1} << 24), "gather_rows needs row numbers that are exact in float32");

void Trainer::shuffle_epoch() {
  // A new epoch: the permutation is drawn on the host (the same order on every device), goes
  // up as one [N] index tensor, and the rows are gathered on the device once per epoch.
  const int64_t n = train_.size();
  Rng rng(config_.seed * 0x9E3779B97F4A7C15ull + shuffle_count_);
  epoch_order_ = rng.permutation(n);
  const std::vector<int64_t>& order = epoch_order_;
  const Tensor index = Tensor::from_vector(std::vector<float>(order.begin(), order.end()), {n}, config_.device);
  NoGradGuard g;
  epoch_x_ = gather_rows(train_x_, index);
  epoch_y_ = gather_rows(train_y_, index);
  cursor_ = 0;
}

RunState Trainer::run_state() const {
  return RunState{optimizer_->state(), shuffle_count_, cursor_, schedule_base_ + steps_};
}

bool Trainer::fits(const RunState& s) const { return optimizer_->state_names() == s.optimizer.names; }

bool takes_full_batch(int64_t batch_size, int64_t train_points) { return batch_size == 0 || batch_size >= train_points; }

void Trainer::resume(const RunState& s) {
  if (s.schedule_step < 0) throw ValueError("run state: the schedule's step must be >= 0");
  optimizer_->load_state(s.optimizer);  // checks it fits first
  schedule_base_ = s.schedule_step - steps_;
  shuffle_count_ = s.shuffles;
  const int64_t n = train_.size();
  const bool minibatches = !takes_full_batch(config_.batch_size, n);
  cursor_ = -1;
  epoch_order_.clear();
  if (minibatches && s.shuffles > 0 && s.cursor >= 0 && s.cursor < n) {  // part way through an epoch
    shuffle_epoch();
    cursor_ = s.cursor;
  }
  batch_begin_ = 0, batch_size_ = 0;
}

void Trainer::next_batch(Tensor& x, Tensor& y) {
  const int64_t n = train_.size();
  if (takes_full_batch(config_.batch_size, n)) {
    x = train_x_;
    y = train_y_;
    examples_seen_ += n;
    epoch_order_.clear();
    batch_begin_ = 0, batch_size_ = n;
    return;
  }
  if (cursor_ < 0 || cursor_ >= n) {
    ++shuffle_count_;
    shuffle_epoch();
  }
  const int64_t b = std::min(config_.batch_size, n - cursor_);
  batch_begin_ = cursor_, batch_size_ = b;
  x = epoch_x_.slice(0, cursor_, cursor_ + b);  // views: no copy
  y = epoch_y_.slice(0, cursor_, cursor_ + b);
  cursor_ += b;
  examples_seen_ += b;
}

float Trainer::step() {
  Tensor x, y;
  next_batch(x, y);
  optimizer_->set_lr(config_.schedule.lr_at(config_.lr, schedule_base_ + steps_));
  optimizer_->zero_grad();
  Tensor loss = loss_of(model_->forward(x), y);
  last_loss_ = loss.item();
  ++steps_;
  if (!std::isfinite(last_loss_)) {
    diverged_ = true;  // keep the last finite weights: no update from a NaN/Inf loss
    return last_loss_;
  }
  loss.backward();
  // A finite loss can still give an update that overflows the weights (a huge learning rate):
  // keep a device copy of the weights from before the update and restore it then.
  for (size_t i = 0; i < params_.size(); ++i) weights_before_[i].assign(params_[i]);
  optimizer_->step();
  if (update_overflowed()) {
    diverged_ = true;
    for (size_t i = 0; i < params_.size(); ++i) params_[i].assign(weights_before_[i]);
  }
  return last_loss_;
}

// The number of non-finite weights, counted on the device into the buffers made by the
// constructor: per parameter, flags (not_finite) summed into one slot of a count vector, then
// the counts summed; one number comes back to the host.
bool Trainer::update_overflowed() {
  Backend& be = nonfinite_total_.impl()->backend();
  for (size_t i = 0; i < params_.size(); ++i) {
    const TensorImpl& flags = *nonfinite_flags_[i].impl();
    be.unary(UnaryOp::NonFinite, flags.view(), params_[i].impl()->view(), 0.0f, 0.0f);
    Shape ones = flags.shape;
    for (int k = 0; k < ones.size(); ++k) ones[k] = 1;
    be.reduce(ReduceOp::Sum, {nonfinite_counts_.impl()->ptr() + i, ones, contiguous_strides(ones)}, flags.view(), 1.0f);
  }
  const TensorImpl& counts = *nonfinite_counts_.impl();
  be.reduce(ReduceOp::Sum, {nonfinite_total_.impl()->ptr(), {1}, {1}}, counts.view(), 1.0f);
  return nonfinite_total_.item() != 0.0f;
}

Metrics Trainer::evaluate(const Dataset& data) {
  Metrics m{NAN, NAN};
  if (data.size() == 0) return m;
  NoGradGuard g;
  const Device d = config_.device;
  const Tensor out = model_->forward(features_.apply(data.inputs(d)));
  const Tensor targets = data.targets(d);
  m.loss = loss_of(out, targets).item();
  if (config_.problem == Problem::Regression) return m;
  // Predicted classes and the count of correct ones on the device: one number comes back.
  const int64_t n = data.size();
  const Tensor pred = config_.problem == Problem::Binary ? gt(out.reshape({n}), Tensor::scalar(0.0f, d)) : argmax(out, 1);
  const float correct = sum(eq(pred, targets)).item();
  m.accuracy = correct / static_cast<float>(n);
  return m;
}

std::vector<int64_t> Trainer::last_batch() const {
  std::vector<int64_t> rows;
  for (int64_t k = 0; k < batch_size_; ++k) rows.push_back(epoch_order_.empty() ? k : epoch_order_[static_cast<size_t>(batch_begin_ + k)]);
  return rows;
}

const HistoryPoint& Trainer::record() {
  const Metrics tr = train_metrics(), te = test_metrics();
  history_.push_back({steps_, epochs(), tr.loss, te.loss, tr.accuracy, te.accuracy});
  return history_.back();
}

Tensor Trainer::predict(const Tensor& points) {
  NoGradGuard g;
  const Tensor out = model_->forward(features_.apply(points.to(config_.device)));
  switch (config_.problem) {
    case Problem::Binary: return config_.loss == LossKind::Hinge ? out : sigmoid(out);
    case Problem::MultiClass: return softmax(out, 1);
    case Problem::Regression: return out;
  }
  return out;
}

std::vector<std::vector<int64_t>> Trainer::confusion(const Dataset& data) {
  if (config_.problem == Problem::Regression) return {};
  const auto k = static_cast<size_t>(config_.num_classes);
  std::vector<std::vector<int64_t>> c(k, std::vector<int64_t>(k, 0));
  if (data.size() == 0) return c;
  NoGradGuard g;
  const std::vector<float> o = model_->forward(features_.apply(data.inputs(config_.device))).to_vector();
  const size_t outs = static_cast<size_t>(config_.outputs());
  for (size_t i = 0; i < data.points.size(); ++i) {
    size_t pred = 0;
    if (config_.problem == Problem::Binary) {
      pred = o[i] > 0.0f ? 1 : 0;
    } else {
      for (size_t j = 1; j < outs; ++j)
        if (o[i * outs + j] > o[i * outs + pred]) pred = j;
    }
    c[static_cast<size_t>(data.points[i].label)][pred] += 1;
  }
  return c;
}

double Trainer::epochs() const {
  return static_cast<double>(examples_seen_) / static_cast<double>(std::max<int64_t>(1, train_.size()));
}

void Trainer::set_lr(float lr) {
  TrainConfig c = config_;
  c.lr = lr;
  c.validate();
  config_.lr = lr;
  diverged_ = false;
}

float Trainer::current_lr() const { return config_.schedule.lr_at(config_.lr, schedule_base_ + steps_); }

}  // namespace bp
