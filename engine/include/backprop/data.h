// 2D datasets for classification and regression: MiniTorch's six, TensorFlow Playground's sets,
// two moons, k-class blobs and a 3-class spiral, each generated from (n, noise, seed); user
// points; train/test splits; CSV files of points (`x,y,label`).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/tensor.h"

namespace bp {

enum class Problem { Binary, MultiClass, Regression };
const char* problem_name(Problem p);
Problem parse_problem(const std::string& name);

struct Point {
  float x = 0.0f, y = 0.0f;
  float label = 0.0f;  ///< class index 0..k−1, or a real target for regression
};

/// The rectangle of the plane a dataset lives in (for plotting and the boundary grid).
struct Region {
  float x_min = 0.0f, x_max = 1.0f, y_min = 0.0f, y_max = 1.0f;
};

constexpr int kMaxClasses = 16;
/// A label that is one of `num_classes` classes: a whole number in 0..num_classes−1.
inline bool is_class_label(double label, int num_classes) {
  return label >= 0 && label < num_classes && label == static_cast<double>(static_cast<int64_t>(label));
}
constexpr int64_t kMaxPoints = 10'000'000;

struct Dataset {
  std::string name;
  std::vector<Point> points;
  Problem problem = Problem::Binary;
  int num_classes = 2;  ///< 0 for regression
  Region region;

  int64_t size() const { return static_cast<int64_t>(points.size()); }
  /// [N, 2] coordinates, uploaded to `device`.
  Tensor inputs(Device device = {}) const;
  /// [N] labels or targets, uploaded to `device`.
  Tensor targets(Device device = {}) const;
};

struct DatasetInfo {
  std::string name;
  std::string description;
  Problem problem;
  int num_classes;
  float default_noise;
};

/// Every dataset make_dataset knows, in display order.
const std::vector<DatasetInfo>& dataset_catalog();
const DatasetInfo* find_dataset(const std::string& name);
/// Generates a dataset; throws ValueError for an unknown name (listing the known ones), n out of
/// 1..kMaxPoints, or noise outside [0, 1] (and not finite).
Dataset make_dataset(const std::string& name, int64_t n, float noise = 0.0f, uint64_t seed = 0);

/// The benchmark data `spiral-bench(n)` of shared/workloads.md.
Dataset spiral_bench(int64_t n);

/// User points as a dataset; the region is fitted around them.
Dataset points_dataset(std::vector<Point> points, Problem problem, int num_classes);

struct Split {
  Dataset train, test;
};
/// Shuffles with `seed` and puts round(train_ratio·n) points into train, the rest into test.
Split train_test_split(const Dataset& data, float train_ratio, uint64_t seed);

/// Reads a points CSV with header `x,y,label`. Classification labels must be integers in
/// 0..kMaxClasses−1. Throws IoError naming the file and line; nothing half-read is returned.
Dataset read_points_csv(const std::string& path, Problem problem = Problem::Binary);
/// The same from text already read; `source` names it in messages.
Dataset parse_points_csv(std::string text, const std::string& source, Problem problem = Problem::Binary);
/// Points as CSV text (every float written so that it reads back to the same bits).
std::string points_csv_text(const Dataset& data);
/// Writes points as CSV atomically (temporary file, then rename).
void write_points_csv(const std::string& path, const Dataset& data);

/// Whether `path` ends in `extension` (".png"), in any case: the file kind a name asks for.
bool ends_in_extension(const std::string& path, const std::string& extension);
/// The extension of `path`'s name (".jpg") when it has one and it is none of `extensions` (in any
/// case); "" when it has none or one of them. A name that asks for another kind of file than the
/// one written: a PNG saved as "plot.jpg" would not open as a JPEG.
std::string other_extension(const std::string& path, const std::vector<std::string>& extensions);
/// Throws IoError if `path` exists and is not a regular file (or a link to one): a save never
/// replaces a device, FIFO or folder; if it exists and its folder (its target's, through a link)
/// cannot take the new file that replaces it, or its user may not write it (read-only, or another
/// user's in a sticky folder such as /tmp, where only its owner may replace it); or if it does
/// not exist and its folder is missing, not a folder or not writable. write_file_atomic checks it;
/// callers may check before doing the work whose result they will save.
void check_save_target(const std::string& path);
/// Writes `content` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a half-written file. Throws IoError.
void write_file_atomic(const std::string& path, const std::string& content);
/// Reads a whole file, refusing ones larger than max_bytes. Throws IoError.
std::string read_file(const std::string& path, size_t max_bytes = 256u << 20);

}  // namespace bp
