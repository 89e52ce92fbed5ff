#include "chart_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace bp::studio {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || target < 1) return t;
  const double raw = (hi - lo) / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag * 10;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (mag * m >= raw) {
      step = mag * m;
      break;
    }
  const double first = std::ceil(lo / step - 1e-9);
  for (int k = 0; k <= target * 3; ++k) {
    const double v = (first + k) * step;
    if (v > hi + step * 1e-9) break;
    t.push_back(std::fabs(v) < step * 1e-6 ? 0.0 : v);
  }
  return t;
}

std::vector<double> log_ticks(double lo, double hi, int target) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  for (double e = std::ceil(lo - 1e-9); e <= hi + 1e-9; ++e) t.push_back(e);
  if (t.size() >= 2) {
    const size_t every = (t.size() + static_cast<size_t>(target) - 1) / static_cast<size_t>(std::max(1, target));
    std::vector<double> thinned;
    for (size_t i = 0; i < t.size(); i += std::max<size_t>(1, every)) thinned.push_back(t[i]);
    return thinned;
  }
  t.clear();
  for (double v : nice_ticks(std::pow(10.0, lo), std::pow(10.0, hi), target))
    if (v > 0) t.push_back(std::log10(v));
  return t;
}

std::string tick_label(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  char buf[32];
  const double a = std::fabs(v);
  // Beyond 999M, %g of millions would turn exponential under the M ("4e+28M" for 4e34).
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.3g", v);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 12), v);
  if (buf[0] == '-' && std::strspn(buf + 1, "0.") == std::strlen(buf + 1)) return buf + 1;  // "-0.00"
  return buf;
}

int nearest_history_point(const std::vector<HistoryPoint>& h, double step) {
  if (h.empty()) return -1;
  const auto it = std::lower_bound(h.begin(), h.end(), step, [](const HistoryPoint& p, double s) { return static_cast<double>(p.step) < s; });
  if (it == h.end()) return static_cast<int>(h.size()) - 1;
  if (it == h.begin()) return 0;
  const auto prev = it - 1;
  return static_cast<int>((step - static_cast<double>(prev->step) <= static_cast<double>(it->step) - step ? prev : it) - h.begin());
}

}  // namespace bp::studio
