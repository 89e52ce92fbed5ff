#include "log_slider.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bp::studio {

double round_to_significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  char b[64];
  std::snprintf(b, sizeof b, "%.*g", std::max(digits, 1), v);
  return std::strtod(b, nullptr);
}

bool log_slider(const char* label, float& v, float lo, float hi, int digits) {
  const float shown_v = std::clamp(v, lo, hi);
  float exponent = std::log10(shown_v);
  // The format has no conversion: ImGui draws it as it is and leaves the exponent unrounded.
  char shown[64];
  std::snprintf(shown, sizeof shown, "%.*g", std::max(digits, 1), static_cast<double>(shown_v));
  if (!ImGui::SliderFloat(label, &exponent, std::log10(lo), std::log10(hi), shown,
                          ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput))
    return false;
  const float next = std::clamp(
      static_cast<float>(round_to_significant(std::pow(10.0, static_cast<double>(exponent)), digits)), lo,
      hi);
  if (next == v) return false;
  v = next;
  return true;
}

}  // namespace bp::studio
