// The app model driven headlessly: point edits with undo/redo, settings that do and do not
// reset, training steps, divergence, sessions and presets, and the threaded worker.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "backprop/errors.h"
#include "backprop/model_io.h"

#include "model/app_model.h"
#include "model/autosaver.h"

namespace bp::studio {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("bp_app_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& n) const { return (path / n).string(); }
};

DataSettings simple_data() {
  DataSettings d;
  d.dataset = "simple";
  d.points = 100;
  d.train_ratio = 0.8f;
  return d;
}

TEST(AppModel, AddMoveDeleteWithUndoRedo) {
  AppModel m(false);
  m.set_data_settings(simple_data());
  const size_t n = m.points().size();
  ASSERT_EQ(n, 100u);
  m.add_point(0.25f, 0.75f, 1);
  ASSERT_EQ(m.points().size(), n + 1);
  EXPECT_EQ(m.points().back().label, 1.0f);
  EXPECT_FALSE(m.points().back().test);
  m.move_point(n, 0.3f, 0.7f);
  m.move_point(n, 0.35f, 0.65f);  // one drag: a single undo step
  m.end_drag();
  EXPECT_FLOAT_EQ(m.points()[n].x, 0.35f);
  const auto near = m.nearest_point(0.36f, 0.66f, 0.05f);
  ASSERT_TRUE(near.has_value());
  EXPECT_EQ(*near, n);
  EXPECT_FALSE(m.nearest_point(5.0f, 5.0f, 0.05f).has_value());
  m.delete_point(n);
  EXPECT_EQ(m.points().size(), n);
  ASSERT_TRUE(m.undo());  // the point is back where the drag left it
  ASSERT_EQ(m.points().size(), n + 1);
  EXPECT_FLOAT_EQ(m.points()[n].x, 0.35f);
  ASSERT_TRUE(m.undo());  // before the drag
  EXPECT_FLOAT_EQ(m.points()[n].x, 0.25f);
  ASSERT_TRUE(m.undo());  // before the add
  EXPECT_EQ(m.points().size(), n);
  ASSERT_TRUE(m.redo());
  EXPECT_EQ(m.points().size(), n + 1);
  m.clear_points();
  EXPECT_TRUE(m.points().empty());
  EXPECT_TRUE(m.undo());
  EXPECT_EQ(m.points().size(), n + 1);
  m.add_point(NAN, 0.0f, 0);  // ignored
  EXPECT_EQ(m.points().size(), n + 1);
}

TEST(AppModel, PointCountsCountTrainingAndTestPointsAsThePointsAre) {
  AppModel m(false);
  m.set_data_settings(simple_data());
  const auto counted = [&] {
    const auto pts = m.points();
    const auto test = std::count_if(pts.begin(), pts.end(), [](const StudioPoint& p) { return p.test; });
    return std::pair<int64_t, int64_t>(static_cast<int64_t>(pts.size()) - test, test);
  };
  PointCounts n = m.point_counts();
  EXPECT_EQ(n.total(), 100);
  EXPECT_EQ(std::pair(n.train, n.test), counted());
  EXPECT_GT(n.test, 0) << "a train ratio of 0.8 holds some out";
  m.add_point(0.1f, 0.1f, 1, /*test=*/true);
  m.add_point(0.2f, 0.1f, 0);
  const PointCounts after = m.point_counts();
  EXPECT_EQ(after.test, n.test + 1);
  EXPECT_EQ(after.train, n.train + 1);
  m.clear_points();
  EXPECT_EQ(m.point_counts().total(), 0);
}

TEST(AppModel, TrainingStepsLearnAndLearningRateDoesNotReset) {
  AppModel m(false);
  m.set_data_settings(simple_data());
  TrainConfig c = m.config();
  c.hidden = {4};
  c.optimizer = OptimizerKind::Adam;
  c.lr = 0.05f;
  c.batch_size = 0;
  EXPECT_TRUE(m.set_config(c));  // a new shape: new weights
  m.run_steps(300);
  auto s = m.snapshot();
  EXPECT_EQ(s->step, 300);
  EXPECT_GE(s->train.accuracy, 0.95f);
  EXPECT_GE(s->history.size(), 2u);
  EXPECT_EQ(s->grid.size(), static_cast<size_t>(s->grid_res * s->grid_res));
  ASSERT_EQ(s->weights.size(), 2u);
  ASSERT_EQ(s->neuron_maps.size(), 3u);  // inputs, hidden, output
  EXPECT_EQ(s->neuron_maps[1].size(), 4u);
  const auto w = s->weights[0].weight;
  c.lr = 0.01f;
  EXPECT_FALSE(m.set_config(c));  // learning rate only: keeps the run
  m.pump();
  s = m.snapshot();
  EXPECT_EQ(s->step, 300);
  EXPECT_EQ(s->weights[0].weight, w);
  EXPECT_FLOAT_EQ(s->lr, 0.01f);
  c.activations = {Activation::ReLU};
  EXPECT_TRUE(m.set_config(c));  // needs new weights
  m.pump();
  EXPECT_EQ(m.snapshot()->step, 0);
  EXPECT_NE(m.message().find("re-initialised"), std::string::npos);
  c.lr = -1;
  EXPECT_THROW(m.set_config(c), ValueError);
}

TEST(AppModel, BoundaryFollowsPointEditsWhileKeepingWeights) {
  AppModel m(false);
  m.set_data_settings(simple_data());
  m.run_steps(50);
  const auto before = m.snapshot();
  m.add_point(0.9f, 0.9f, 1);
  m.pump();
  const auto after = m.snapshot();
  EXPECT_EQ(after->step, before->step);          // the run goes on
  EXPECT_EQ(after->weights[0].weight, before->weights[0].weight);
  EXPECT_GT(after->version, before->version);    // and the views were told
}

TEST(AppModel, WeightEditsApply) {
  AppModel m(false);
  m.pump();
  m.set_weight(0, 1, 0, 2.5f);
  m.set_weight(0, 1, -1, -0.5f);  // bias
  m.pump();
  const auto s = m.snapshot();
  EXPECT_FLOAT_EQ(s->weights[0].weight[1 * s->weights[0].in + 0], 2.5f);
  EXPECT_FLOAT_EQ(s->weights[0].bias[1], -0.5f);
  // An input index past the row is refused, not written into the next neuron's row.
  const std::vector<float> before = s->weights[0].weight, bias_before = s->weights[0].bias;
  m.set_weight(0, 0, s->weights[0].in, 9.0f);
  m.set_weight(0, 0, -2, 9.0f);  // -1 is the bias; nothing else below 0
  m.set_weight(0, s->weights[0].out, -1, 9.0f);
  m.set_weight(7, 0, 0, 9.0f);
  m.pump();
  EXPECT_EQ(m.snapshot()->weights[0].weight, before);
  EXPECT_EQ(m.snapshot()->weights[0].bias, bias_before);
}

TEST(AppModel, DivergencePausesWithAMessageAndLowerRateResets) {
  AppModel m(false);
  DataSettings d;
  d.dataset = "pg-plane";
  m.set_data_settings(d);
  TrainConfig c = m.config();
  c.hidden = {16, 16};
  c.lr = 100.0f;
  c.batch_size = 0;
  m.set_config(c);
  m.play();
  m.run_steps(500);
  const auto s = m.snapshot();
  EXPECT_TRUE(s->diverged);
  EXPECT_FALSE(m.playing());
  EXPECT_LT(s->step, 500);
  EXPECT_NE(m.message().find("diverged"), std::string::npos);
  for (float v : s->weights[0].weight) ASSERT_TRUE(std::isfinite(v));  // the last finite weights
  m.reset_with_lower_lr();
  m.pump();
  EXPECT_FLOAT_EQ(m.config().lr, 10.0f);
  EXPECT_FALSE(m.snapshot()->diverged);
  EXPECT_EQ(m.snapshot()->step, 0);
}

TEST(AppModel, SessionRoundTripKeepsPointsSettingsWeightsAndHistory) {
  TempDir dir;
  AppModel a(false);
  a.set_data_settings(simple_data());
  a.add_point(0.1f, 0.2f, 0);
  TrainConfig c = a.config();
  c.hidden = {3, 3};
  c.optimizer = OptimizerKind::Adam;
  a.set_config(c);
  a.run_steps(40);
  a.save_session(dir.file("s.json"));
  AppModel b(false);
  b.load_session(dir.file("s.json"));
  b.pump();
  const auto pa = a.points(), pb = b.points();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].x, pb[i].x);
    EXPECT_EQ(pa[i].label, pb[i].label);
    EXPECT_EQ(pa[i].test, pb[i].test);
  }
  EXPECT_EQ(b.config().hidden, c.hidden);
  EXPECT_EQ(b.config().optimizer, OptimizerKind::Adam);
  const auto sa = a.snapshot(), sb = b.snapshot();
  ASSERT_EQ(sa->weights.size(), sb->weights.size());
  for (size_t i = 0; i < sa->weights.size(); ++i) EXPECT_EQ(sa->weights[i].weight, sb->weights[i].weight);
  EXPECT_EQ(sb->step, 40);
  EXPECT_EQ(sb->history.size(), sa->history.size());
  // The gradient-flow chart's history comes back with the loss chart's.
  ASSERT_FALSE(sa->gradient_history.empty());
  ASSERT_EQ(sb->gradient_history.size(), sa->gradient_history.size());
  for (size_t i = 0; i < sa->gradient_history.size(); ++i) {
    EXPECT_EQ(sb->gradient_history[i].step, sa->gradient_history[i].step);
    EXPECT_EQ(sb->gradient_history[i].norms, sa->gradient_history[i].norms);
  }
  EXPECT_EQ(sb->grid, sa->grid);
}

TEST(AppModel, TheSaveOnQuittingPausesAndATrainingRunGoesOnWhenItFails) {
  // A failed save on quitting leaves the user asked what to do: the run goes on meanwhile, as
  // it was (it used to stay paused after "Stay"). A save that works leaves training paused.
  TempDir dir;
  AppModel m(false);
  m.set_data_settings(simple_data());
  m.play();
  std::ofstream(dir.file("a-file")) << "x";
  EXPECT_THROW(m.save_session_to_quit(dir.file("a-file") + "/autosave.json"), IoError);
  EXPECT_TRUE(m.playing());
  m.pause();
  EXPECT_THROW(m.save_session_to_quit(dir.file("a-file") + "/autosave.json"), IoError);
  EXPECT_FALSE(m.playing()) << "a paused run stays paused";
  m.play();
  m.save_session_to_quit(dir.file("autosave.json"));
  EXPECT_FALSE(m.playing());
  AppModel b(false);
  b.load_session(dir.file("autosave.json"));
}

TEST(AppModel, TheAutosaverWritesAChangedSessionWhenDueAndOffTheUiThread) {
  // Only the exit used to save the session: a crash or a SIGKILL lost everything since the start.
  TempDir dir;
  AppModel m(false);
  m.set_data_settings(simple_data());
  m.pump();
  using namespace std::chrono_literals;
  const auto t0 = Autosaver::Clock::now();
  Autosaver saver(m, dir.file("autosave.json"), 30s, t0);
  EXPECT_EQ(saver.tick(t0 + 29s), "");
  EXPECT_EQ(saver.finish(), "");
  EXPECT_FALSE(fs::exists(dir.file("autosave.json"))) << "not due yet";
  saver.tick(t0 + 30s);
  EXPECT_EQ(saver.finish(), "");
  ASSERT_EQ(saver.saves(), 1);
  AppModel b(false);
  b.load_session(dir.file("autosave.json"));
  EXPECT_EQ(b.points(), m.points());
  // Unchanged: due again, but not written again.
  const auto written = fs::last_write_time(dir.file("autosave.json"));
  saver.tick(t0 + 61s);
  saver.finish();
  EXPECT_EQ(saver.saves(), 1);
  EXPECT_EQ(fs::last_write_time(dir.file("autosave.json")), written);
  // A point added and 40 steps trained: written at the next due time, not before.
  m.add_point(0.3f, -0.4f, 1);
  m.run_steps(40);
  saver.tick(t0 + 70s);
  saver.finish();
  EXPECT_EQ(saver.saves(), 1);
  saver.tick(t0 + 91s);
  saver.finish();
  EXPECT_EQ(saver.saves(), 2);
  AppModel c(false);
  c.load_session(dir.file("autosave.json"));
  c.pump();
  EXPECT_EQ(c.points(), m.points());
  EXPECT_EQ(c.snapshot()->step, 40);
}

TEST(AppModel, AFailingAutosaveIsSaidOnceUntilOneWorksAndZeroNeverSaves) {
  TempDir dir;
  AppModel m(false);
  m.set_data_settings(simple_data());
  using namespace std::chrono_literals;
  std::ofstream(dir.file("a-file")) << "x";
  const auto t0 = Autosaver::Clock::now();
  Autosaver failing(m, dir.file("a-file") + "/autosave.json", 10s, t0);
  failing.tick(t0 + 10s);
  const std::string said = failing.finish();
  EXPECT_NE(said.find("The session could not be autosaved ("), std::string::npos) << said;
  EXPECT_NE(said.find("a-file"), std::string::npos) << said;
  EXPECT_NE(said.find("tried again every 10 s"), std::string::npos) << said;
  failing.tick(t0 + 20s);
  EXPECT_EQ(failing.finish(), "") << "said once";
  EXPECT_EQ(failing.saves(), 0);
  Autosaver never(m, dir.file("never.json"), 0s, t0);
  never.tick(t0 + 100000s);
  never.finish();
  EXPECT_FALSE(fs::exists(dir.file("never.json")));
}

TEST(AppModel, BadSessionFilesAreRefusedAndChangeNothing) {
  TempDir dir;
  AppModel m(false);
  const auto before = m.points();
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  EXPECT_THROW(m.load_session(write("a.json", "{")), IoError);
  EXPECT_THROW(m.load_session(write("b.json", "{\"format\": \"other\"}")), IoError);
  EXPECT_THROW(m.load_session(write("c.json", "{\"format\": \"backprop-studio-session\", \"version\": 1, \"data\": {\"dataset\": \"nope\"}}")), IoError);
  EXPECT_THROW(m.load_session(write("d.json", "{\"format\": \"backprop-studio-session\", \"version\": 1, \"points\": [[1, 2]]}")), IoError);
  EXPECT_THROW(m.load_session(dir.file("missing.json")), IoError);
  EXPECT_EQ(m.points().size(), before.size());
}

TEST(AppModel, EveryPresetLoadsAndTrains) {
  int count = 0;
  for (const auto& e : fs::directory_iterator(BACKPROP_ASSETS_DIR "/presets")) {
    SCOPED_TRACE(e.path().string());
    AppModel m(false);
    m.load_session(e.path().string());
    EXPECT_FALSE(m.title().empty());
    m.run_steps(5);
    EXPECT_EQ(m.snapshot()->step, 5);
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(AppModel, CsvImportExport) {
  TempDir dir;
  AppModel m(false);
  m.set_data_settings(simple_data());
  m.export_csv(dir.file("p.csv"));
  AppModel n(false);
  n.import_csv(dir.file("p.csv"));
  EXPECT_EQ(n.points().size(), m.points().size());
  EXPECT_EQ(n.data_settings().dataset, "custom");
  std::ofstream(dir.file("bad.csv")) << "x,y,label\n1,2,zz\n";
  EXPECT_THROW(n.import_csv(dir.file("bad.csv")), IoError);
  EXPECT_EQ(n.points().size(), m.points().size());
}

TEST(AppModel, ExportedModelsHoldTheWeightsShownAndTheirDataWhileTheDataIsGenerated) {
  TempDir dir;
  AppModel m(false);
  DataSettings d;
  d.dataset = "spiral";
  d.points = 150;
  d.noise = 0.1f;
  d.seed = 9;
  d.train_ratio = 0.6f;
  m.set_data_settings(d);
  TrainConfig c = m.config();
  c.hidden = {6, 5};
  c.features = {Feature::X1, Feature::X2, Feature::X1X2};
  m.set_config(c);
  m.play();
  m.run_steps(40);
  m.pause();
  m.pump();
  const auto snap = m.snapshot();
  const std::string said = m.export_model(dir.file("m.json"));
  EXPECT_NE(said.find("with its data (spiral, 150 points)"), std::string::npos) << said;

  const ModelFile mf = load_model(dir.file("m.json"));
  EXPECT_EQ(mf.config.hidden, c.hidden);
  EXPECT_EQ(mf.config.features, c.features);
  const auto lin = mf.model->linears();
  ASSERT_EQ(lin.size(), snap->weights.size());
  for (size_t i = 0; i < lin.size(); ++i) {
    EXPECT_EQ(lin[i]->weight().to_vector(), snap->weights[i].weight) << "layer " << i;  // the bits shown
    EXPECT_EQ(lin[i]->bias().to_vector(), snap->weights[i].bias) << "layer " << i;
  }
  ASSERT_TRUE(mf.data.has_value());
  EXPECT_EQ(*mf.data, (DataRecord{"spiral", 150, 0.1f, "", 9, 0.6f}));
  // What the CLI makes of the record (generate, split) is the app's training and test points:
  // the exported model scores on them what the app's chart says.
  const Split split = train_test_split(make_dataset(mf.data->dataset, mf.data->points, mf.data->noise, mf.data->seed),
                                       mf.data->train_ratio, mf.data->seed);
  Trainer t(mf.config, split.train, split.test, mf.model);
  EXPECT_EQ(t.train_metrics().loss, snap->train.loss);
  EXPECT_EQ(t.train_metrics().accuracy, snap->train.accuracy);
  EXPECT_EQ(t.test_metrics().loss, snap->test.loss);
  EXPECT_EQ(split.train.size(), 90);

  // One point added: the points are no longer what the settings generate, and nothing claims so.
  m.add_point(0.1f, 0.2f, 1);
  m.pump();
  const std::string edited = m.export_model(dir.file("edited.json"));
  EXPECT_NE(edited.find("records no data"), std::string::npos) << edited;
  EXPECT_FALSE(load_model(dir.file("edited.json")).data.has_value());
  m.undo();  // back to the generated points: recorded again
  m.pump();
  m.export_model(dir.file("again.json"));
  EXPECT_TRUE(load_model(dir.file("again.json")).data.has_value());
  // A regenerated set with a new seed is recorded with that seed.
  m.regenerate();
  m.pump();
  m.export_model(dir.file("regenerated.json"));
  const ModelFile r = load_model(dir.file("regenerated.json"));
  ASSERT_TRUE(r.data.has_value());
  EXPECT_EQ(r.data->seed, m.data_settings().seed);
  EXPECT_NE(r.data->seed, 9u);
  // Custom points: no data; an unwritable path throws and writes nothing.
  AppModel custom(false);
  DataSettings cd;
  cd.dataset = "custom";
  custom.set_data_settings(cd);
  custom.add_point(0.5f, 0.5f, 1);
  custom.add_point(-0.5f, -0.5f, 0);
  custom.pump();
  EXPECT_NE(custom.export_model(dir.file("custom.json")).find("records no data"), std::string::npos);
  EXPECT_FALSE(load_model(dir.file("custom.json")).data.has_value());
  EXPECT_THROW(custom.export_model(dir.file("no/such/folder/m.json")), IoError);
  EXPECT_FALSE(fs::exists(dir.file("no/such/folder")));
}

// A model trained by the engine as `backprop train` trains it, saved with the data it recorded.
struct CliModel {
  TrainConfig config;
  Split split;
  std::shared_ptr<MLP> model;
};
CliModel train_like_the_cli(const std::string& dataset, int64_t points, float noise, uint64_t seed, float ratio, const std::vector<int64_t>& hidden) {
  CliModel m;
  const Dataset all = make_dataset(dataset, points, noise, seed);
  m.split = train_test_split(all, ratio, seed);
  m.config.hidden = hidden;
  m.config.problem = all.problem;
  m.config.num_classes = all.problem == Problem::Regression ? 0 : all.num_classes;
  m.config.loss = default_loss(all.problem);
  m.config.optimizer = OptimizerKind::Adam;
  m.config.lr = 0.03f;
  Trainer t(m.config, m.split.train, m.split.test);
  for (int i = 0; i < 30; ++i) t.step();
  m.model = t.model_ptr();
  return m;
}

TEST(AppModel, OpenedModelsShowTheirWeightsOnTheDataTheyWereTrainedOn) {
  TempDir dir;
  const CliModel cli = train_like_the_cli("blobs3", 240, 0.2f, 4, 0.75f, {6});
  save_model(dir.file("m.json"), *cli.model, cli.config, DataRecord{"blobs3", 240, 0.2f, "", 4, 0.75f});
  AppModel m(false);
  const std::string said = m.open_model(dir.file("m.json"));
  EXPECT_NE(said.find("MLP(2-6-3), on the data it was trained on (blobs3, 240 points)"), std::string::npos) << said;
  m.pump(0);
  // The points: the CLI's training and test points, in its order; the network and the settings.
  const std::vector<StudioPoint> pts = m.points();
  ASSERT_EQ(pts.size(), 240u);
  for (size_t i = 0; i < cli.split.train.points.size(); ++i) {
    EXPECT_EQ(pts[i].x, cli.split.train.points[i].x);
    EXPECT_FALSE(pts[i].test);
  }
  EXPECT_TRUE(pts.back().test);
  EXPECT_EQ(m.config().hidden, cli.config.hidden);
  EXPECT_EQ(m.config().optimizer, OptimizerKind::Adam);
  EXPECT_EQ(m.num_classes(), 3);
  EXPECT_EQ(m.title(), "m.json");
  // The weights, and what the chart says they score: the engine's own evaluation of the file.
  const auto snap = m.snapshot();
  EXPECT_EQ(snap->step, 0);
  const auto lin = cli.model->linears();
  ASSERT_EQ(snap->weights.size(), lin.size());
  for (size_t i = 0; i < lin.size(); ++i) EXPECT_EQ(snap->weights[i].weight, lin[i]->weight().to_vector());
  Trainer check(cli.config, cli.split.train, cli.split.test, cli.model);
  EXPECT_EQ(snap->train.loss, check.train_metrics().loss);
  EXPECT_EQ(snap->test.accuracy, check.test_metrics().accuracy);
  // Exported again, it is the same model on the same data.
  m.export_model(dir.file("again.json"));
  const ModelFile again = load_model(dir.file("again.json"));
  ASSERT_TRUE(again.data.has_value());
  EXPECT_EQ(*again.data, (DataRecord{"blobs3", 240, 0.2f, "", 4, 0.75f}));
  EXPECT_EQ(again.model->linears()[0]->weight().to_vector(), lin[0]->weight().to_vector());
}

TEST(AppModel, AnOpenedModelGoesOnFromTheStepsItWasTrainedFor) {
  TempDir dir;
  const CliModel cli = train_like_the_cli("moons", 100, 0.1f, 3, 0.8f, {5});
  save_model(dir.file("m.json"), *cli.model, cli.config, DataRecord{"moons", 100, 0.1f, "", 3, 0.8f}, TrainedFor{1500, 12.5});
  AppModel m(false);
  const std::string said = m.open_model(dir.file("m.json"));
  EXPECT_NE(said.find("MLP(2-5-1), trained 1500 steps, on the data"), std::string::npos) << said;
  m.pump(0);
  EXPECT_EQ(m.snapshot()->step, 1500) << "not step 0: the weights have had 1500 steps";
  EXPECT_DOUBLE_EQ(m.snapshot()->epoch, 12.5);
  // Five more steps of 80 training points in batches of 10 (8 an epoch), and exported: the file
  // counts them all, and opens again where it was.
  TrainConfig c = m.config();
  c.batch_size = 10;
  m.set_config(c);
  m.run_steps(5);
  EXPECT_EQ(m.snapshot()->step, 1505);
  EXPECT_DOUBLE_EQ(m.snapshot()->epoch, 12.5 + 5.0 / 8);
  m.export_model(dir.file("again.json"));
  const ModelFile again = load_model(dir.file("again.json"));
  ASSERT_TRUE(again.trained.has_value());
  EXPECT_EQ(*again.trained, (TrainedFor{1505, 12.5 + 5.0 / 8}));
  AppModel reopened(false);
  reopened.open_model(dir.file("again.json"));
  reopened.pump(0);
  EXPECT_EQ(reopened.snapshot()->step, 1505);
}

TEST(AppModel, AModelOpenedWhileTheWorkerTrainsStopsTheRunAndShowsItsWeights) {
  TempDir dir;
  const CliModel cli = train_like_the_cli("moons", 100, 0.1f, 3, 0.8f, {5, 5});
  save_model(dir.file("m.json"), *cli.model, cli.config, DataRecord{"moons", 100, 0.1f, "", 3, 0.8f});
  AppModel m(true);
  m.set_data_settings(simple_data());
  m.set_speed(0);
  m.play();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  m.open_model(dir.file("m.json"));
  EXPECT_FALSE(m.playing());
  m.pump();
  const auto snap = m.snapshot();
  EXPECT_EQ(snap->step, 0);
  ASSERT_EQ(snap->weights.size(), 3u);
  EXPECT_EQ(snap->weights[1].weight, cli.model->linears()[1]->weight().to_vector());
  EXPECT_EQ(m.points().size(), 100u);
  m.play();  // and it trains on from there
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  m.pause();
  m.pump();
  EXPECT_GT(m.snapshot()->step, 0);
}

TEST(AppModel, OpenedModelsOnACsvFileOrNoDataAndTheOnesTheAppCannotShow) {
  TempDir dir;
  const CliModel cli = train_like_the_cli("xor", 120, 0.1f, 2, 0.5f, {4});
  // A recorded CSV file: its points, split as `backprop train` splits them.
  write_points_csv(dir.file("x.csv"), make_dataset("xor", 120, 0.1f, 2));
  save_model(dir.file("csv.json"), *cli.model, cli.config, DataRecord{"", 0, 0, dir.file("x.csv"), 2, 0.5f});
  AppModel m(false);
  EXPECT_NE(m.open_model(dir.file("csv.json")).find("on the data it was trained on (x.csv, 120 points)"), std::string::npos);
  EXPECT_EQ(m.data_settings().dataset, "custom");
  auto pts = m.points();
  ASSERT_EQ(pts.size(), 120u);
  EXPECT_EQ(std::count_if(pts.begin(), pts.end(), [](const StudioPoint& p) { return p.test; }), 60);
  for (size_t i = 0; i < 60; ++i) EXPECT_EQ(pts[i].y, cli.split.train.points[i].y);
  // No data recorded: the points shown stay when they pose the model's problem...
  save_model(dir.file("bare.json"), *cli.model, cli.config);
  m.set_data_settings(simple_data());
  EXPECT_NE(m.open_model(dir.file("bare.json")).find("on the points shown"), std::string::npos);
  EXPECT_EQ(m.points().size(), 100u);
  // ...and a k-class model on a two-class set gets no points, of its problem.
  const CliModel k = train_like_the_cli("blobs4", 80, 0.1f, 1, 1.0f, {3});
  save_model(dir.file("k.json"), *k.model, k.config);
  EXPECT_NE(m.open_model(dir.file("k.json")).find("on no points"), std::string::npos);
  EXPECT_TRUE(m.points().empty());
  EXPECT_EQ(m.num_classes(), 4);
  EXPECT_EQ(m.data_settings().dataset, "custom");

  // Refused, naming the file and why, with nothing changed.
  m.set_data_settings(simple_data());
  const std::vector<StudioPoint> before = m.points();
  const TrainConfig config_before = m.config();
  auto refused = [&](const std::string& file) {
    try {
      m.open_model(file);
    } catch (const IoError& e) {
      EXPECT_EQ(m.points(), before);
      EXPECT_EQ(m.config(), config_before);
      return std::string(e.what());
    }
    return std::string("opened");
  };
  const CliModel wide = train_like_the_cli("xor", 50, 0, 1, 1.0f, {64});
  save_model(dir.file("wide.json"), *wide.model, wide.config);
  const std::string wide_said = refused(dir.file("wide.json"));
  EXPECT_NE(wide_said.find("at most 32 neurons, not 64"), std::string::npos) << wide_said;
  TrainConfig eight;
  eight.hidden = {4};
  eight.problem = Problem::MultiClass;
  eight.num_classes = 8;
  eight.loss = default_loss(Problem::MultiClass);
  save_model(dir.file("eight.json"), MLP(eight.mlp_spec()), eight);
  EXPECT_NE(refused(dir.file("eight.json")).find("it has 8 classes; the app shows at most 6"), std::string::npos);
  std::filesystem::remove(dir.file("x.csv"));
  const std::string gone = refused(dir.file("csv.json"));
  EXPECT_NE(gone.find("x.csv"), std::string::npos) << gone;
  EXPECT_NE(gone.find("was trained on"), std::string::npos) << gone;
  EXPECT_NE(refused("/dev/zero").find("a character device, not a regular file"), std::string::npos);
  std::filesystem::copy_file(dir.file("wide.json"), dir.file("huge.json"));
  std::filesystem::resize_file(dir.file("huge.json"), 100u << 20);  // sparse: refused by its size, unread
  EXPECT_NE(refused(dir.file("huge.json")).find("is 100 MB; the app opens model files of at most 16 MB"), std::string::npos);
  ASSERT_EQ(::mkfifo(dir.file("fifo.json").c_str(), 0600), 0);
  EXPECT_NE(refused(dir.file("fifo.json")).find("FIFO"), std::string::npos);  // refused, not waited on
  std::ofstream(dir.file("session.json")) << R"({"format": "backprop-studio-session", "version": 1})";
  EXPECT_NE(refused(dir.file("session.json")).find("this is a Backprop Studio session, not a model file"), std::string::npos);
  // Recorded with more points than the app generates: the app's most, and it says so.
  save_model(dir.file("many.json"), *cli.model, cli.config, DataRecord{"xor", 9000, 0.1f, "", 2, 0.5f});
  EXPECT_NE(m.open_model(dir.file("many.json")).find("5000 of its 9000 points"), std::string::npos);
  EXPECT_EQ(m.points().size(), 5000u);
}

TEST(AppModel, ASessionOfPointsAtAnotherScaleOpensWithThemInView) {
  // Points imported at ±100, saved, opened again: the view once stayed at the custom ±6, with
  // two of 200 points on the canvas.
  TempDir dir;
  Dataset big;
  for (int i = 0; i < 200; ++i) big.points.push_back({-100.0f + static_cast<float>(i), 50.0f - 0.5f * static_cast<float>(i), float(i % 2)});
  write_points_csv(dir.file("big.csv"), big);
  AppModel m(false);
  m.import_csv(dir.file("big.csv"));
  m.save_session(dir.file("s.json"));
  AppModel back(false);
  back.load_session(dir.file("s.json"));
  const Region r = back.data_region();
  EXPECT_LE(r.x_min, -100.0f);
  EXPECT_GE(r.x_max, 99.0f);
  EXPECT_LE(r.y_min, -49.5f);
  EXPECT_GE(r.y_max, 50.0f);
  EXPECT_LT(r.x_max, 130.0f);  // with a margin, not more
  // Hand-placed points keep the custom canvas as it was.
  AppModel hand(false);
  DataSettings d;
  d.dataset = "custom";
  hand.set_data_settings(d);
  hand.add_point(1, 2, 1);
  hand.add_point(-5, 5.5f, 0);
  hand.save_session(dir.file("hand.json"));
  AppModel hand_back(false);
  hand_back.load_session(dir.file("hand.json"));
  EXPECT_EQ(hand_back.data_region().x_min, -6.0f);
  EXPECT_EQ(hand_back.data_region().y_max, 6.0f);
}

TEST(AppModel, WorkerThreadTrainsWhilePlayingAndStops) {
  AppModel m(true);
  m.set_data_settings(simple_data());
  m.play();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  m.pause();
  m.pump();
  const int64_t steps = m.snapshot()->step;
  EXPECT_GT(steps, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  m.pump();
  EXPECT_EQ(m.snapshot()->step, steps);  // paused means paused
  m.step_once();
  m.pump();
  EXPECT_EQ(m.snapshot()->step, steps + 1);
}

}  // namespace
}  // namespace bp::studio

namespace bp::studio {
namespace {

TEST(AppModel, LongRequestedRunsRecordAChartInBothModes) {
  for (bool threaded : {false, true}) {
    AppModel m(threaded);
    m.run_steps(1000);
    const auto s = m.snapshot();
    EXPECT_EQ(s->step, 1000);
    EXPECT_GE(s->history.size(), 50u) << (threaded ? "threaded" : "synchronous");
  }
}

TEST(AppModel, TrainsOnTheChosenDeviceAndTheWorkerSnapshotMatchesTheCpu) {
  // The worker thread trains on the reference device (memory the host cannot read): the
  // snapshot it publishes (metrics, boundary grid, neuron maps, weights) equals the CPU's.
  AppModel cpu(true), ref(true);
  EXPECT_EQ(cpu.device_choice().device, Device::cpu());
  ref.set_device_choice(DeviceChoice{false, Device::reference()});
  EXPECT_EQ(ref.config().device, Device::reference());
  EXPECT_NE(ref.device_note().find("reference"), std::string::npos) << ref.device_note();
  for (AppModel* m : {&cpu, &ref}) {
    m->set_view(Region{-5, 5, -5, 5}, 24);
    m->run_steps(60);
  }
  const auto a = cpu.snapshot(), b = ref.snapshot();
  EXPECT_EQ(a->step, 60);
  EXPECT_EQ(b->step, 60);
  EXPECT_NEAR(b->train.loss, a->train.loss, 1e-4);
  ASSERT_EQ(a->grid.size(), b->grid.size());
  ASSERT_FALSE(a->grid.empty());
  for (size_t i = 0; i < a->grid.size(); ++i) ASSERT_NEAR(b->grid[i], a->grid[i], 1e-3) << "grid cell " << i;
  ASSERT_EQ(a->neuron_maps.size(), b->neuron_maps.size());
  for (size_t l = 0; l < a->weights.size(); ++l)
    for (size_t k = 0; k < a->weights[l].weight.size(); ++k) ASSERT_NEAR(b->weights[l].weight[k], a->weights[l].weight[k], 1e-4);
  // A move keeps the weights and the step; an unavailable device changes nothing.
  ref.set_device_choice(DeviceChoice{false, Device::cpu()});
  ref.pump();
  EXPECT_EQ(ref.snapshot()->step, 60);
  EXPECT_EQ(ref.config().device, Device::cpu());
  if (!cuda_available()) {
    EXPECT_THROW(ref.set_device_choice(DeviceChoice{false, Device::cuda(0)}), DeviceError);
    EXPECT_EQ(ref.config().device, Device::cpu());
  }
  ref.run_steps(5);
  EXPECT_EQ(ref.snapshot()->step, 65);
}

}  // namespace
}  // namespace bp::studio
