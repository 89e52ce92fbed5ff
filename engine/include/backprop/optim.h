// Optimizers (SGD with momentum/Nesterov/weight decay, Adam, AdamW), L1/L2 regularization of
// weights, and learning-rate schedules. Updates run in place through the device backend.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/tensor.h"

namespace bp {

/// Penalty added to the gradient of every weight (parameters with 2 or more dimensions; biases
/// are left alone, as in TensorFlow Playground): L1 adds rate·sign(w), L2 adds rate·w.
struct Regularization {
  enum Kind { None, L1, L2 } kind = None;
  float rate = 0.0f;
  friend bool operator==(const Regularization&, const Regularization&) = default;
};
const char* regularization_name(Regularization::Kind k);
Regularization::Kind parse_regularization(const std::string& name);

/// What an optimizer carries from one step to the next besides the weights, as PyTorch's
/// optimizer state_dict holds it: the steps it has taken (Adam's bias correction, SGD's first
/// momentum step) and, per parameter, its buffers by name: none for plain SGD,
/// "momentum_buffer" for SGD with momentum, "exp_avg" and "exp_avg_sq" for Adam and AdamW.
/// Saved with a model, it lets a run go on exactly where it stopped.
struct OptimizerState {
  int64_t steps = 0;
  std::vector<std::string> names;                        ///< the buffers kept per parameter
  std::vector<std::vector<std::vector<float>>> buffers;  ///< [buffer][parameter]: its values, row-major
  friend bool operator==(const OptimizerState&, const OptimizerState&) = default;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<Tensor> params, float lr);
  virtual ~Optimizer() = default;
  /// Applies one update from the parameters' current gradients (parameters without one are
  /// skipped).
  virtual void step() = 0;
  void zero_grad();
  float lr() const { return lr_; }
  /// Changing the rate keeps the optimizer's state (momentum, moments).
  void set_lr(float lr);
  void set_regularization(Regularization r) { reg_ = r; }
  const Regularization& regularization() const { return reg_; }
  const std::vector<Tensor>& params() const { return params_; }
  int64_t steps_taken() const { return steps_; }
  /// The names of the buffers this optimizer keeps per parameter (OptimizerState::names).
  virtual std::vector<std::string> state_names() const = 0;
  /// A copy of the state, on the host.
  OptimizerState state() const;
  /// Goes on from `s`, the state of an optimizer that keeps the same buffers (Adam's fits AdamW)
  /// for parameters of the same sizes. Throws ValueError saying what does not fit, and then
  /// changes nothing.
  void load_state(const OptimizerState& s);

 protected:
  /// The buffers named by state_names(), each one tensor per parameter.
  virtual std::vector<const std::vector<Tensor>*> state_buffers() const = 0;
  float l1_for(size_t i) const;
  float l2_for(size_t i) const;
  std::vector<Tensor> params_;
  float lr_;
  Regularization reg_;
  int64_t steps_ = 0;
};

struct SgdOptions {
  float lr = 0.01f;
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SgdOptions options);
  void step() override;
  std::vector<std::string> state_names() const override;

 protected:
  std::vector<const std::vector<Tensor>*> state_buffers() const override;

 private:
  SgdOptions opt_;
  std::vector<Tensor> momentum_;
};

struct AdamOptions {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
};

/// Adam; with decoupled = true it is AdamW (weight decay applied to the weights directly).
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options, bool decoupled = false);
  void step() override;
  std::vector<std::string> state_names() const override;

 protected:
  std::vector<const std::vector<Tensor>*> state_buffers() const override;

 private:
  AdamOptions opt_;
  bool decoupled_;
  std::vector<Tensor> m_, v_;
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, AdamOptions options) : Adam(std::move(params), options, true) {}
};

/// Learning rate as a function of the step number.
struct LrSchedule {
  enum Kind { Constant, Step, Cosine } kind = Constant;
  int64_t step_size = 100;    ///< Step: multiply by gamma every step_size steps
  float gamma = 0.5f;         ///< Step: the factor
  int64_t total_steps = 1000; ///< Cosine: steps from the base rate down to min_lr
  float min_lr = 0.0f;        ///< Cosine: the floor
  float lr_at(float base_lr, int64_t step) const;
  friend bool operator==(const LrSchedule&, const LrSchedule&) = default;
};
const char* schedule_name(LrSchedule::Kind k);
LrSchedule::Kind parse_schedule(const std::string& name);

}  // namespace bp
