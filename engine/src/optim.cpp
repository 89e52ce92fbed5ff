#include "backprop/optim.h"

#include <cmath>

#include "backprop/errors.h"
#include "backprop/init.h"
#include "tensor_impl.h"
#include "enum_names.h"

namespace bp {
namespace {
void check_rate(float lr, const char* what) {
  if (!std::isfinite(lr) || lr < 0.0f)
    throw ValueError(std::string(what) + ": learning rate must be a finite number >= 0, got " +
                     std::to_string(lr));
}
Tensor zeros_like(const Tensor& t) { return Tensor::zeros(t.shape(), t.device()); }
}  // namespace

namespace {
constexpr EnumName<Regularization::Kind> kRegularizationNames[] = {
    {Regularization::None, "none"}, {Regularization::L1, "l1"}, {Regularization::L2, "l2"}};
constexpr EnumName<LrSchedule::Kind> kScheduleNames[] = {
    {LrSchedule::Constant, "constant"}, {LrSchedule::Step, "step"}, {LrSchedule::Cosine, "cosine"}};
}  // namespace

const char* regularization_name(Regularization::Kind k) { return enum_name(kRegularizationNames, k); }
Regularization::Kind parse_regularization(const std::string& name) { return parse_enum(kRegularizationNames, name, "regularization"); }

Optimizer::Optimizer(std::vector<Tensor> params, float lr) : params_(std::move(params)), lr_(lr) {
  check_rate(lr, "optimizer");
  for (const Tensor& p : params_) {
    if (!p.defined() || !p.is_leaf() || !p.is_contiguous())
      throw ValueError("optimizer: parameters must be contiguous leaf tensors");
  }
}

void Optimizer::zero_grad() {
  for (const Tensor& p : params_) p.zero_grad();
}

void Optimizer::set_lr(float lr) {
  check_rate(lr, "set_lr");
  lr_ = lr;
}

OptimizerState Optimizer::state() const {
  OptimizerState s;
  s.steps = steps_;
  s.names = state_names();
  for (const std::vector<Tensor>* buffer : state_buffers()) {
    std::vector<std::vector<float>>& out = s.buffers.emplace_back();
    for (const Tensor& t : *buffer) out.push_back(t.to_vector());
  }
  return s;
}

void Optimizer::load_state(const OptimizerState& s) {
  const std::vector<std::string> names = state_names();
  auto list = [](const std::vector<std::string>& n) { return n.empty() ? std::string("no buffers") : comma_separated(n); };
  if (s.names != names)
    throw ValueError("optimizer state: it holds " + list(s.names) + ", but this optimizer keeps " + list(names));
  if (s.steps < 0) throw ValueError("optimizer state: steps must be >= 0");
  if (s.buffers.size() != names.size()) throw ValueError("optimizer state: expected " + std::to_string(names.size()) + " buffers");
  for (size_t b = 0; b < names.size(); ++b) {
    if (s.buffers[b].size() != params_.size())
      throw ValueError("optimizer state: " + names[b] + " has " + std::to_string(s.buffers[b].size()) + " parameters, not " +
                       std::to_string(params_.size()));
    for (size_t i = 0; i < params_.size(); ++i) {
      const std::vector<float>& v = s.buffers[b][i];
      if (static_cast<int64_t>(v.size()) != params_[i].numel())
        throw ValueError("optimizer state: " + names[b] + " of parameter " + std::to_string(i) + " has " + std::to_string(v.size()) +
                         " values, not " + std::to_string(params_[i].numel()));
      for (float x : v)
        if (!std::isfinite(x)) throw ValueError("optimizer state: " + names[b] + " of parameter " + std::to_string(i) + " is not finite");
    }
  }
  const std::vector<const std::vector<Tensor>*> buffers = state_buffers();
  for (size_t b = 0; b < buffers.size(); ++b)
    for (size_t i = 0; i < params_.size(); ++i) assign_((*buffers[b])[i], s.buffers[b][i]);
  steps_ = s.steps;
}

float Optimizer::l1_for(size_t i) const {
  return reg_.kind == Regularization::L1 && params_[i].dim() >= 2 ? reg_.rate : 0.0f;
}
float Optimizer::l2_for(size_t i) const {
  return reg_.kind == Regularization::L2 && params_[i].dim() >= 2 ? reg_.rate : 0.0f;
}

SGD::SGD(std::vector<Tensor> params, SgdOptions options)
    : Optimizer(std::move(params), options.lr), opt_(options) {
  if (opt_.momentum < 0.0f || opt_.weight_decay < 0.0f)
    throw ValueError("SGD: momentum and weight decay must be >= 0");
  if (opt_.nesterov && (opt_.momentum <= 0.0f || opt_.dampening != 0.0f))
    throw ValueError("SGD: Nesterov momentum needs momentum > 0 and no dampening");
  for (const Tensor& p : params_) momentum_.push_back(opt_.momentum != 0.0f ? zeros_like(p) : Tensor());
}

namespace {
// A parameter, its gradient and its optimizer state must share one device.
void check_devices(const char* optimizer, size_t i, const Tensor& p, const Tensor& g, const Tensor& state) {
  // One backend object per device: compare pointers on the hot path, name devices on failure.
  Backend* b = &p.impl()->backend();
  if (&g.impl()->backend() == b && (!state.defined() || &state.impl()->backend() == b)) return;
  const Device d = p.device();
  if (g.device() != d)
    throw DeviceError(std::string(optimizer) + ": parameter " + std::to_string(i) + " is on " + d.str() + " but its gradient is on " +
                      g.device().str());
  if (state.defined() && state.device() != d)
    throw DeviceError(std::string(optimizer) + ": parameter " + std::to_string(i) + " is on " + d.str() + " but its state is on " +
                      state.device().str() + " (build the optimizer after moving the model)");
}
}  // namespace

void SGD::step() {
  const bool first = steps_ == 0;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const Tensor& g = p.impl()->grad;  // contiguous: backward makes leaf gradients so
    if (!g.defined()) continue;
    check_devices("SGD", i, p, g, momentum_[i]);
    Backend::SgdArgs args{lr_, opt_.momentum, opt_.dampening, opt_.weight_decay,
                          l1_for(i), l2_for(i), opt_.nesterov, first};
    float* buf = momentum_[i].defined() ? momentum_[i].impl()->ptr() : nullptr;
    p.impl()->backend().sgd_step(p.impl()->ptr(), g.impl()->ptr(), buf,
                                 static_cast<size_t>(p.numel()), args);
  }
  ++steps_;
}

std::vector<std::string> SGD::state_names() const {
  return opt_.momentum != 0.0f ? std::vector<std::string>{"momentum_buffer"} : std::vector<std::string>{};
}
std::vector<const std::vector<Tensor>*> SGD::state_buffers() const {
  return opt_.momentum != 0.0f ? std::vector<const std::vector<Tensor>*>{&momentum_} : std::vector<const std::vector<Tensor>*>{};
}

Adam::Adam(std::vector<Tensor> params, AdamOptions options, bool decoupled)
    : Optimizer(std::move(params), options.lr), opt_(options), decoupled_(decoupled) {
  if (!(opt_.beta1 >= 0.0f && opt_.beta1 < 1.0f && opt_.beta2 >= 0.0f && opt_.beta2 < 1.0f))
    throw ValueError("Adam: betas must be in [0, 1)");
  if (!(opt_.eps > 0.0f)) throw ValueError("Adam: eps must be > 0");
  for (const Tensor& p : params_) {
    m_.push_back(zeros_like(p));
    v_.push_back(zeros_like(p));
  }
}

void Adam::step() {
  ++steps_;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    const Tensor& g = p.impl()->grad;  // contiguous: backward makes leaf gradients so
    if (!g.defined()) continue;
    check_devices("Adam", i, p, g, m_[i]);
    Backend::AdamArgs args{lr_, opt_.beta1, opt_.beta2, opt_.eps, opt_.weight_decay,
                           l1_for(i), l2_for(i), decoupled_, steps_};
    p.impl()->backend().adam_step(p.impl()->ptr(), g.impl()->ptr(), m_[i].impl()->ptr(),
                                  v_[i].impl()->ptr(), static_cast<size_t>(p.numel()), args);
  }
}

float LrSchedule::lr_at(float base_lr, int64_t step) const {
  switch (kind) {
    case Constant: return base_lr;
    case Step: {
      const int64_t k = step_size > 0 ? step / step_size : 0;
      return base_lr * static_cast<float>(std::pow(static_cast<double>(gamma), static_cast<double>(k)));
    }
    case Cosine: {
      if (total_steps <= 0 || step >= total_steps) return min_lr;
      const double t = static_cast<double>(step) / static_cast<double>(total_steps);
      return min_lr + static_cast<float>(0.5 * (1.0 + std::cos(3.141592653589793 * t))) * (base_lr - min_lr);
    }
  }
  return base_lr;
}

const char* schedule_name(LrSchedule::Kind k) { return enum_name(kScheduleNames, k); }
LrSchedule::Kind parse_schedule(const std::string& name) { return parse_enum(kScheduleNames, name, "schedule"); }

std::vector<std::string> Adam::state_names() const { return {"exp_avg", "exp_avg_sq"}; }
std::vector<const std::vector<Tensor>*> Adam::state_buffers() const { return {&m_, &v_}; }

}  // namespace bp
