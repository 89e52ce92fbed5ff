#include "log_slider.h"

#include <imgui.h>
#include <imgui_internal.h>

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

namespace {

// Typing into the slider after a Ctrl+click: its state in ImGui's storage, per slider.
enum Typing : int { kSliding = 0, kFocus = 1, kWaiting = 2, kGiveUp = 6, kTyping = 7 };

// The typed value, live: `v` follows the field (clamped to [lo, hi], as typed otherwise) until
// the field is left (Enter, Escape, a click elsewhere).
bool typed_value(const char* label, float& v, float lo, float hi, ImGuiStorage& st, ImGuiID state_id) {
  int state = st.GetInt(state_id, kSliding);
  if (state == kFocus) ImGui::SetKeyboardFocusHere();
  float typed = std::clamp(v, lo, hi);
  const bool edited = ImGui::InputFloat(label, &typed, 0, 0, "%g", ImGuiInputTextFlags_AutoSelectAll);
  const bool active = ImGui::IsItemActive();
  if (state == kFocus)
    state = kWaiting;
  else if (active)
    state = kTyping;
  else if (state == kTyping || ++state == kGiveUp)
    state = kSliding;  // left, or focus never came
  st.SetInt(state_id, state);
  if (!edited || !std::isfinite(typed)) return false;
  const float next = std::clamp(typed, lo, hi);
  if (next == v) return false;
  v = next;
  return true;
}

}  // namespace

bool log_slider(const char* label, float& v, float lo, float hi, int digits) {
  ImGuiStorage& st = *ImGui::GetStateStorage();
  ImGui::PushID(label);
  const ImGuiID state_id = ImGui::GetID("typing");
  ImGui::PopID();
  if (st.GetInt(state_id, kSliding) != kSliding) return typed_value(label, v, lo, hi, st, state_id);

  const float shown_v = std::clamp(v, lo, hi);
  float exponent = std::log10(shown_v);
  // The format has no conversion: ImGui draws it as it is and leaves the exponent unrounded. Its
  // own Ctrl+click field would edit the exponent: typing is done here instead.
  char shown[64];
  std::snprintf(shown, sizeof shown, "%.*g", std::max(digits, 1), static_cast<double>(shown_v));
  const bool moved = ImGui::SliderFloat(label, &exponent, std::log10(lo), std::log10(hi), shown,
                                        ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput);
  if (ImGui::IsItemActivated() &&
      ImGui::GetIO().KeyCtrl) {  // a Ctrl+click: type a value, not a jump to the mouse
    st.SetInt(state_id, kFocus);
    ImGui::ClearActiveID();
    return false;
  }
  if (!moved) return false;
  const float next = std::clamp(
      static_cast<float>(round_to_significant(std::pow(10.0, static_cast<double>(exponent)), digits)), lo,
      hi);
  if (next == v) return false;
  v = next;
  return true;
}

}  // namespace bp::studio
