// Full-batch SGD from a model file on a CSV file reproduces a double-precision reference
// trajectory (derivatives worked out by hand below) to float32 accuracy over 100 steps.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "backprop/backprop.h"

namespace bp {
namespace {

struct Reference {  // 2-H-1 network: z = w2 · tanh(W1 x + b1) + b2, loss = mean BCE(z, y)
  int h;
  std::vector<double> w1, b1, w2;
  double b2;

  double step(const std::vector<Point>& pts, double lr) {
    const double n = static_cast<double>(pts.size());
    std::vector<double> gw1(w1.size(), 0), gb1(b1.size(), 0), gw2(w2.size(), 0);
    double gb2 = 0, loss = 0;
    std::vector<double> a(static_cast<size_t>(h));
    for (const Point& p : pts) {
      double z = b2;
      for (int j = 0; j < h; ++j) {
        a[j] = std::tanh(w1[j * 2] * p.x + w1[j * 2 + 1] * p.y + b1[j]);
        z += w2[j] * a[j];
      }
      loss += std::max(z, 0.0) - z * p.label + std::log1p(std::exp(-std::fabs(z)));
      const double dz = (1.0 / (1.0 + std::exp(-z)) - p.label) / n;  // dL/dz
      gb2 += dz;
      for (int j = 0; j < h; ++j) {
        gw2[j] += dz * a[j];
        const double du = dz * w2[j] * (1 - a[j] * a[j]);  // through tanh
        gw1[j * 2] += du * p.x;
        gw1[j * 2 + 1] += du * p.y;
        gb1[j] += du;
      }
    }
    for (size_t i = 0; i < w1.size(); ++i) w1[i] -= lr * gw1[i];
    for (size_t i = 0; i < b1.size(); ++i) b1[i] -= lr * gb1[i];
    for (size_t i = 0; i < w2.size(); ++i) w2[i] -= lr * gw2[i];
    b2 -= lr * gb2;
    return loss / n;
  }
};

TEST(Trajectory, FullBatchSgdMatchesDoublePrecisionReference) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("bp_traj_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The inputs: a CSV of points and a model file, as a user would give them.
  const Dataset data = make_dataset("xor", 40, 0.0f, 5);
  write_points_csv((dir / "pts.csv").string(), data);
  TrainConfig c;
  c.hidden = {4};
  c.activations = {Activation::Tanh};
  c.optimizer = OptimizerKind::SGD;
  c.lr = 0.5f;
  c.seed = 3;
  MLP init(c.mlp_spec());
  save_model((dir / "model.json").string(), init, c);

  ModelFile mf = load_model((dir / "model.json").string());
  const Dataset pts = read_points_csv((dir / "pts.csv").string());
  Trainer trainer(mf.config, pts, Dataset{}, mf.model);

  Reference ref{4, {}, {}, {}, 0};
  const auto lin = mf.model->linears();
  for (float v : lin[0]->weight().to_vector()) ref.w1.push_back(v);
  for (float v : lin[0]->bias().to_vector()) ref.b1.push_back(v);
  for (float v : lin[1]->weight().to_vector()) ref.w2.push_back(v);
  ref.b2 = lin[1]->bias().to_vector()[0];

  double worst = 0, first = 0;
  for (int s = 0; s < 100; ++s) {
    const double want = ref.step(pts.points, 0.5);
    const double got = trainer.step();
    if (s == 0) first = got;
    worst = std::max(worst, std::fabs(got - want) / std::fabs(want));
    ASSERT_NEAR(got, want, 2e-5 * std::fabs(want)) << "step " << s;
  }
  EXPECT_LT(trainer.last_loss(), first - 0.01);  // it learned something
  std::printf("worst relative loss difference over 100 steps: %.2e\n", worst);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bp
