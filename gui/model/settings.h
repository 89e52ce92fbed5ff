// What the app edits besides the training settings: its points and data settings, and the
// limits of what it shows and builds. Sessions, the views and the model all check against these
// limits, so that whatever one part accepts the others can show, train and save.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "backprop/data.h"

namespace bp::studio {

constexpr int kAppMaxClasses = 6;                ///< class colours and buttons
constexpr int64_t kAppMaxGeneratedPoints = 5000;  ///< a generated dataset
constexpr int64_t kAppMaxCosineSteps = 10'000'000;  ///< the cosine schedule's span in the app
constexpr size_t kAppMaxPoints = 100'000;         ///< points in a session or an imported CSV
constexpr size_t kAppMaxModelFileBytes = 16u << 20;  ///< a model file the app opens (its networks take under 1 MB)
constexpr float kAppMaxCoordinate = 1e6f;         ///< |x|, |y| and |regression target|
constexpr size_t kAppMaxHiddenLayers = 8;         ///< what the Network panel builds
constexpr int64_t kAppMaxHiddenWidth = 32;
constexpr double kAppMaxSpeed = 1e6;              ///< steps per second (0: full speed)

/// Named training speeds. "normal" is the default: the default network learns Playground's circle
/// in about 1,500 steps, five seconds at 300 steps/s, slow enough for a class to watch the
/// boundary form; "full" trains as fast as the worker can.
struct SpeedPreset {
  const char* name;
  double steps_per_second;  ///< 0: full speed
};
inline constexpr SpeedPreset kSpeedPresets[] = {{"slow", 30}, {"normal", 300}, {"fast", 3000}, {"full", 0}};
constexpr double kDefaultSpeed = 300;
constexpr size_t kAppMaxHistory = 4000;           ///< loss-chart points kept (thinned beyond)
constexpr size_t kAppMaxTitle = 300;              ///< characters of a preset's title

struct StudioPoint {
  float x = 0, y = 0;
  float label = 0;
  bool test = false;  ///< held out: drawn outlined, not trained on
  friend bool operator==(const StudioPoint&, const StudioPoint&) = default;
};

/// How many points there are: trained on, and held out for testing.
struct PointCounts {
  int64_t train = 0, test = 0;
  int64_t total() const { return train + test; }
};

struct DataSettings {
  std::string dataset = "pg-circle";  ///< a catalog name, or "custom" for hand-placed points only
  int64_t points = 300;
  float noise = 0.0f;
  uint64_t seed = 1;
  float train_ratio = 0.5f;
  Problem problem = Problem::Binary;  ///< for custom points; generated sets bring their own
  int num_classes = 2;                ///< for custom points
  friend bool operator==(const DataSettings&, const DataSettings&) = default;
};

}  // namespace bp::studio
