// The app model's training worker (private to the model: app_model.cpp and this worker's own
// file include it). It owns the Trainer: it applies the changes the UI made (new points, a new
// network, a new learning rate, a new view), takes the steps the pace or run_steps ask for in
// slices of at most ~30 ms, and publishes Snapshots for the views.
#pragma once
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <vector>

#include "model/app_model.h"

namespace bp::studio {

using Clock = std::chrono::steady_clock;

struct AppModel::Worker {
  AppModel& m;
  // Requests from the UI (under m.mu_).
  uint64_t changes = 0;        // every change bumps this
  uint64_t data_gen = 1, net_gen = 1, lr_gen = 0, view_gen = 1, train_gen = 0;
  int64_t pending_steps = 0;
  uint64_t requested_total = 0;  // every step ever requested (run_steps, step_once)
  std::vector<std::tuple<int, int64_t, int64_t, float>> weight_edits;
  std::shared_ptr<MLP> adopt_model;          // weights loaded from a session
  std::vector<HistoryPoint> adopt_history;
  std::vector<GradientNormPoint> adopt_grad_history;
  int64_t adopt_step = 0;                    // the saved step and epoch with those weights
  double adopt_epoch = 0;
  std::optional<RunState> adopt_run;         // where the saved run stopped (optimizer state, batch order)
  Region view{-6, 6, -6, 6};
  int grid_res = 128;
  std::condition_variable cv;
  std::atomic<bool> stop{false};

  // Worker-owned state.
  uint64_t seen_data = 0, seen_net = 0, seen_lr = 0, seen_view = 0, seen_train = 0;
  TrainConfig config;
  Dataset train, test;
  std::vector<int> train_rows;  // train.points[k] is point train_rows[k] of the model's points
  std::shared_ptr<MLP> model;
  std::unique_ptr<Trainer> trainer;
  // The run's state while there is no Trainer (no points to train on, after Clear all): the next
  // Trainer goes on from it, as from the one before.
  std::optional<RunState> parked_run;
  std::vector<HistoryPoint> history;
  std::vector<GradientNormPoint> grad_history;  // beside history, thinned alike
  int64_t step = 0;
  // The step the points, settings and weights last changed at (the chart goes on across such
  // changes, with losses of other points or another loss), and the training loss just after:
  // overshooting is judged from there.
  int64_t unchanged_since = 0;
  float loss_at_change = NAN;
  ScaledTrial scaled_trial;  // large_targets' trial for the run since then, once taken
  // The network with the weights this run started from (the initializer's, a session's, or set by
  // hand), and which: ReLUs dead with them too were not killed by the learning rate.
  std::shared_ptr<MLP> start_model;
  std::optional<std::vector<DeadReLULayer>> start_dead;  // its dead ReLUs on the training points, once found
  RunStart begun = RunStart::Initialized;
  LossJumpWatch jump_watch;  // whether the loss jumped since (add_history feeds it before thinning)
  uint64_t requested_done = 0;  // requested steps taken (or dropped: no data, diverged)
  double epoch = 0;
  bool diverged = false;
  std::string divergence;  // why, while diverged
  double rate = 0;
  std::deque<std::pair<Clock::time_point, int64_t>> rate_window;
  Clock::time_point last_publish{};
  double step_credit = 0;
  Clock::time_point last_tick = Clock::now();

  mutable std::mutex snap_mu;
  std::condition_variable snap_cv;
  std::shared_ptr<const Snapshot> snap = std::make_shared<Snapshot>();
  uint64_t version = 0;

  std::thread thread;
  static constexpr auto kPublishInterval = std::chrono::microseconds(1'000'000 / 36);

  explicit Worker(AppModel& model) : m(model) {}

  void start();
  void join();
  bool pending_work() const;
  uint64_t published_changes() const;
  void add_history();
  // The model's gradients from the last step (empty when it has none).
  std::vector<LayerWeights> gradients() const;
  // Applies the UI's changes, trains for a slice of time, and publishes. Returns true when it
  // trained (so the thread loop should not sleep).
  bool tick(int64_t max_steps, bool timed);
  void publish(uint64_t applied, const Region& region, int res);
  // What every neuron computes over the plane: input features, each hidden activation, outputs.
  std::vector<std::vector<std::vector<float>>> neuron_maps(const FeatureSet& features, const Region& region);
};

}  // namespace bp::studio
