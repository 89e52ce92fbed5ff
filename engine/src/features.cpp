#include "backprop/features.h"

#include <algorithm>
#include <cmath>

#include "backprop/errors.h"
#include "backprop/ops.h"
#include "enum_names.h"

namespace bp {
namespace {
constexpr EnumName<Feature> kNames[] = {
    {Feature::X1, "x1"},       {Feature::X2, "x2"},           {Feature::X1Squared, "x1^2"},  {Feature::X2Squared, "x2^2"},
    {Feature::X1X2, "x1*x2"},  {Feature::SinX1, "sin(x1)"},   {Feature::SinX2, "sin(x2)"},
};
}  // namespace

const char* feature_name(Feature f) { return enum_name(kNames, f); }

Feature parse_feature(const std::string& name) {
  return parse_enum(kNames, name, "input feature",
                    {{Feature::X1, "x"},
                     {Feature::X2, "y"},
                     {Feature::X1Squared, "x1sq"},
                     {Feature::X1Squared, "x1²"},
                     {Feature::X2Squared, "x2sq"},
                     {Feature::X2Squared, "x2²"},
                     {Feature::X1X2, "x1x2"},
                     {Feature::X1X2, "x1·x2"},
                     {Feature::SinX1, "sinx1"},
                     {Feature::SinX1, "sin_x1"},
                     {Feature::SinX2, "sinx2"},
                     {Feature::SinX2, "sin_x2"}});
}

const std::vector<Feature>& all_features() {
  static const std::vector<Feature> all = {Feature::X1,   Feature::X2,    Feature::X1Squared,
                                           Feature::X2Squared, Feature::X1X2, Feature::SinX1,
                                           Feature::SinX2};
  return all;
}

FeatureSet::FeatureSet(std::vector<Feature> features) : features_(std::move(features)) {
  if (features_.empty()) throw ValueError("input features: at least one feature is needed");
  for (size_t i = 0; i < features_.size(); ++i)
    for (size_t j = i + 1; j < features_.size(); ++j)
      if (features_[i] == features_[j])
        throw ValueError(std::string("input features: '") + feature_name(features_[i]) + "' is listed twice");
}

FeatureSet FeatureSet::plain() { return FeatureSet({Feature::X1, Feature::X2}); }

FeatureSet FeatureSet::parse(const std::string& list) {
  std::vector<Feature> out;
  size_t start = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',') {
      std::string item = list.substr(start, i - start);
      item.erase(std::remove_if(item.begin(), item.end(), [](unsigned char c) { return std::isspace(c); }), item.end());
      if (!item.empty()) out.push_back(parse_feature(item));
      start = i + 1;
    }
  }
  return FeatureSet(out);
}

bool FeatureSet::contains(Feature f) const {
  return std::find(features_.begin(), features_.end(), f) != features_.end();
}

bool FeatureSet::is_plain() const {
  return features_.size() == 2 && features_[0] == Feature::X1 && features_[1] == Feature::X2;
}

Tensor FeatureSet::apply(const Tensor& points) const {
  if (points.dim() != 2 || points.shape()[1] != 2)
    throw ShapeError("features: points must be [N, 2], got " + points.shape().str());
  if (is_plain()) return points;
  const Tensor x1 = points.slice(1, 0, 1), x2 = points.slice(1, 1, 2);
  std::vector<Tensor> cols;
  for (Feature f : features_) {
    switch (f) {
      case Feature::X1: cols.push_back(x1); break;
      case Feature::X2: cols.push_back(x2); break;
      case Feature::X1Squared: cols.push_back(mul(x1, x1)); break;
      case Feature::X2Squared: cols.push_back(mul(x2, x2)); break;
      case Feature::X1X2: cols.push_back(mul(x1, x2)); break;
      case Feature::SinX1: cols.push_back(sin(x1)); break;
      case Feature::SinX2: cols.push_back(sin(x2)); break;
    }
  }
  return cat(cols, 1);
}

std::vector<float> FeatureSet::of_point(float x1, float x2) const {
  std::vector<float> v;
  for (Feature f : features_) {
    switch (f) {
      case Feature::X1: v.push_back(x1); break;
      case Feature::X2: v.push_back(x2); break;
      case Feature::X1Squared: v.push_back(x1 * x1); break;
      case Feature::X2Squared: v.push_back(x2 * x2); break;
      case Feature::X1X2: v.push_back(x1 * x2); break;
      case Feature::SinX1: v.push_back(std::sin(x1)); break;
      case Feature::SinX2: v.push_back(std::sin(x2)); break;
    }
  }
  return v;
}

std::string FeatureSet::str() const {
  std::string s;
  for (Feature f : features_) {
    if (!s.empty()) s += ',';
    s += feature_name(f);
  }
  return s;
}

}  // namespace bp
