#include "number_text.h"

#include <cmath>
#include <cstdio>

namespace bp::studio {

std::string loss_text(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  if (v == 0) return "0";
  char b[32];
  const double a = std::abs(v);
  // 9.99995e-4 and up prints as 0.0010 with four decimals: the switch is where that rounding
  // stays honest, and 9999.99995 and up would print as 10000.0000.
  std::snprintf(b, sizeof b, a >= 9.99995e-4 && a < 9999.99995 ? "%.4f" : "%.2e", v);
  return b;
}

std::string accuracy_text(double fraction) {
  if (std::isnan(fraction)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100.0 * fraction);
  return b;
}

}  // namespace bp::studio
