// The app model: points with undo, settings, training control and sessions. The worker that
// trains is in training_worker.cpp; the session file format in session_file.cpp.
#include "app_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/explain.h"
#include "backprop/features.h"
#include "backprop/grid.h"
#include "backprop/model_io.h"
#include "backprop/ops.h"
#include "model/training_worker.h"

namespace bp::studio {

namespace {
constexpr size_t kMaxUndo = 200;

// Where training runs and why, and a CUDA option in the environment that was not understood.
std::string device_note_for(const DeviceChoice& choice, const ResolvedDevice& r) {
  const std::string env = cuda_environment_problem(choice);
  return env.empty() ? r.why : r.why + "; " + env;
}
}  // namespace

std::shared_ptr<MLP> network_with_weights(const TrainConfig& config, const std::vector<LayerWeights>& weights) {
  auto m = std::make_shared<MLP>(config.mlp_spec());
  const auto lin = m->linears();
  if (weights.empty() || lin.size() != weights.size()) return nullptr;
  for (size_t i = 0; i < lin.size(); ++i)
    if (lin[i]->in_features() != weights[i].in || lin[i]->out_features() != weights[i].out) return nullptr;
  for (size_t i = 0; i < lin.size(); ++i) {
    assign_(lin[i]->weight(), weights[i].weight);
    assign_(lin[i]->bias(), weights[i].bias);
  }
  return m;
}

TrainTestSets datasets_of(const std::vector<StudioPoint>& points, const TrainConfig& config) {
  TrainTestSets s;
  for (Dataset* d : {&s.train, &s.test}) {
    d->problem = config.problem;
    d->num_classes = config.problem == Problem::Regression ? 0 : config.num_classes;
  }
  for (const StudioPoint& p : points) (p.test ? s.test : s.train).points.push_back({p.x, p.y, p.label});
  return s;
}

// ---- AppModel -----------------------------------------------------------------------------------

AppModel::AppModel(bool threaded) : worker_(std::make_unique<Worker>(*this)) {
  config_.hidden = {4, 2};
  config_.activations = {Activation::Tanh};
  config_.optimizer = OptimizerKind::SGD;
  config_.lr = 0.03f;
  config_.batch_size = 10;
  device_note_ = device_note_for(device_choice_, resolve_device(device_choice_));
  generate_points();
  undo_ = {{points_, data_, region_}};
  undo_pos_ = 0;
  if (threaded) worker_->start();
}

AppModel::~AppModel() { worker_->join(); }

void AppModel::changed() {
  worker_->changes++;
  worker_->cv.notify_all();
}

std::vector<StudioPoint> AppModel::points() const {
  std::lock_guard lock(mu_);
  return points_;
}

PointCounts AppModel::point_counts() const {
  std::lock_guard lock(mu_);
  PointCounts n;
  for (const StudioPoint& p : points_) ++(p.test ? n.test : n.train);
  return n;
}

Problem AppModel::problem() const {
  std::lock_guard lock(mu_);
  return config_.problem;
}

int AppModel::num_classes() const {
  std::lock_guard lock(mu_);
  return config_.num_classes;
}

namespace {

// A position the app takes for a point: finite and within ±kAppMaxCoordinate (NaN fails both).
bool in_plane(float x, float y) { return std::fabs(x) <= kAppMaxCoordinate && std::fabs(y) <= kAppMaxCoordinate; }

// The points and region of generated data settings (nothing for custom points). Throws
// ValueError for settings make_dataset refuses; changes nothing.
void generated_points(const DataSettings& d, std::vector<StudioPoint>& points, Region& region) {
  points.clear();
  if (d.dataset == "custom") {
    region = {-6, 6, -6, 6};
    return;
  }
  const Dataset data = make_dataset(d.dataset, d.points, d.noise, d.seed);
  const Split s = train_test_split(data, d.train_ratio, d.seed);
  for (const Point& p : s.train.points) points.push_back({p.x, p.y, p.label, false});
  for (const Point& p : s.test.points) points.push_back({p.x, p.y, p.label, true});
  region = data.region;
}

// The region `r` grown to show every point with a margin (a tenth of their span), when some
// lie outside it: custom points imported at another scale keep their view when a session with
// them is opened again (hand-placed points leave the canvas's ±6 as it is).
Region covering(Region r, const std::vector<StudioPoint>& points) {
  if (points.empty()) return r;
  float x0 = points[0].x, x1 = x0, y0 = points[0].y, y1 = y0;
  for (const StudioPoint& p : points) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  if (x0 >= r.x_min && x1 <= r.x_max && y0 >= r.y_min && y1 <= r.y_max) return r;
  const float px = 0.1f * (x1 - x0), py = 0.1f * (y1 - y0);
  return {std::min(r.x_min, x0 - px), std::max(r.x_max, x1 + px), std::min(r.y_min, y0 - py), std::max(r.y_max, y1 + py)};
}

}  // namespace

void AppModel::generate_points() {
  // Called with mu_ held (or from the constructor).
  generated_points(data_, points_, region_);
  sync_problem();
  worker_->view = region_;
  worker_->view_gen++;
}

void AppModel::sync_problem() {
  // Called with mu_ held. The data settings say which problem the points pose (a catalog set its
  // own, custom points theirs); the network follows, and a change of output layer says so.
  if (const DatasetInfo* info = find_dataset(data_.dataset)) {
    data_.problem = info->problem;
    data_.num_classes = info->num_classes;
  } else if (data_.problem != Problem::MultiClass) {
    data_.num_classes = data_.problem == Problem::Binary ? 2 : 0;
  }
  const int classes = data_.problem == Problem::Regression ? 0 : data_.num_classes;
  if (config_.problem == data_.problem && config_.num_classes == classes) return;
  config_.problem = data_.problem;
  config_.num_classes = classes;
  config_.loss = default_loss(data_.problem);
  worker_->net_gen++;
  worker_->data_gen++;
  post_locked(data_.problem == Problem::Regression ? "Regression: the output layer was rebuilt with one output (the value); new weights."
             : data_.problem == Problem::Binary
                 ? "Two classes: the output layer was rebuilt with one output (the logit of class 1); new weights."
                 : "A " + std::to_string(classes) + "-class problem: the output layer was rebuilt with " + std::to_string(classes) +
                       " outputs, one per class; new weights.");
}

void AppModel::push_undo() {
  // Called with mu_ held, after points_ (and perhaps data_) changed.
  dragging_ = -1;
  undo_.resize(undo_pos_ + 1);
  undo_.push_back({points_, data_, region_});
  if (undo_.size() > kMaxUndo) undo_.erase(undo_.begin());
  undo_pos_ = undo_.size() - 1;
}

void AppModel::restore(const UndoEntry& e) {
  // Called with mu_ held: the points, and the data settings and problem they belong to.
  dragging_ = -1;
  points_ = e.points;
  if (!(e.data == data_)) {
    if (e.data.dataset != data_.dataset) worker_->net_gen++;  // another dataset: another run
    data_ = e.data;
    region_ = e.region;
    sync_problem();
    worker_->view = region_;
    worker_->view_gen++;
  }
  points_changed();
}

uint64_t AppModel::points_version() const {
  std::lock_guard lock(mu_);
  return worker_->data_gen;
}

void AppModel::points_changed() {
  worker_->data_gen++;
  changed();
}

void AppModel::append_point(const StudioPoint& p) {
  if (!in_plane(p.x, p.y) || points_.size() >= kAppMaxPoints) return;
  points_.push_back(p);
  push_undo();
  points_changed();
}

void AppModel::add_point(float x, float y, int label, bool test) {
  std::lock_guard lock(mu_);
  const int classes = config_.problem == Problem::Regression ? 0 : config_.num_classes;
  const float l = config_.problem == Problem::Regression ? (label > 0 ? 1.0f : -1.0f)
                                                         : static_cast<float>(std::clamp(label, 0, std::max(0, classes - 1)));
  append_point({x, y, l, test});
}

void AppModel::add_value_point(float x, float y, float value, bool test) {
  if (problem() != Problem::Regression) return add_point(x, y, static_cast<int>(std::lround(std::isfinite(value) ? value : 0.0f)), test);
  std::lock_guard lock(mu_);
  if (std::isfinite(value)) append_point({x, y, std::clamp(value, -kAppMaxCoordinate, kAppMaxCoordinate), test});
}

void AppModel::move_point(size_t index, float x, float y) {
  std::lock_guard lock(mu_);
  if (index >= points_.size() || !in_plane(x, y)) return;
  points_[index].x = x;
  points_[index].y = y;
  if (dragging_ == static_cast<int>(index)) {
    undo_[undo_pos_].points = points_;  // the same drag: one undo step
  } else {
    push_undo();
    dragging_ = static_cast<int>(index);
  }
  points_changed();
}

void AppModel::end_drag() {
  std::lock_guard lock(mu_);
  dragging_ = -1;
}

void AppModel::delete_point(size_t index) {
  std::lock_guard lock(mu_);
  if (index >= points_.size()) return;
  points_.erase(points_.begin() + static_cast<long>(index));
  push_undo();
  points_changed();
}

std::optional<size_t> AppModel::nearest_point(float x, float y, float radius) const {
  std::lock_guard lock(mu_);
  std::optional<size_t> best;
  float bd = radius;
  for (size_t i = 0; i < points_.size(); ++i) {
    const float d = std::hypot(points_[i].x - x, points_[i].y - y);
    if (d <= bd) bd = d, best = i;
  }
  return best;
}

void AppModel::clear_points() {
  std::lock_guard lock(mu_);
  points_.clear();
  push_undo();
  points_changed();
}

void AppModel::regenerate(bool new_seed) {
  std::lock_guard lock(mu_);
  if (data_.dataset == "custom") {
    post_locked("Custom points are not generated: Clear all removes them.");  // never deleted silently
    return;
  }
  if (new_seed) data_.seed = data_.seed * 6364136223846793005ull + 1442695040888963407ull;
  generate_points();
  push_undo();
  points_changed();
}

void AppModel::set_data_settings(const DataSettings& d) {
  if (d.dataset != "custom" && !find_dataset(d.dataset)) throw ValueError("unknown dataset " + quote_text(d.dataset) + "");
  if (d.points < 1 || d.points > kAppMaxGeneratedPoints)
    throw ValueError("the app generates 1.." + std::to_string(kAppMaxGeneratedPoints) + " points");
  if (!(d.noise >= 0 && d.noise <= 1) || !(d.train_ratio > 0 && d.train_ratio <= 1))
    throw ValueError("noise must be in [0, 1] and the train ratio in (0, 1]");
  if (d.problem == Problem::MultiClass && (d.num_classes < 2 || d.num_classes > kAppMaxClasses))
    throw ValueError("the app shows 2.." + std::to_string(kAppMaxClasses) + " classes");
  std::lock_guard lock(mu_);
  // data_settings() always holds the problem of the current set (sync_problem), so a view that
  // switches to custom passes it on: blobs3 → custom is a 3-class custom problem.
  const DataSettings& next = d;
  if (next.dataset == "custom" && data_.dataset == "custom") {
    change_custom_settings(next);
    return;
  }
  const size_t hand_placed = data_.dataset == "custom" ? points_.size() : 0;
  const bool new_dataset = next.dataset != data_.dataset;
  if (new_dataset) {
    // A new dataset starts a new run (new weights, step 0, a new chart), as in Playground.
    worker_->net_gen++;
    post_locked({});
  }
  data_ = next;
  generate_points();
  if (new_dataset && hand_placed)
    post_locked("Switched to " + next.dataset + "; Ctrl+Z brings back the " + std::to_string(hand_placed) + " hand-placed points.");
  push_undo();
  points_changed();
}

void AppModel::change_custom_settings(const DataSettings& next) {
  // Called with mu_ held. Hand-placed points are never deleted by a settings change: they are
  // kept, re-split when the train share changes, and a problem their labels do not fit is refused
  // with the reason (nothing changes).
  const int classes = next.problem == Problem::Regression ? 0 : next.problem == Problem::Binary ? 2 : next.num_classes;
  if (next.problem != Problem::Regression) {
    size_t misfits = 0;
    float worst = 0;
    for (const StudioPoint& p : points_)
      if (!is_class_label(p.label, classes)) ++misfits, worst = std::max(worst, p.label);
    if (misfits)
      throw ValueError(std::to_string(misfits) + " of the points have labels (up to " + explain::format_number(worst) +
                       ") that are not classes of a " + std::to_string(classes) +
                       "-class problem: delete them (or Clear all) first, or choose more classes");
  }
  const bool resplit = next.train_ratio != data_.train_ratio || next.seed != data_.seed;
  data_ = next;
  if (resplit) {
    Rng rng(data_.seed);
    for (StudioPoint& p : points_) p.test = rng.uniform() >= data_.train_ratio;
  }
  sync_problem();
  push_undo();
  points_changed();
}

namespace {

// A points CSV read as `problem` and checked against what the app takes; throws IoError.
Dataset read_app_csv(const std::string& path, Problem problem) {
  Dataset d = read_points_csv(path, problem);
  if (problem != Problem::Regression && d.num_classes > kAppMaxClasses)
    throw IoError(path + ": has " + std::to_string(d.num_classes) + " classes; the app shows at most " + std::to_string(kAppMaxClasses));
  if (d.points.size() > kAppMaxPoints)
    throw IoError(path + ": has " + std::to_string(d.points.size()) + " points; the app takes at most " + std::to_string(kAppMaxPoints) +
                  " (the command-line tool 'backprop' takes more)");
  for (size_t i = 0; i < d.points.size(); ++i) {
    const Point& pt = d.points[i];
    if (std::fabs(pt.x) > kAppMaxCoordinate || std::fabs(pt.y) > kAppMaxCoordinate || std::fabs(pt.label) > kAppMaxCoordinate)
      throw IoError(path + ": point " + std::to_string(i + 1) + " has a coordinate or target beyond ±1e6; the app takes points within it");
  }
  return d;
}

}  // namespace

void AppModel::import_csv(const std::string& path) {
  Problem p;
  {
    std::lock_guard lock(mu_);
    p = config_.problem;
  }
  Dataset d = read_app_csv(path, p == Problem::Binary ? Problem::MultiClass : p);
  std::lock_guard lock(mu_);
  data_.dataset = "custom";
  data_.problem = d.num_classes > 2 && p != Problem::Regression ? Problem::MultiClass : p;
  data_.num_classes = d.num_classes;
  sync_problem();          // the network follows the file's problem and class count
  worker_->net_gen++;      // imported points: a new run
  Rng rng(data_.seed);
  points_.clear();
  for (const Point& pt : d.points) points_.push_back({pt.x, pt.y, pt.label, rng.uniform() >= data_.train_ratio});
  region_ = d.region;
  worker_->view = region_;
  worker_->view_gen++;
  push_undo();
  points_changed();
}

void AppModel::export_csv(const std::string& path) const {
  Dataset d;
  for (const StudioPoint& p : points()) d.points.push_back({p.x, p.y, p.label});
  write_points_csv(path, d);
}

std::string AppModel::export_model(const std::string& path) const {
  const SessionFile s = session();
  if (!s.model) throw ValueError("there are no weights to export yet: the new network is being built (try again in a moment)");
  if (!all_finite(*s.model)) throw ValueError("the weights are not finite numbers (the run diverged): Reset, train, then export");
  // The data is recorded only when regenerating it from the settings gives these very points, in
  // this order and split: what `backprop` would train and evaluate on is then what the app shows.
  std::optional<DataRecord> record;
  if (s.data.dataset != "custom") {
    std::vector<StudioPoint> generated;
    Region region;
    generated_points(s.data, generated, region);
    if (generated == s.points)
      record = DataRecord{s.data.dataset, s.data.points, s.data.noise, "", s.data.seed, s.data.train_ratio};
  }
  save_model(path, *s.model, s.config, record, TrainedFor{s.step, s.epoch}, s.run && all_finite(*s.run) ? s.run : std::nullopt);
  if (record) return "Exported the model to " + path + ", with its data (" + s.data.dataset + ", " + std::to_string(s.data.points) + " points)";
  return "Exported the model to " + path + ". Its points are placed, imported or edited, so it records no data: File → Export points " +
         "writes them, for backprop's --data";
}

std::string AppModel::open_model(const std::string& path) {
  // Read within what the app could show, so that a huge model is refused at once, not after
  // seconds of parsing on the UI thread.
  std::error_code ec;
  if (const auto bytes = std::filesystem::file_size(path, ec); !ec && bytes > kAppMaxModelFileBytes)
    throw IoError(path + ": is " + std::to_string(bytes >> 20) + " MB; the app opens model files of at most " +
                  std::to_string(kAppMaxModelFileBytes >> 20) + " MB, as its networks are smaller (the command-line tool 'backprop' takes it)");
  const ModelFile mf = model_from_json(read_file(path, kAppMaxModelFileBytes), path);
  const TrainConfig& c = mf.config;
  try {
    check_app_network(c);
    if (c.problem == Problem::MultiClass && c.num_classes > kAppMaxClasses)
      throw ValueError("it has " + std::to_string(c.num_classes) + " classes; the app shows at most " + std::to_string(kAppMaxClasses));
  } catch (const ValueError& e) {
    throw IoError(path + ": " + e.what() + " (the command-line tool 'backprop' takes this model)");
  }
  SessionFile s = session();  // the points shown and the speed stay; the open views too (none named)
  s.title = std::filesystem::path(path).filename().string();
  s.views = {};
  s.config = c;
  s.model = mf.model;
  s.history.clear();
  s.gradient_history.clear();
  // Its step count goes on from the steps it was trained for (the loss chart starts there).
  s.step = mf.trained ? mf.trained->steps : 0;
  s.epoch = mf.trained ? mf.trained->epochs : 0;
  s.run = mf.resume;  // and its optimizer and minibatch order go on from where it stopped
  const int classes = c.problem == Problem::Regression ? 0 : c.num_classes;
  DataSettings custom = s.data;
  custom.dataset = "custom";
  custom.problem = c.problem;
  custom.num_classes = classes;
  std::string on;
  if (mf.data && !mf.data->dataset.empty()) {
    const DataRecord& r = *mf.data;
    s.data = DataSettings{r.dataset, std::min(r.points, kAppMaxGeneratedPoints), r.noise, r.seed, r.train_ratio, c.problem, classes};
    s.has_points = false;  // generated from the settings, as the CLI generates them
    on = "on the data it was trained on (" + r.dataset + ", " +
         (r.points > kAppMaxGeneratedPoints ? std::to_string(kAppMaxGeneratedPoints) + " of its " + std::to_string(r.points) +
                                                  " points: the app's most)"
                                            : std::to_string(r.points) + " points)");
  } else if (mf.data) {
    const DataRecord& r = *mf.data;
    Dataset d;
    try {
      d = read_app_csv(r.csv, c.problem);
    } catch (const IoError& e) {
      throw IoError(std::string(e.what()) + " (the data " + path + " was trained on)");
    }
    const Split split = train_test_split(d, r.train_ratio, r.seed);  // the split `backprop train` makes
    s.data = custom;
    s.data.seed = r.seed;
    s.data.train_ratio = r.train_ratio;
    s.points.clear();
    for (const Point& p : split.train.points) s.points.push_back({p.x, p.y, p.label, false});
    for (const Point& p : split.test.points) s.points.push_back({p.x, p.y, p.label, true});
    s.has_points = true;
    on = "on the data it was trained on (" + std::filesystem::path(r.csv).filename().string() + ", " + std::to_string(d.size()) + " points)";
  } else if (s.config.problem == s.data.problem && classes == (s.data.problem == Problem::Regression ? 0 : s.data.num_classes)) {
    on = "on the points shown (the file records no data)";
  } else {
    s.data = custom;
    s.points.clear();
    on = std::string("on no points: the file records no data; place some (a ") + problem_name(c.problem) + " problem" +
         (c.problem == Problem::MultiClass ? " of " + std::to_string(c.num_classes) + " classes" : std::string()) + ")";
  }
  // Checked as a session file is (the app's limits on networks, classes, points and settings),
  // before anything changes.
  apply_session(parse_session(session_to_json(s), path));
  const std::string trained = mf.trained ? ", trained " + counted(mf.trained->steps, "step") : std::string();
  return "Opened " + path + ", " + mf.model->describe() + trained + ", " + on;
}

bool AppModel::undo() {
  std::lock_guard lock(mu_);
  if (undo_pos_ == 0) return false;
  restore(undo_[--undo_pos_]);
  return true;
}

bool AppModel::redo() {
  std::lock_guard lock(mu_);
  if (undo_pos_ + 1 >= undo_.size()) return false;
  restore(undo_[++undo_pos_]);
  return true;
}

bool AppModel::set_config(const TrainConfig& c) {
  TrainConfig check = c;
  check.device = config_.device;  // set_device_choice moves training, not the settings panels
  check.problem = config_.problem;
  check.num_classes = config_.num_classes;
  check_app_network(check);
  check.validate();
  std::lock_guard lock(mu_);
  // Only the network's shape, features, initializer or seed need new weights. Other training
  // settings (optimizer, regularization, batch size, schedule, loss) keep the weights and the run
  // and start a fresh optimizer; a new learning rate alone keeps the optimizer too.
  const bool new_weights = check.hidden != config_.hidden || check.activations != config_.activations ||
                           check.features != config_.features || check.init != config_.init || check.seed != config_.seed;
  TrainConfig only_lr = config_;
  only_lr.lr = check.lr;
  const bool new_training = !new_weights && !(only_lr == check);
  const bool new_lr = check.lr != config_.lr;
  config_ = check;
  if (new_weights) {
    worker_->net_gen++;
    worker_->data_gen++;
    post_locked("The network changed: weights were re-initialised.");
  } else if (new_training) {
    worker_->train_gen++;
    post_locked("Training settings changed: the weights are kept; the optimizer starts afresh.");
  } else if (new_lr) {
    worker_->lr_gen++;
  }
  changed();
  return new_weights;
}

void AppModel::set_device_choice(const DeviceChoice& choice, bool announce) {
  const ResolvedDevice r = resolve_device(choice);  // throws DeviceError before anything changes
  std::lock_guard lock(mu_);
  device_choice_ = choice;
  device_note_ = device_note_for(choice, r);
  if (config_.device == r.device) return;
  config_.device = r.device;
  worker_->train_gen++;  // the weights move with the model; the optimizer starts afresh there
  if (announce) post_locked("Training now runs on " + r.device.str() + "; the weights are kept.");
  changed();
}

DeviceChoice AppModel::device_choice() const {
  std::lock_guard lock(mu_);
  return device_choice_;
}

std::string AppModel::device_note() const {
  std::lock_guard lock(mu_);
  return device_note_;
}

void AppModel::set_weight(int layer, int64_t out, int64_t in, float value) {
  if (!std::isfinite(value)) return;
  std::lock_guard lock(mu_);
  worker_->weight_edits.emplace_back(layer, out, in, value);
  changed();
}

void AppModel::play() {
  std::lock_guard lock(mu_);
  playing_ = true;
  changed();
}
void AppModel::pause() {
  std::lock_guard lock(mu_);
  playing_ = false;
  changed();
}
void AppModel::toggle_play() { playing_ ? pause() : play(); }

void AppModel::step_once() {
  std::lock_guard lock(mu_);
  playing_ = false;
  worker_->pending_steps += 1;
  worker_->requested_total += 1;
  changed();
}

void AppModel::reset() {
  std::lock_guard lock(mu_);
  restart_locked({});
}

void AppModel::restart_locked(std::string message) {
  playing_ = false;
  worker_->net_gen++;
  worker_->data_gen++;
  post_locked(std::move(message));
  changed();
}

void AppModel::reset_with_lower_lr() {
  std::lock_guard lock(mu_);
  config_.lr = std::max(config_.lr / 10.0f, 1e-6f);
  char buf[96];
  std::snprintf(buf, sizeof buf, "Reset with learning rate %g.", static_cast<double>(config_.lr));
  restart_locked(buf);
}

void AppModel::reset_with_default_init() {
  std::lock_guard lock(mu_);
  config_.init = Init::Default;
  restart_locked("Reset with the default initializer.");
}

void AppModel::reset_with_another_seed() {
  std::lock_guard lock(mu_);
  const std::optional<uint64_t> live = seed_with_live_relus(config_, datasets_of(points_, config_).train, config_.seed);
  config_.seed = live ? *live : config_.seed == std::numeric_limits<uint64_t>::max() ? 0 : config_.seed + 1;
  restart_locked("Reset with seed " + std::to_string(config_.seed) +
                 (live ? ", the next whose initial weights leave every ReLU alive on these points."
                       : ". None of the next 100 seeds' initial weights leave every ReLU alive on these points (a deep network "
                         "starts with some dead whatever the seed): leaky ReLU never dies."));
}

void AppModel::reset_with_leaky_relu() {
  std::lock_guard lock(mu_);
  for (Activation& a : config_.activations)
    if (a == Activation::ReLU) a = Activation::LeakyReLU;
  restart_locked("Reset with leaky ReLU in place of ReLU.");
}

void AppModel::reset_with_less_decay() {
  std::lock_guard lock(mu_);
  config_.weight_decay /= 10.0f;
  config_.regularization.rate /= 10.0f;
  char decay[48] = "", rate[48] = "";
  if (config_.weight_decay > 0) std::snprintf(decay, sizeof decay, "weight decay %g", static_cast<double>(config_.weight_decay));
  if (config_.regularization.rate > 0)
    std::snprintf(rate, sizeof rate, "regularization rate %g", static_cast<double>(config_.regularization.rate));
  restart_locked(std::string("Reset with ") + decay + (*decay && *rate ? " and " : "") + rate + ".");
}

void AppModel::scale_values() {
  std::lock_guard lock(mu_);
  if (config_.problem != Problem::Regression) return;
  float low = INFINITY, high = -INFINITY;
  for (const StudioPoint& p : points_) low = std::min(low, p.label), high = std::max(high, p.label);
  if (!(low <= high)) return;  // no points
  for (StudioPoint& p : points_) p.label = scale_target(p.label, low, high);
  push_undo();
  char buf[160];
  std::snprintf(buf, sizeof buf, "Scaled the values from %.4g..%.4g to -1..1 (Ctrl+Z brings them back), and reset the weights.",
                static_cast<double>(low), static_cast<double>(high));
  restart_locked(buf);
}

void AppModel::set_view(const Region& r, int grid_res) {
  if (!(r.x_max > r.x_min && r.y_max > r.y_min) || !std::isfinite(r.x_min + r.x_max + r.y_min + r.y_max)) return;
  std::lock_guard lock(mu_);
  const Region& v = worker_->view;
  if (v.x_min == r.x_min && v.x_max == r.x_max && v.y_min == r.y_min && v.y_max == r.y_max && worker_->grid_res == grid_res) return;
  worker_->view = r;
  worker_->grid_res = std::clamp(grid_res, 8, 1024);
  worker_->view_gen++;
  changed();
}

Region AppModel::view_region() const {
  std::lock_guard lock(mu_);
  return worker_->view;
}

std::shared_ptr<const Snapshot> AppModel::snapshot() const {
  std::lock_guard lock(worker_->snap_mu);
  return worker_->snap;
}

double message_lifetime(const std::string& text) {
  return std::min(kMessageMaxSeconds, kMessageMinSeconds + kMessageSecondsPerChar * static_cast<double>(text.size()));
}

std::string AppModel::message() const {
  std::lock_guard lock(mu_);
  const double age = std::chrono::duration<double>(clock_() - message_posted_).count();
  return age < message_lifetime(message_) ? message_ : std::string();
}

void AppModel::set_message(std::string m) {
  std::lock_guard lock(mu_);
  post_locked(std::move(m));
}

void AppModel::post_locked(std::string m) {
  message_ = std::move(m);
  message_posted_ = clock_();
}

void AppModel::pump(int64_t max_steps) {
  uint64_t target;
  {
    std::lock_guard lock(mu_);
    changed();
    target = worker_->changes;
  }
  if (!worker_->thread.joinable()) {
    worker_->tick(max_steps, false);
    return;
  }
  std::unique_lock lock(worker_->snap_mu);
  worker_->snap_cv.wait(lock, [&] { return worker_->snap->applied >= target; });
}

void AppModel::run_steps(int64_t n) {
  uint64_t target;
  {
    std::lock_guard lock(mu_);
    worker_->pending_steps += std::max<int64_t>(0, n);
    worker_->requested_total += static_cast<uint64_t>(std::max<int64_t>(0, n));
    target = worker_->requested_total;
    changed();
  }
  // Until a snapshot shows every requested step taken: the worker runs long requests in slices
  // (steps it cannot take, with no training data or after a divergence, count as taken).
  if (!worker_->thread.joinable()) {
    while (snapshot()->requested_done < target) worker_->tick(std::max<int64_t>(1, n), false);
    return;
  }
  std::unique_lock lock(worker_->snap_mu);
  worker_->snap_cv.wait(lock, [&] { return worker_->snap->requested_done >= target; });
}

void AppModel::set_speed(double steps_per_second) {
  speed_ = std::isfinite(steps_per_second) ? std::clamp(steps_per_second, 0.0, kAppMaxSpeed) : 0.0;
}

// ---- sessions -----------------------------------------------------------------------------------

SessionFile AppModel::session() const {
  SessionFile s;
  {
    std::lock_guard lock(mu_);
    s.title = title_;
    s.data = data_;
    s.config = config_;
    s.has_points = true;
    s.points = points_;
    s.speed = speed_.load();
    s.views = views_;
  }
  const auto snap = snapshot();
  // The weights as the snapshot shows them, when they fit the current settings (a change of
  // network not yet picked up by the worker leaves them out: the session then starts afresh).
  if (auto m = network_with_weights(s.config, snap->weights)) {
    s.model = m;
    s.history = snap->history;
    s.gradient_history = snap->gradient_history;
    s.step = snap->step;
    s.epoch = snap->epoch;
    s.run = snap->run;
  }
  return s;
}

SessionViews AppModel::session_views() const {
  std::lock_guard lock(mu_);
  return views_;
}

uint64_t AppModel::sessions_loaded() const {
  std::lock_guard lock(mu_);
  return sessions_loaded_;
}

void AppModel::set_session_views(SessionViews v, uint64_t loaded) {
  std::lock_guard lock(mu_);
  if (loaded == sessions_loaded_) views_ = std::move(v);
}

void AppModel::save_session(const std::string& path) const { write_file_atomic(path, session_to_json(session())); }

void AppModel::save_session_to_quit(const std::string& path) {
  const bool was_playing = playing_;
  pause();
  try {
    save_session(path);
  } catch (...) {
    if (was_playing) play();
    throw;
  }
}

void AppModel::load_session(const std::string& path) { apply_session(read_session(path)); }

void AppModel::apply_session(SessionFile s) {
  // Everything that can fail happens before the first change: a refused session changes nothing.
  std::vector<StudioPoint> pts;
  Region region;
  try {
    generated_points(s.data, pts, region);
  } catch (const ValueError& e) {
    throw IoError(std::string("the session's data settings: ") + e.what());
  }
  if (s.has_points) pts = std::move(s.points);
  if (s.data.dataset == "custom") region = covering(region, pts);
  std::lock_guard lock(mu_);
  playing_ = false;
  data_ = s.data;
  const Device device = config_.device;  // a session trains wherever it is opened
  config_ = s.config;
  config_.device = device;
  points_ = std::move(pts);
  region_ = region;
  title_ = s.title;
  speed_ = s.speed;
  views_ = std::move(s.views);
  ++sessions_loaded_;
  worker_->adopt_model = std::move(s.model);
  worker_->adopt_history = std::move(s.history);
  worker_->adopt_grad_history = std::move(s.gradient_history);
  worker_->adopt_step = s.step;
  worker_->adopt_epoch = s.epoch;
  worker_->adopt_run = std::move(s.run);
  worker_->net_gen++;
  worker_->data_gen++;
  worker_->view = region_;
  worker_->view_gen++;
  undo_ = {{points_, data_, region_}};
  undo_pos_ = 0;
  post_locked({});
  changed();
}

}  // namespace bp::studio
