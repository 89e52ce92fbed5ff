#include "value_scale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bp::studio {

float value_scale(float largest) {
  if (!(largest > 1.0f) || !std::isfinite(largest)) return 1.0f;
  const double decade = std::pow(10.0, std::floor(std::log10(static_cast<double>(largest))));
  for (double step : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (step * decade >= static_cast<double>(largest) * (1 - 1e-6)) return static_cast<float>(step * decade);
  return static_cast<float>(10 * decade);
}

std::string value_label(float v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", static_cast<double>(v));
  return b;
}

}  // namespace bp::studio
