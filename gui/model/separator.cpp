#include "model/separator.h"

#include <cmath>

namespace bp::studio {

bool is_linear_classifier(const TrainConfig& c) {
  return c.problem == Problem::Binary && c.hidden.empty() && c.features.size() == 2 && c.features[0] == Feature::X1 &&
         c.features[1] == Feature::X2;
}

TrainConfig linear_classifier(TrainConfig c) {
  c.hidden.clear();
  c.features = {Feature::X1, Feature::X2};
  if (c.problem == Problem::Binary) c.loss = LossKind::BCE;
  return c;
}

SeparatorHandles separator_handles(const Separator& s, std::array<double, 2> c, double scale) {
  SeparatorHandles h;
  const double n2 = s.w1 * s.w1 + s.w2 * s.w2;
  if (!(n2 > 0) || !std::isfinite(n2)) return h;
  const double t = (s.w1 * c[0] + s.w2 * c[1] + s.b) / n2;
  h.anchor = {c[0] - t * s.w1, c[1] - t * s.w2};
  h.tip = {h.anchor[0] + scale * s.w1, h.anchor[1] + scale * s.w2};
  h.valid = true;
  return h;
}

Separator shift_to(const Separator& s, std::array<double, 2> p) { return {s.w1, s.w2, -(s.w1 * p[0] + s.w2 * p[1])}; }

Separator rotate_to(std::array<double, 2> anchor, std::array<double, 2> tip, double scale) {
  Separator s{(tip[0] - anchor[0]) / scale, (tip[1] - anchor[1]) / scale, 0};
  s.b = -(s.w1 * anchor[0] + s.w2 * anchor[1]);
  return s;
}

}  // namespace bp::studio
