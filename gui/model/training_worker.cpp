#include "model/training_worker.h"

#include <algorithm>
#include <cmath>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/features.h"
#include "backprop/grid.h"
#include "backprop/health.h"
#include "backprop/ops.h"
#include "model/value_scale.h"

namespace bp::studio {
namespace {
constexpr int kNeuronRes = 24;

// Sets a new Trainer going on from `carry`, the run before it (see tick): with its optimizer's
// state when this optimizer keeps the same buffers (else a fresh one), its place in the minibatch
// order, and the schedule at the app's step, which the step counter shows.
void go_on(Trainer& t, const std::optional<RunState>& carry, int64_t step) {
  const RunState fresh = t.run_state();
  RunState r = fresh;
  if (carry) {
    if (t.fits(*carry)) r.optimizer = carry->optimizer;
    r.shuffles = carry->shuffles;
    r.cursor = carry->cursor;
  }
  r.schedule_step = step;
  try {
    t.resume(r);
  } catch (const ValueError&) {  // buffers that do not fit this network: a fresh optimizer
    r.optimizer = fresh.optimizer;
    t.resume(r);
  }
}
}  // namespace

void AppModel::Worker::start() {
  thread = std::thread([this] {
#ifdef __linux__
    // Training yields to drawing: at nice +10 the worker gets a core whenever the UI leaves
    // one idle, but frames come first when cores are scarce (two cores and software OpenGL:
    // 30 fps at equal priority, 50+ like this). Failing to lower it changes nothing else.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
    std::unique_lock lock(m.mu_);
    while (!stop) {
      lock.unlock();
      const bool busy = tick(1'000'000'000, true);
      lock.lock();
      if (!busy && !stop) cv.wait_for(lock, std::chrono::milliseconds(40), [&] { return stop || pending_work(); });
    }
  });
}

void AppModel::Worker::join() {
  {
    std::lock_guard lock(m.mu_);
    stop = true;
  }
  cv.notify_all();
  if (thread.joinable()) thread.join();
}

bool AppModel::Worker::pending_work() const {
  return seen_data != data_gen || seen_net != net_gen || seen_lr != lr_gen || seen_view != view_gen || seen_train != train_gen ||
         pending_steps > 0 || !weight_edits.empty() || m.playing_ || published_changes() < changes;
}

uint64_t AppModel::Worker::published_changes() const {
  std::lock_guard lock(snap_mu);
  return snap->applied;
}

void AppModel::Worker::add_history() {
  if (!trainer) return;
  const Metrics tr = trainer->train_metrics(), te = trainer->test_metrics();
  if (!history.empty() && history.back().step == step) history.pop_back();
  history.push_back({step, epoch, tr.loss, te.loss, tr.accuracy, te.accuracy});
  jump_watch.add(tr.loss);
  if (!grad_history.empty() && grad_history.back().step == step) grad_history.pop_back();
  if (const auto g = gradients(); !g.empty()) grad_history.push_back({step, gradient_norms(g)});
  auto thin = [](auto& series) {  // keep the first point, thin the rest by half
    std::remove_reference_t<decltype(series)> kept{series.front()};
    for (size_t i = 1; i < series.size(); i += 2) kept.push_back(series[i]);
    series = std::move(kept);
  };
  if (history.size() > kAppMaxHistory) thin(history);
  if (grad_history.size() > kAppMaxHistory) thin(grad_history);
}

std::vector<LayerWeights> AppModel::Worker::gradients() const {
  std::vector<LayerWeights> out;
  if (!model) return out;
  for (const auto& l : model->linears()) {
    const Tensor gw = l->weight().grad(), gb = l->bias().grad();
    if (!gw.defined() || !gb.defined()) return {};
    out.push_back({l->in_features(), l->out_features(), gw.to_vector(), gb.to_vector()});
  }
  return out;
}

bool AppModel::Worker::tick(int64_t max_steps, bool timed) {
  std::vector<StudioPoint> pts;
  bool new_data = false, new_net = false, new_lr = false, new_view = false, new_train = false;
  int64_t steps_now = 0;
  std::vector<std::tuple<int, int64_t, int64_t, float>> edits;
  uint64_t applied;
  Region region;
  int res;
  DataSettings data;
  TrainConfig cfg;
  std::shared_ptr<MLP> adopted;
  std::vector<HistoryPoint> adopted_history;
  std::vector<GradientNormPoint> adopted_grad_history;
  int64_t adopted_step = 0;
  double adopted_epoch = 0;
  std::optional<RunState> adopted_run;
  {
    std::lock_guard lock(m.mu_);
    applied = changes;
    adopted = std::move(adopt_model);
    adopted_history = std::move(adopt_history);
    adopted_grad_history = std::move(adopt_grad_history);
    adopted_step = adopt_step;
    adopted_epoch = adopt_epoch;
    adopted_run = std::move(adopt_run);
    adopt_run.reset();
    adopt_model.reset();
    adopt_history.clear();
    adopt_grad_history.clear();
    adopt_step = 0;
    adopt_epoch = 0;
    if (seen_data != data_gen) new_data = true, pts = m.points_, data = m.data_, seen_data = data_gen;
    if (seen_net != net_gen) new_net = true, seen_net = net_gen;
    if (seen_lr != lr_gen) new_lr = true, seen_lr = lr_gen;
    if (seen_train != train_gen) new_train = true, seen_train = train_gen;
    if (seen_view != view_gen) new_view = true, seen_view = view_gen;
    cfg = m.config_;
    steps_now = std::min(pending_steps, max_steps);
    pending_steps -= steps_now;
    edits.swap(weight_edits);
    region = view;
    res = grid_res;
  }
  bool changed_state = new_data || new_net || new_lr || new_view || new_train || !edits.empty();
  const bool changed_run = new_data || new_net || new_lr || new_train || !edits.empty();
  // Where a new Trainer goes on from: a restored session's run, or the run so far (new points or
  // settings with the same weights), so that its optimizer state (Adam's moments, the momentum),
  // its place in the minibatch order and the schedule's step carry on (across a time with no
  // points to train on too: Clear all, then Undo or new points).
  std::optional<RunState> carry;
  const bool run_diverged = diverged;  // its optimizer state may hold the overflow: not carried
  if (new_data) {
    TrainTestSets sets = datasets_of(pts, cfg);
    train = std::move(sets.train);
    test = std::move(sets.test);
    train_rows.clear();
    for (size_t i = 0; i < pts.size(); ++i)
      if (!pts[i].test) train_rows.push_back(static_cast<int>(i));
  }
  if (new_net || !model) {
    config = cfg;
    model = adopted ? adopted : std::make_shared<MLP>(config.mlp_spec());
    history = adopted_history;
    grad_history = adopted ? std::move(adopted_grad_history) : std::vector<GradientNormPoint>{};
    step = adopted ? adopted_step : 0;  // a restored session goes on from the step it saved
    // A restored session or model that was trained: the weights its run started from are not
    // known (dead neurons are not told apart by them), its loss history is (a jump in it is the
    // learning rate's). Untrained given weights are the start.
    const bool trained = adopted && adopted_step > 0;
    start_model = trained ? nullptr : copy_of(*model);
    begun = trained ? RunStart::Unknown : adopted ? RunStart::Loaded : RunStart::Initialized;
    jump_watch = {};
    for (const HistoryPoint& h : history) jump_watch.add(h.train_loss);
    epoch = adopted ? adopted_epoch : 0;
    diverged = false;
    carry = adopted ? std::move(adopted_run) : std::nullopt;
    parked_run.reset();
    trainer.reset();
    new_data = true;
  } else if (new_train) {
    // Same weights, step and chart; a new Trainer for the settings, going on from the old one.
    config = cfg;
    diverged = false;
    new_data = true;
  } else if (new_lr) {
    config.lr = cfg.lr;
    if (trainer) trainer->set_lr(cfg.lr);
    diverged = false;
  }
  if (new_data) {
    if (trainer && !run_diverged) carry = trainer->run_state();
    else if (!trainer && !carry) carry = std::move(parked_run);
    parked_run.reset();
    try {
      trainer = train.size() ? std::make_unique<Trainer>(config, train, test, model) : nullptr;
      if (trainer) go_on(*trainer, carry, step);
      else parked_run = std::move(carry);
    } catch (const Error& e) {
      parked_run = std::move(carry);
      // Points the network cannot train on (a label that is not one of its classes): say why,
      // and pause rather than show Pause while nothing moves.
      trainer.reset();
      m.playing_ = false;
      m.set_message(std::string("Cannot train: ") + e.what() + ".");
    }
    if (history.empty()) add_history();
  }
  for (const auto& [layer, out, in, value] : edits) {
    const auto lin = model->linears();
    if (layer < 0 || static_cast<size_t>(layer) >= lin.size()) continue;
    try {  // through the backend, on the model's device; an index out of range changes nothing
      if (in == -1) lin[static_cast<size_t>(layer)]->bias().set_at({out}, value);
      else lin[static_cast<size_t>(layer)]->weight().set_at({out, in}, value);
    } catch (const ShapeError&) {
    }
  }
  // The chart's point at this step shows the edited weights (the manual classifier's line
  // before gradient descent takes over), not the ones they replaced.
  if (!edits.empty()) add_history();
  if (!edits.empty()) start_model = copy_of(*model), begun = RunStart::Loaded, jump_watch = {};  // weights set by hand
  if (changed_run) unchanged_since = step, loss_at_change = trainer ? trainer->train_metrics().loss : NAN;
  if (changed_run) start_dead.reset();  // new first weights or new points: found again when needed
  if (changed_run) scaled_trial = {};

  // Train: requested single steps, plus a time slice while playing.
  const auto now = Clock::now();
  const double dt = std::chrono::duration<double>(now - last_tick).count();
  last_tick = now;
  int64_t budget = steps_now;
  const bool playing = m.playing_ && trainer && !diverged;
  const double speed = m.speed_;
  if (playing && speed > 0) {
    step_credit = std::min(step_credit + speed * dt, speed * 0.25 + 1);
    budget += static_cast<int64_t>(step_credit);
    step_credit -= std::floor(step_credit);
  }
  // A slice of training ends when the next boundary update is due (36 a second), so that
  // updates keep their pace whatever share of a core the worker gets; 2 to 10 ms of training.
  const auto slice_end = now + std::clamp(std::chrono::duration_cast<Clock::duration>(last_publish + kPublishInterval - now),
                                          Clock::duration(std::chrono::milliseconds(2)), Clock::duration(std::chrono::milliseconds(10)));
  int64_t done = 0;
  // Whatever the budget (a long requested run, a high speed), a timed slice ends soon after its
  // time, and at once when the UI pauses or quits: the UI never waits on the worker for more
  // than about a frame. Requested steps left over go back to the queue for the next slices.
  const auto hard_end = slice_end + std::chrono::milliseconds(20);
  bool cut = false;
  if (trainer && !diverged) {
    while (done < budget || (playing && speed <= 0 && timed && Clock::now() < slice_end)) {
      if (timed && done > 0 && (done & 7) == 0 &&
          (stop.load(std::memory_order_relaxed) || Clock::now() >= hard_end || (done >= steps_now && !m.playing_))) {
        cut = true;
        break;
      }
      // Passes over the training set so far, step by step, as the Trainer counts the examples a
      // step sees: a batch size or a training set changed on the way (a new Trainer), or a model
      // opened after other training, changes what a step adds, not the past.
      const double epochs_before = trainer->epochs();
      trainer->step();
      ++done;
      ++step;
      epoch += trainer->epochs() - epochs_before;
      if (trainer->diverged()) {
        diverged = true;
        m.playing_ = false;
        divergence = "Training diverged at step " + std::to_string(step) + " (the loss became " +
                     (std::isnan(trainer->last_loss()) ? "NaN, not a number" : "infinite") + "): " +
                     divergence_advice(config, train) + ".";
        m.set_message(divergence);
        break;
      }
      if (budget >= 100 && done % (budget / 100) == 0) add_history();  // a chart for long requested runs
      if (!timed && done >= budget) break;
    }
  }
  if (cut && done < steps_now) {
    std::lock_guard lock(m.mu_);
    pending_steps += steps_now - done;  // the rest in the next slices
  }
  if (cut) step_credit = 0;
  requested_done += static_cast<uint64_t>(cut ? std::min(done, steps_now) : steps_now);
  rate_window.emplace_back(Clock::now(), step);
  while (rate_window.size() > 2 && std::chrono::duration<double>(rate_window.back().first - rate_window.front().first).count() > 1.0)
    rate_window.pop_front();
  const double span = std::chrono::duration<double>(rate_window.back().first - rate_window.front().first).count();
  rate = span > 0.05 ? static_cast<double>(rate_window.back().second - rate_window.front().second) / span : (playing ? rate : 0);

  const bool publish_due = !timed || Clock::now() - last_publish >= kPublishInterval;
  if ((done > 0 || changed_state || published_changes() < applied || new_view) && (publish_due || !playing)) {
    if (done > 0) add_history();
    publish(applied, region, res);
  } else if (published_changes() < applied) {
    publish(applied, region, res);
  }
  return done > 0 || playing;
}

void AppModel::Worker::publish(uint64_t applied, const Region& region, int res) {
  auto s = std::make_shared<Snapshot>();
  s->applied = applied;
  s->step = step;
  s->requested_done = requested_done;
  s->epoch = epoch;
  s->playing = m.playing_;
  s->waiting_for_points = m.playing_ && !trainer;  // a Trainer is missing only without training points
  s->diverged = diverged;
  s->divergence = diverged ? divergence : std::string();
  s->lr = trainer ? trainer->current_lr() : config.lr;
  s->problem = config.problem;
  s->outputs = static_cast<int>(config.outputs());
  s->steps_per_second = m.playing_ ? rate : 0;
  s->network = model->describe();
  if (trainer) {
    s->train = trainer->train_metrics();
    s->test = trainer->test_metrics();
  }
  s->history = history;
  const FeatureSet features(config.features);
  s->region = region;
  s->grid_res = res;
  s->grid = evaluate_grid(*model, features, region, res, res);
  s->logit_scale = config.loss == LossKind::Hinge ? 1.0f : 0.5f;
  if (config.problem == Problem::Regression) {
    float largest = 0;
    for (const Dataset* d : {&train, &test})
      for (const Point& p : d->points) largest = std::max(largest, std::fabs(p.label));
    s->value_scale = value_scale(largest);
  }
  s->neuron_res = kNeuronRes;
  s->neuron_maps = neuron_maps(features, region);
  s->weights = host_weights(*model);
  s->gradients = gradients();
  if (trainer && !diverged) s->run = trainer->run_state();
  else if (!trainer) s->run = parked_run;  // waiting for points: a session saved now keeps it
  if (trainer)
    for (int64_t r : trainer->last_batch())
      if (static_cast<size_t>(r) < train_rows.size()) s->minibatch.push_back(train_rows[static_cast<size_t>(r)]);
  s->gradient_history = grad_history;
  s->one_target = one_target(train);
  if (s->one_target) s->one_target_text = one_target_summary(*s->one_target, train, config.problem);
  s->flattened = flattened(*model, s->weights, features, train, config);
  s->dead_relu = dead_relus(*model, s->weights, features, train);
  s->dead_relu_hurt = dead_relus_hurt(s->dead_relu, s->train.loss, config, train);  // none dead: false
  if (start_model && s->dead_relu_hurt) {  // the first weights' dead ReLUs: one pass per start and set of points
    if (!start_dead) start_dead = dead_relus(*start_model, host_weights(*start_model), features, train);
    mark_dead_from_start(s->dead_relu, *start_dead);
  }
  s->start = begun;
  s->loss_jumped = jump_watch.jumped;
  s->copied = copied_layers(s->weights);
  // Judged on the run since the points, settings or weights last changed: added points or a
  // new loss raise the chart for reasons other than the rate, and a rate just lowered starts
  // anew from where the high one left the loss.
  std::vector<HistoryPoint> run_so_far{{unchanged_since, 0.0, loss_at_change, NAN, NAN, NAN}};
  for (const HistoryPoint& h : history)
    if (h.step > unchanged_since) run_so_far.push_back(h);
  // Large targets: the trial kept for the run until it has as many steps as the next (64, 128,
  // ..., 1024, then 2000: a few a run).
  if (trainer) s->large_targets = large_targets(run_so_far, config, train, &scaled_trial);
  if (s->large_targets) s->large_targets_text = large_targets_summary(*s->large_targets, true);
  if (trainer) s->overshoot = overshooting(run_so_far, config, train);
  if (s->overshoot) {
    s->overshoot_text = overshoot_summary(*s->overshoot, config, train, true);
    s->overshoot_decay = divergence_cause(config, train) == DivergenceCause::Decay;
  }
  if (trainer && !s->overshoot) s->saturated = saturated(*model, s->weights, features, train, config, run_so_far);
  if (s->saturated) s->saturated_text = saturated_summary(*s->saturated, config, true);
  {
    std::lock_guard lock(snap_mu);
    s->version = ++version;
    snap = std::move(s);
  }
  snap_cv.notify_all();
  last_publish = Clock::now();
}

std::vector<std::vector<std::vector<float>>> AppModel::Worker::neuron_maps(const FeatureSet& features, const Region& region) {
  NoGradGuard g;
  std::vector<float> pts;
  for (int row = 0; row < kNeuronRes; ++row)
    for (int col = 0; col < kNeuronRes; ++col) {
      pts.push_back(grid_x(region, kNeuronRes, col));
      pts.push_back(grid_y(region, kNeuronRes, row));
    }
  Tensor h = features.apply(Tensor::from_vector(pts, {kNeuronRes * kNeuronRes, 2}, model->device()));
  std::vector<std::vector<std::vector<float>>> maps;
  auto columns = [&](const Tensor& t) {
    const std::vector<float> v = t.to_vector();
    const int64_t n = t.shape()[0], c = t.shape()[1];
    std::vector<std::vector<float>> cols(static_cast<size_t>(c), std::vector<float>(static_cast<size_t>(n)));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < c; ++j) cols[static_cast<size_t>(j)][static_cast<size_t>(i)] = v[static_cast<size_t>(i * c + j)];
    return cols;
  };
  maps.push_back(columns(h));
  // After each activation (the hidden layers) and after the last layer (the outputs).
  Sequential& layers = model->layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    h = layers[i]->forward(h);
    if (i + 1 == layers.size() || dynamic_cast<ActivationModule*>(layers[i].get())) maps.push_back(columns(h));
  }
  return maps;
}

}  // namespace bp::studio
