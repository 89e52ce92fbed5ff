#include "flow.h"

#include <algorithm>

namespace bp::studio {

void same_line_if_fits(float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + spacing + width <= right) ImGui::SameLine();
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float labelled_width(const char* label, float control_w) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return control_w + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

void fill_but_label(const char* label, float min_w) {
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = avail - labelled_width(label, 0);
  ImGui::SetNextItemWidth(std::max(w, min_w));
}

}  // namespace bp::studio
