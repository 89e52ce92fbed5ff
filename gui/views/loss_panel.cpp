// Loss: the train and test loss over the steps, with labelled axes, a legend, a log scale and
// the values under the mouse. Under the canvas (or beside it in presenter mode), big enough to
// read from the back of a lecture hall.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "flow.h"
#include "chart_frame.h"
#include "model/chart_axes.h"
#include "model/number_text.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

const ImU32 kTrainInk = 0xFF1A1A1A;  // near black (ABGR)

ImU32 test_ink() { return class_im_color(3); }

}  // namespace

void StudioApp::loss_panel() {
  if (!begin_panel("Loss", ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) return;  // folded
  const auto snap = m_.snapshot();
  legend_entry("train loss", kTrainInk);
  same_line_if_fits(ImGui::GetFontSize() * 1.7f + ImGui::CalcTextSize("test loss").x);
  legend_entry("test loss", test_ink());
  same_line_if_fits(labelled_width("log scale", ImGui::GetFrameHeight()));
  ImGui::Checkbox("log scale", &s_.log_loss);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  loss_chart(*snap, nonempty(ImVec2(avail.x, std::max(avail.y, ImGui::GetFontSize() * 4))));
  ImGui::End();
}

void StudioApp::loss_chart(const Snapshot& snap, ImVec2 size) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("chart", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float em = ImGui::GetFontSize();
  const auto& h = snap.history;
  ChartFrame range;
  range.log = s_.log_loss;
  double lo = INFINITY, hi = -INFINITY;
  for (const HistoryPoint& p : h)
    for (float v : {p.train_loss, p.test_loss})
      if (std::isfinite(v)) lo = std::min(lo, range.axis(v)), hi = std::max(hi, range.axis(v));
  if (h.size() < 2 || !std::isfinite(lo)) {
    draw_empty_chart(dl, p0, size, "the loss appears here while training");
    return;
  }
  if (!s_.log_loss) lo = 0, hi *= 1.05;
  if (hi - lo < 1e-9) hi = lo + (s_.log_loss ? 1 : 1e-3);
  range.lo = lo, range.hi = hi;
  range.s0 = static_cast<double>(h.front().step);
  range.s1 = std::max(static_cast<double>(h.back().step), range.s0 + 1);
  const auto frame = draw_chart_frame(dl, p0, size, range);
  if (!frame) return;
  const ImVec2 a0 = frame->a0, a1 = frame->a1;
  auto px = [&](double step) { return frame->x(step); };
  auto py = [&](double v) { return frame->y(v); };

  dl->PushClipRect(a0, a1, true);
  for (int series = 1; series >= 0; --series) {  // test under train
    std::vector<ImVec2> line;
    for (const HistoryPoint& p : h) {
      const float v = series == 0 ? p.train_loss : p.test_loss;
      if (std::isfinite(v)) line.emplace_back(px(static_cast<double>(p.step)), py(v));
    }
    if (line.size() > 1)
      dl->AddPolyline(line.data(), static_cast<int>(line.size()), series == 0 ? kTrainInk : test_ink(), 0, std::max(2.0f, em * 0.14f));
  }
  dl->PopClipRect();

  // Hover: a cursor line at the nearest recorded step, and the values there.
  if (hovered) {
    const double step = frame->step_at(ImGui::GetIO().MousePos.x);
    const int i = nearest_history_point(h, step);
    if (i >= 0) {
      const HistoryPoint& p = h[static_cast<size_t>(i)];
      const float x = px(static_cast<double>(p.step));
      dl->AddLine(ImVec2(x, a0.y), ImVec2(x, a1.y), im_color(0.3f, 0.3f, 0.3f, 0.7f), 1.5f);
      ImGui::SetTooltip("step %lld (epoch %.1f)\ntrain loss %s, accuracy %s\ntest loss %s, accuracy %s", static_cast<long long>(p.step),
                        p.epoch, loss_text(p.train_loss).c_str(), accuracy_text(p.train_accuracy).c_str(),
                        loss_text(p.test_loss).c_str(), accuracy_text(p.test_accuracy).c_str());
    }
  }
}

}  // namespace bp::studio
