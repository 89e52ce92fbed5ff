// Gradient flow: how much gradient reaches each layer, step by step. A log-scale chart of each
// Linear layer's gradient norm over the run (a deep sigmoid network's first layer falls orders
// of magnitude below its last; a learning rate that is too high sends them all up), the latest
// norms and dead ReLUs per layer in the legend, a sentence when the norms vanish or explode,
// and the switch that colours the network diagram's links by |∂L/∂w|.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chart_frame.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {

ImU32 layer_im_color(size_t layer) {
  // Qualitative colours, told apart on a projector (ABGR): blue, orange, green, red, purple,
  // brown, pink, olive, cyan.
  static constexpr ImU32 kInks[] = {0xFFB4771F, 0xFF0E7FFF, 0xFF2CA02C, 0xFF2827D6, 0xFFBD6794,
                                    0xFF4B568C, 0xFFC277E3, 0xFF22BDBC, 0xFFCFBE17};
  return kInks[layer % std::size(kInks)];
}

void StudioApp::gradient_flow_panel() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  const ImVec2 size(std::min(display.x * 0.6f, em * 34), std::min(display.y * 0.62f, em * 26));
  place_view_window("Gradient flow", ImVec2(canvas_pos_.x + em * 0.5f, canvas_pos_.y + canvas_size_.y - size.y - em * 0.5f), size, true);
  if (!begin_view("Gradient flow", &show_gradient_flow_)) return;
  const auto snap = m_.snapshot();
  ImGui::Checkbox("links show |∂L/∂w|", &s_.link_gradients);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the network diagram's links: thick and dark where the last step's gradient is large");
  const auto& hist = snap->gradient_history;
  const size_t layers = snap->weights.size();
  // The legend: each layer's colour, its latest norm, and its dead ReLUs.
  const std::vector<float> latest = hist.empty() ? std::vector<float>() : hist.back().norms;
  for (size_t l = 0; l < layers; ++l) {
    char label[96];
    int n = std::snprintf(label, sizeof label, "%s", l + 1 == layers ? "output" : ("layer " + std::to_string(l + 1)).c_str());
    if (l < latest.size()) n += std::snprintf(label + n, sizeof label - static_cast<size_t>(n), ": %.2g", static_cast<double>(latest[l]));
    for (const auto& d : snap->dead_relu)
      if (static_cast<size_t>(d.layer) == l)
        std::snprintf(label + n, sizeof label - static_cast<size_t>(n), ", %d of %d dead", d.dead, d.total);
    if (l > 0) same_line_if_fits(em * 1.7f + ImGui::CalcTextSize(label).x);
    legend_entry(label, layer_im_color(l));
  }
  std::vector<int> dead(layers > 0 ? layers - 1 : 0, 0), widths(dead.size(), 0);
  for (const auto& d : snap->dead_relu)
    if (static_cast<size_t>(d.layer) < dead.size()) dead[static_cast<size_t>(d.layer)] = d.dead, widths[static_cast<size_t>(d.layer)] = d.total;
  const bool zeros_init = m_.config().init == Init::Zeros;
  const DeadReLURemedy remedy = dead_relu_remedy(snap->dead_relu, zeros_init, snap->start, snap->loss_jumped);
  if (const std::string verdict = gradient_flow_verdict(latest, m_.config().activations, dead, widths, snap->weights, zeros_init, remedy);
      !verdict.empty())
    text_verdict("%s", verdict.c_str());

  // The chart: ‖∂L/∂W‖ per layer on a log axis.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 chart = nonempty(ImVec2(avail.x, std::max(avail.y, em * 5)));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("gradient chart", chart);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ChartFrame range;
  range.log = true;
  range.floor = 1e-12;
  double lo = INFINITY, hi = -INFINITY;
  for (const GradientNormPoint& g : hist)
    for (float v : g.norms)
      if (std::isfinite(v) && v > 0) lo = std::min(lo, range.axis(v)), hi = std::max(hi, range.axis(v));
  if (hist.empty() || !std::isfinite(lo)) {
    draw_empty_chart(dl, p0, chart, "each layer's gradient norm appears here while training");
    ImGui::End();
    return;
  }
  range.lo = std::floor(lo), range.hi = std::max(std::ceil(hi), range.lo + 1);
  range.s0 = hist.size() > 1 ? static_cast<double>(hist.front().step) : 0.0;  // one point: from step 0
  range.s1 = std::max(static_cast<double>(hist.back().step), range.s0 + 1);
  const auto frame = draw_chart_frame(dl, p0, chart, range);
  if (frame) {
    dl->PushClipRect(frame->a0, frame->a1, true);
    std::vector<ImVec2> line;
    for (size_t l = 0; l < layers; ++l) {
      line.clear();
      for (const GradientNormPoint& g : hist)
        if (l < g.norms.size() && std::isfinite(g.norms[l])) line.emplace_back(frame->x(static_cast<double>(g.step)), frame->y(g.norms[l]));
      if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), layer_im_color(l), 0, std::max(2.0f, em * 0.14f));
      if (!line.empty()) dl->AddCircleFilled(line.back(), std::max(3.0f, em * 0.25f), layer_im_color(l));  // the latest value
    }
    dl->PopClipRect();
    if (hovered) {  // the norms at the recorded step nearest the mouse
      const double step = frame->step_at(ImGui::GetIO().MousePos.x);
      const auto it = std::min_element(hist.begin(), hist.end(), [&](const GradientNormPoint& a, const GradientNormPoint& b) {
        return std::abs(static_cast<double>(a.step) - step) < std::abs(static_cast<double>(b.step) - step);
      });
      const float x = frame->x(static_cast<double>(it->step));
      dl->AddLine(ImVec2(x, frame->a0.y), ImVec2(x, frame->a1.y), im_color(0.3f, 0.3f, 0.3f, 0.7f), 1.5f);
      std::string tip = "step " + std::to_string(it->step) + ": gradient norm";
      for (size_t l = 0; l < it->norms.size(); ++l) {
        char b[64];
        std::snprintf(b, sizeof b, "\n%s  %.3g", l + 1 == it->norms.size() ? "output" : ("layer " + std::to_string(l + 1)).c_str(),
                      static_cast<double>(it->norms[l]));
        tip += b;
      }
      ImGui::SetTooltip("%s", tip.c_str());
    }
  }
  ImGui::End();
}

}  // namespace bp::studio
