// A training session on a 2D dataset: settings (network, features, problem, loss, optimizer,
// schedule, batch size), the model, minibatching, metrics and divergence detection. The
// command-line tool and the app both drive training through this class.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backprop/data.h"
#include "backprop/features.h"
#include "backprop/loss.h"
#include "backprop/nn.h"
#include "backprop/optim.h"

namespace bp {

/// Limits on the network a TrainConfig may ask for. kMaxParameters also bounds what a model file
/// holds, so that every network that trains can be saved and loaded back.
constexpr size_t kMaxHiddenLayers = 16;
constexpr int64_t kMaxHiddenWidth = 1024;
constexpr int64_t kMaxParameters = 4'500'000;

enum class OptimizerKind { SGD, Momentum, Adam, AdamW };
const char* optimizer_name(OptimizerKind k);
OptimizerKind parse_optimizer(const std::string& name);

struct TrainConfig {
  // Network
  std::vector<int64_t> hidden = {8, 8};
  std::vector<Activation> activations = {Activation::Tanh};  ///< one for all, or one per layer
  std::vector<Feature> features = {Feature::X1, Feature::X2};
  Init init = Init::Default;
  uint64_t seed = 1;  ///< weights and minibatch order
  // Problem
  Problem problem = Problem::Binary;
  int num_classes = 2;
  LossKind loss = LossKind::BCE;
  // Optimizer
  OptimizerKind optimizer = OptimizerKind::SGD;
  float lr = 0.03f;
  float momentum = 0.9f;  ///< Momentum optimizer only
  bool nesterov = false;
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float weight_decay = 0.0f;
  Regularization regularization;
  LrSchedule schedule;
  int64_t batch_size = 0;  ///< 0: the full training set, in a fixed order (so is any size >= it)
  /// Where the model, the data and every training step live. Not saved in files: a session or
  /// model trains wherever it is opened.
  Device device;

  /// Outputs of the network: 1, or num_classes for multiclass.
  int64_t outputs() const;
  MlpSpec mlp_spec() const;
  /// Throws ValueError naming the first bad setting.
  void validate() const;
  /// Weights and biases of the network this config describes.
  int64_t num_parameters() const;
  friend bool operator==(const TrainConfig&, const TrainConfig&) = default;
};

/// Whether each step with this batch size takes every one of `train_points` in a fixed order,
/// the full batch: a size of 0, or one at least the training set's.
bool takes_full_batch(int64_t batch_size, int64_t train_points);

/// The likely reason a run with these settings diverged (or overshoots) on `train`, and a
/// sentence saying it, with what to do ("; try a lower one") unless `suggest` is false.
enum class DivergenceCause { LearningRate, Decay, Targets };
DivergenceCause divergence_cause(const TrainConfig& config, const Dataset& train);
std::string divergence_advice(const TrainConfig& config, const Dataset& train, bool suggest = true);

/// The loss `config` trains with (its loss kind, for its problem) of network outputs `outputs`
/// against dataset targets `targets` [N].
Tensor loss_of(const TrainConfig& config, const Tensor& outputs, const Tensor& targets);

/// Whether a loss can train a problem (binary: bce, hinge or mse; multiclass: cross_entropy;
/// regression: mse).
bool loss_fits(LossKind loss, Problem problem);

/// The loss that fits a problem when none is chosen: bce, cross_entropy or mse.
LossKind default_loss(Problem p);

struct Metrics {
  float loss = 0.0f;
  float accuracy = 0.0f;  ///< NaN for regression
};

struct HistoryPoint {
  int64_t step;
  double epoch;
  float train_loss, test_loss, train_accuracy, test_accuracy;
};

/// Where a run is besides its weights: the optimizer's state, the place in the minibatch order
/// (the epochs begun, each in a newly shuffled order, and the next row of the current one) and
/// the step the learning-rate schedule is at. A Trainer that resumes it goes on exactly as the
/// run it was taken from would have, given the same settings and training set.
struct RunState {
  OptimizerState optimizer;
  uint64_t shuffles = 0;      ///< epochs begun in a shuffled order (minibatches)
  int64_t cursor = -1;        ///< the next row of the current epoch's order; -1: none begun
  int64_t schedule_step = 0;  ///< the learning-rate schedule's step
  friend bool operator==(const RunState&, const RunState&) = default;
};

class Trainer {
 public:
  /// A fresh model from config.seed.
  Trainer(TrainConfig config, Dataset train, Dataset test);
  /// Continues from an existing model (its shape must match the config).
  Trainer(TrainConfig config, Dataset train, Dataset test, std::shared_ptr<MLP> model);

  /// One optimizer step on the next minibatch; returns its loss.
  float step();
  /// Training-set and test-set metrics with the current weights.
  Metrics evaluate(const Dataset& data);
  Metrics train_metrics() { return evaluate(train_); }
  Metrics test_metrics() { return evaluate(test_); }
  /// Appends the current metrics to history() and returns them.
  const HistoryPoint& record();
  /// Class probabilities (binary: p(class 1); multiclass: [N, k] softmax) or regression values.
  Tensor predict(const Tensor& points);
  /// confusion[true][predicted] counts; empty for regression.
  std::vector<std::vector<int64_t>> confusion(const Dataset& data);

  /// Where this run is (a copy on the host), for resume() by another Trainer.
  RunState run_state() const;
  /// Whether resume(s) takes `s`: its optimizer state holds the buffers this optimizer keeps
  /// (Adam's fits AdamW; plain SGD keeps none).
  bool fits(const RunState& s) const;
  /// Goes on from `s`: the optimizer's state, the schedule's step and the minibatch order (the
  /// place in the current epoch's order when it is within this training set). Throws ValueError
  /// when the optimizer state does not fit (see fits), changing nothing. steps() and epochs()
  /// still count this Trainer's own steps.
  void resume(const RunState& s);

  /// The model's device, where every step runs.
  Device device() const { return config_.device; }
  /// The last step's loss was NaN or infinite.
  bool diverged() const { return diverged_; }
  int64_t steps() const { return steps_; }
  /// The training examples (indices into the training set) of the last step's minibatch: all of
  /// them with full batches, none before the first step.
  std::vector<int64_t> last_batch() const;
  double epochs() const;
  float last_loss() const { return last_loss_; }
  void set_lr(float lr);
  float current_lr() const;

  MLP& model() { return *model_; }
  std::shared_ptr<MLP> model_ptr() const { return model_; }
  const TrainConfig& config() const { return config_; }
  const FeatureSet& features() const { return features_; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }
  const std::vector<HistoryPoint>& history() const { return history_; }
  Optimizer& optimizer() { return *optimizer_; }

  /// The loss of `outputs` (network outputs) against dataset targets `targets` [N].
  Tensor loss_of(const Tensor& outputs, const Tensor& targets) const;

 private:
  void build_optimizer();
  void next_batch(Tensor& x, Tensor& y);
  void shuffle_epoch();  // the order of epoch number shuffle_count_, from the row after cursor_ = 0

  TrainConfig config_;
  FeatureSet features_;
  Dataset train_, test_;
  std::shared_ptr<MLP> model_;
  std::unique_ptr<Optimizer> optimizer_;
  Tensor train_x_, train_y_;  // features and targets of the whole training set, on the device
  Tensor epoch_x_, epoch_y_;  // the same rows in this epoch's shuffled order (minibatches slice them)
  int64_t cursor_ = -1;       // next row of epoch_x_; -1 before the first shuffle
  std::vector<int64_t> epoch_order_;  // this epoch's permutation of the training rows
  int64_t batch_begin_ = 0, batch_size_ = 0;  // the last minibatch: rows [begin, begin + size) of epoch_order_
  int64_t steps_ = 0;
  int64_t schedule_base_ = 0;  // the schedule's step when this Trainer began (resume)
  int64_t examples_seen_ = 0;
  float last_loss_ = 0.0f;
  bool diverged_ = false;
  uint64_t shuffle_count_ = 0;
  std::vector<HistoryPoint> history_;
  std::vector<Tensor> params_;          // the model's parameters (their handles never change)
  // The divergence check's device buffers, made by the constructor (see step()): each parameter
  // before the update, its non-finite flags, and the per-parameter and total counts.
  std::vector<Tensor> weights_before_, nonfinite_flags_;
  Tensor nonfinite_counts_, nonfinite_total_;
  bool update_overflowed();
};

}  // namespace bp
