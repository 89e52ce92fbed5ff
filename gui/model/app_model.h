// The app model: everything Backprop Studio shows and edits, with no ImGui or GL in it. Views
// read it and turn user actions into the commands below; tests drive it headlessly.
//
// Training runs on a worker thread that owns the Trainer. The model keeps the desired state
// (points, settings) and the worker publishes Snapshots (boundary grid, neuron maps, weights,
// metrics, history) that views draw. Constructed with `threaded = false`, the same work runs
// synchronously in pump(), which is what the tests use.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backprop/data.h"
#include "backprop/health.h"
#include "backprop/train.h"
#include "model/gradient_flow.h"
#include "model/session_file.h"
#include "model/settings.h"

namespace bp::studio {

/// How long a message stays up: long enough to read it (kMessageMinSeconds, plus
/// kMessageSecondsPerChar a character), at most kMessageMaxSeconds.
constexpr double kMessageMinSeconds = 6, kMessageSecondsPerChar = 0.06, kMessageMaxSeconds = 30;
double message_lifetime(const std::string& text);


/// A network of `config`'s shape holding `weights` (as a Snapshot carries them), or null when
/// they do not fit that shape (a new network the worker has not picked up yet).
std::shared_ptr<MLP> network_with_weights(const TrainConfig& config, const std::vector<LayerWeights>& weights);

/// The training and the held-out points as datasets of `config`'s problem and class count.
struct TrainTestSets {
  Dataset train, test;
};
TrainTestSets datasets_of(const std::vector<StudioPoint>& points, const TrainConfig& config);

/// What the views draw, published by the training worker.
struct Snapshot {
  uint64_t version = 0;
  uint64_t applied = 0;          ///< the model's change counter this snapshot reflects
  int64_t step = 0;
  uint64_t requested_done = 0;   ///< steps requested by run_steps/step_once taken so far
  double epoch = 0;
  Metrics train{NAN, NAN}, test{NAN, NAN};
  double steps_per_second = 0;
  bool playing = false;
  /// Playing with no training point to train on: the run goes on when points come back.
  bool waiting_for_points = false;
  bool diverged = false;
  std::string divergence;        ///< while diverged: at which step, NaN or infinite, the likely cause
  float lr = 0;
  Problem problem = Problem::Binary;
  int outputs = 1;
  Region region;                 ///< the area the grid covers
  int grid_res = 0;
  std::vector<float> grid;       ///< grid_res² × outputs: raw outputs (logits, or regression values)
  float logit_scale = 0.5f;      ///< binary: tanh(logit_scale · z) is 2·p − 1 (0.5 for sigmoid outputs)
  float value_scale = 1.0f;      ///< regression: the colour scale's ends, ±value_scale, for the points' values (value_scale.h)
  int neuron_res = 0;
  std::vector<std::vector<std::vector<float>>> neuron_maps;  ///< [layer][neuron] → neuron_res² values
  std::vector<LayerWeights> weights;
  /// The last step's gradients ∂loss/∂w and ∂loss/∂b (the minibatch loss the optimizer followed),
  /// shaped as `weights`; empty before the first step of a network.
  std::vector<LayerWeights> gradients;
  std::vector<GradientNormPoint> gradient_history;  ///< recorded with `history`, thinned alike
  /// The last step's minibatch, as indices into the points the worker trains on (the model's
  /// points() of the same data); all training points with full batches.
  std::vector<int> minibatch;
  /// The one target every training point has (one_target: then there is nothing to learn, and no
  /// other banner applies), and what that means.
  std::optional<float> one_target;
  std::string one_target_text;
  /// Whether weight decay or regularization flattened the network, hidden ReLU layers with dead
  /// neurons, and hidden layers whose neurons are all copies of one another (backprop/health.h).
  std::optional<Flattened> flattened;
  std::vector<DeadReLULayer> dead_relu;
  /// Whether they keep it from learning (dead_relus_hurt): a remedy banner; else the network
  /// diagram and the gradient-flow legend mark them.
  bool dead_relu_hurt = false;
  RunStart start = RunStart::Initialized;  ///< where the run's first weights came from (for dead_relu)
  bool loss_jumped = false;                ///< whether the loss jumped since then (loss_jumped; with dead_relu)
  std::vector<CopiedLayer> copied;
  /// Whether the run's steps overshoot (its training loss stays above where it started), what
  /// that means with its likely cause, and whether that cause is weight decay or regularization
  /// too strong for the learning rate (else the rate itself).
  std::optional<Overshoot> overshoot;
  std::string overshoot_text;
  bool overshoot_decay = false;
  /// Whether, with no overshoot, its tanh or sigmoid units are saturated while the loss since that
  /// change is no better than one answer for every point (or far above the lowest it reached),
  /// and what that means with its cause.
  std::optional<Saturated> saturated;
  std::string saturated_text;
  /// Whether a regression's large targets keep it from learning (large_targets: a trial on them
  /// scaled to -1..1 learned), and what that means; its trials kept for the run since that change
  /// (a few a run: ScaledTrial). It comes before the dead-ReLU, overshoot and
  /// saturated-unit banners, which would blame the rate.
  std::optional<LargeTargets> large_targets;
  std::string large_targets_text;
  std::vector<HistoryPoint> history;
  std::string network;           ///< "MLP(2-8-8-1)"
  /// Where the run is besides the weights (optimizer state, minibatch order), for saving; while
  /// there are no points to train on, the run that waits for them; none after a divergence.
  std::optional<RunState> run;
};

class AppModel {
 public:
  explicit AppModel(bool threaded = true);
  ~AppModel();
  AppModel(const AppModel&) = delete;
  AppModel& operator=(const AppModel&) = delete;

  // ---- points (undoable) ---------------------------------------------------------------------
  std::vector<StudioPoint> points() const;
  /// The points counted, training and test, without copying them (for views that only count).
  PointCounts point_counts() const;
  const DataSettings& data_settings() const { return data_; }
  /// Changes whenever the points do (and on other changes of the data), for view caches.
  uint64_t points_version() const;
  Problem problem() const;
  int num_classes() const;
  /// The dataset's region, for the initial view.
  Region data_region() const { return region_; }
  /// Adds a point of class `label` (regression: label > 0 adds +1, else -1); a `test` point is
  /// held out (drawn as a ring, never trained on).
  void add_point(float x, float y, int label, bool test = false);
  /// Regression: adds a point whose value is `value` (clamped to ±kAppMaxCoordinate; NaN or a
  /// point outside the plane is ignored). Classification: add_point with that class.
  void add_value_point(float x, float y, float value, bool test = false);
  /// Moves a point; the moves of one drag (until end_drag) make a single undo step.
  void move_point(size_t index, float x, float y);
  void end_drag();
  void delete_point(size_t index);
  /// Index of the point nearest (x, y) within `radius`, if any.
  std::optional<size_t> nearest_point(float x, float y, float radius) const;
  void clear_points();
  /// New points from the data settings (Playground's "regenerate" draws a new seed).
  void regenerate(bool new_seed = true);
  void set_data_settings(const DataSettings& d);
  void import_csv(const std::string& path);
  void export_csv(const std::string& path) const;
  /// Writes the network as a model file (model_io.h, atomically) for `backprop eval`, `train
  /// --init`, `graph --init` and PyTorch. While the points are still the generated dataset its
  /// data settings make, the file records that data and its train/test split (the CLI then uses
  /// exactly these points); hand-placed, imported or edited points are not recorded. Returns a
  /// sentence for the banner that says which. Throws ValueError when there are no weights to
  /// write (a new network not yet built, a diverged run), writing nothing.
  std::string export_model(const std::string& path) const;
  /// Opens a model file (`backprop train --save`, export_model, or written by hand) as a new
  /// session: its network, weights and training settings, on the data it records (a generated
  /// dataset, the app's most points at most; a CSV file with the same train/test split as
  /// `backprop`), else on the points shown when they pose the model's problem, else on no points
  /// (custom, the model's problem: place some). The session is checked as a session file is:
  /// a file the app cannot show (a network wider than the Network panel builds, more classes or
  /// points than it takes, a recorded CSV file that is gone) throws IoError naming it and
  /// changes nothing. Returns a sentence for the banner saying which data it is shown on.
  std::string open_model(const std::string& path);
  bool undo();
  bool redo();
  bool can_undo() const { return undo_pos_ > 0; }
  bool can_redo() const { return undo_pos_ + 1 < undo_.size(); }

  // ---- network and training settings ------------------------------------------------------------
  const TrainConfig& config() const { return config_; }
  /// Applies new settings. Returns true when they needed new weights (the network was reset);
  /// a change of learning rate alone keeps the weights and the run.
  bool set_config(const TrainConfig& c);
  /// Where training runs: auto (CUDA when a GPU is usable, else the CPU) or an explicit device.
  /// Throws DeviceError with the one-line reason when an explicit device is unavailable (nothing
  /// changes then). A move keeps the weights, the step and the chart; the optimizer starts afresh.
  /// The inspector's scalar and neuron graphs stay on the CPU whatever the device.
  /// `announce`: say so in the message banner (a change made in the window, not at start-up).
  void set_device_choice(const DeviceChoice& choice, bool announce = true);
  DeviceChoice device_choice() const;
  /// Which device training runs on, and why ("cpu, as chosen", "auto: the CPU, as ...").
  std::string device_note() const;
  /// Sets one weight (layer = index of the Linear layer) or, with in == -1, one bias.
  void set_weight(int layer, int64_t out, int64_t in, float value);

  // ---- training control -------------------------------------------------------------------------
  void play();
  void pause();
  void toggle_play();
  bool playing() const { return playing_; }
  /// One optimizer step (pauses first).
  void step_once();
  /// New weights from the seed; history cleared.
  void reset();
  /// Resets with the learning rate divided by 10 (offered after a diverging run).
  void reset_with_lower_lr();
  /// Resets with the default initializer (offered where the zeros initializer left ReLUs dead).
  void reset_with_default_init();
  /// Resets with other first weights (offered where ReLUs were dead from the start): the next
  /// seed whose initial weights leave every ReLU alive on the training points (of the next 100),
  /// else the next seed, with a message that names leaky ReLU.
  void reset_with_another_seed();
  /// Resets with leaky ReLU in place of ReLU (offered where gradient descent turned ReLUs off).
  void reset_with_leaky_relu();
  /// Restarts with a tenth of the weight decay and of the regularization rate.
  void reset_with_less_decay();
  /// A regression's values (its targets) moved from the points' range (test points' too) to
  /// -1..1 (scale_target), as one undoable edit, then new weights (offered where large targets
  /// keep the network from learning: large_targets).
  void scale_values();
  /// Steps per second while playing (0: as fast as possible), clamped to 0..kAppMaxSpeed.
  void set_speed(double steps_per_second);
  double speed() const { return speed_; }
  /// The region the boundary grid covers and its resolution.
  void set_view(const Region& r, int grid_res);
  Region view_region() const;
  /// Latest published state.
  std::shared_ptr<const Snapshot> snapshot() const;
  /// A sentence for the message banner (an import error, a reset, a rebuilt network), until it
  /// has been up for message_lifetime() seconds or a newer one replaces it; "" then. Standing
  /// conditions (a diverged run, dead ReLUs) are banners of the Snapshot instead: they clear
  /// with the condition.
  std::string message() const;
  /// Posts a message ("" clears it, as the banner's close button does).
  void set_message(std::string m);
  /// The clock messages age by (tests pass their own).
  void set_clock(std::function<std::chrono::steady_clock::time_point()> clock) { clock_ = std::move(clock); }

  // ---- sessions --------------------------------------------------------------------------------
  /// Points, settings, weights and history as a session (session_file.h).
  SessionFile session() const;
  /// Points, settings, weights and history as JSON (atomic write).
  void save_session(const std::string& path) const;
  /// The save on quitting: training pauses, then the session is saved; when that fails (it
  /// throws, as save_session does) a run that was playing goes on while the user is asked.
  void save_session_to_quit(const std::string& path);
  /// A session or a preset (a session without points or weights: those are generated). A file
  /// that is refused (IoError) changes nothing.
  void load_session(const std::string& path);
  /// Applies a parsed session (load_session after reading).
  void apply_session(SessionFile s);
  /// Title of the loaded preset or session.
  std::string title() const { return title_; }
  /// The views the loaded preset opens (a lesson), and how many sessions and presets have been
  /// loaded: the window applies a lesson's views once, when this count changes.
  SessionViews session_views() const;
  uint64_t sessions_loaded() const;
  /// The views open in the window, which sessions saved from now on carry. Ignored when a
  /// session was loaded after `loaded` (sessions_loaded()): its views have not been applied yet.
  void set_session_views(SessionViews v, uint64_t loaded);

  // ---- synchronous use ----------------------------------------------------------------------------
  /// Without a worker thread: applies pending changes, runs up to `max_steps` requested steps,
  /// and publishes a snapshot. With a worker: waits until it has published a snapshot reflecting
  /// every change made before the call.
  void pump(int64_t max_steps = 1'000'000);
  /// Runs n training steps now (synchronously in either mode) and publishes.
  void run_steps(int64_t n);

 private:
  struct Worker;
  // One undo step: the points and the data settings they came with, so that an undo never
  // leaves points of one problem under the panels and network of another.
  struct UndoEntry {
    std::vector<StudioPoint> points;
    DataSettings data;
    Region region;
  };
  void push_undo();
  // Adds a placed point (mu_ held), unless it lies outside the plane or the set is full.
  void append_point(const StudioPoint& p);
  void restore(const UndoEntry& e);
  void points_changed();
  void generate_points();
  void sync_problem();
  void change_custom_settings(const DataSettings& next);

  void changed();  // bumps the change counter and wakes the worker
  void post_locked(std::string m);  // sets the message (mu_ held)
  void restart_locked(std::string message);  // new weights, history cleared, paused, `message` posted (mu_ held)

  mutable std::mutex mu_;  // guards everything the worker reads: points, config, view, flags
  std::vector<StudioPoint> points_;
  DataSettings data_;
  Region region_;
  TrainConfig config_;
  DeviceChoice device_choice_{false, Device::cpu()};  // until set_device_choice: the CPU, as the engine defaults
  std::string device_note_;  // resolve_device(device_choice_).why, and cuda_environment_problem(device_choice_)
  std::vector<UndoEntry> undo_;
  size_t undo_pos_ = 0;
  int dragging_ = -1;  // index of the point being dragged since the last undo entry
  std::string title_;
  SessionViews views_;
  uint64_t sessions_loaded_ = 0;
  std::string message_;
  std::chrono::steady_clock::time_point message_posted_;
  std::function<std::chrono::steady_clock::time_point()> clock_ = [] { return std::chrono::steady_clock::now(); };
  std::atomic<bool> playing_{false};
  std::atomic<double> speed_{kDefaultSpeed};
  std::unique_ptr<Worker> worker_;
};

}  // namespace bp::studio
