// Input features computed from a point (x1, x2), as in TensorFlow Playground: x1, x2, x1², x2²,
// x1·x2, sin x1, sin x2. A FeatureSet maps [N, 2] points to [N, features] network inputs.
#pragma once
#include <string>
#include <vector>

#include "backprop/tensor.h"

namespace bp {

enum class Feature { X1, X2, X1Squared, X2Squared, X1X2, SinX1, SinX2 };

/// "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"
const char* feature_name(Feature f);
/// Accepts feature_name's output (also "x1x2", "sinx1", "sin_x1", "x1sq"); throws ValueError.
Feature parse_feature(const std::string& name);
const std::vector<Feature>& all_features();

class FeatureSet {
 public:
  explicit FeatureSet(std::vector<Feature> features);
  /// Just x1 and x2.
  static FeatureSet plain();
  /// Parses a comma-separated list such as "x1,x2,x1*x2"; throws ValueError.
  static FeatureSet parse(const std::string& list);

  int size() const { return static_cast<int>(features_.size()); }
  const std::vector<Feature>& list() const { return features_; }
  bool contains(Feature f) const;
  bool is_plain() const;
  /// [N, 2] points to [N, size()] inputs (differentiable).
  Tensor apply(const Tensor& points) const;
  /// The features of one point.
  std::vector<float> of_point(float x1, float x2) const;
  /// "x1,x2,x1*x2"
  std::string str() const;

 private:
  std::vector<Feature> features_;
};

}  // namespace bp
