// Loss: the train and test loss over the steps, with labelled axes, a legend, a log scale and
// the values under the mouse. Under the canvas (or beside it in presenter mode), big enough to
// read from the back of a lecture hall.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "flow.h"
#include "model/chart_axes.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

const ImU32 kTrainInk = 0xFF1A1A1A;  // near black (ABGR)

ImU32 test_ink() { return class_im_color(3); }

// A legend entry: a short thick line in the series' colour, then its name.
void legend_entry(const char* name, ImU32 color) {
  const float em = ImGui::GetFontSize();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(em * 1.4f, ImGui::GetFrameHeight()));
  const float y = p.y + ImGui::GetFrameHeight() * 0.5f;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, y), ImVec2(p.x + em * 1.4f, y), color, std::max(2.0f, em * 0.18f));
  ImGui::SameLine(0, em * 0.3f);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(name);
}

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
  loss_chart(*snap, ImVec2(avail.x, std::max(avail.y, ImGui::GetFontSize() * 4)));
  ImGui::End();
}

void StudioApp::loss_chart(const Snapshot& snap, ImVec2 size) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("chart", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  const float em = ImGui::GetFontSize();
  const ImU32 ink = im_color(0.25f, 0.25f, 0.25f), grid = im_color(0.85f, 0.85f, 0.85f);
  const auto& h = snap.history;
  auto tf = [&](double v) { return s_.log_loss ? std::log10(std::max(v, 1e-8)) : v; };
  double lo = INFINITY, hi = -INFINITY;
  for (const HistoryPoint& p : h)
    for (float v : {p.train_loss, p.test_loss})
      if (std::isfinite(v)) lo = std::min(lo, tf(v)), hi = std::max(hi, tf(v));
  if (h.size() < 2 || !std::isfinite(lo)) {
    dl->AddRect(p0, p1, im_color(0.6f, 0.6f, 0.6f));
    const char* hint = "the loss appears here while training";
    const ImVec2 ts = ImGui::CalcTextSize(hint);
    if (ts.x < size.x - em) dl->AddText(ImVec2(p0.x + (size.x - ts.x) / 2, p0.y + (size.y - ts.y) / 2), im_color(0.45f, 0.45f, 0.45f), hint);
    return;
  }
  if (!s_.log_loss) lo = 0, hi *= 1.05;
  if (hi - lo < 1e-9) hi = lo + (s_.log_loss ? 1 : 1e-3);
  const double s0 = static_cast<double>(h.front().step), s1 = std::max(static_cast<double>(h.back().step), s0 + 1);

  // Axes: y ticks left of the plot, step ticks below it, light grid lines across it.
  const float plot_h_guess = size.y - em * 2;
  const std::vector<double> yt = s_.log_loss ? log_ticks(lo, hi, std::max(2, static_cast<int>(plot_h_guess / (em * 2.2f))))
                                             : nice_ticks(lo, hi, std::max(2, static_cast<int>(plot_h_guess / (em * 2.2f))));
  std::vector<std::string> ylabels;
  float label_w = ImGui::CalcTextSize("0").x;
  for (double t : yt) {
    ylabels.push_back(tick_label(s_.log_loss ? std::pow(10.0, t) : t));
    label_w = std::max(label_w, ImGui::CalcTextSize(ylabels.back().c_str()).x);
  }
  // The left margin also holds the x axis's name, "step", left of the first step label.
  label_w = std::max(label_w, ImGui::CalcTextSize("step").x + em * 0.5f);
  const ImVec2 a0(p0.x + label_w + em * 0.6f, p0.y + em * 0.6f), a1(p1.x - em * 0.8f, p1.y - em * 1.5f);
  if (a1.x - a0.x < em * 3 || a1.y - a0.y < em) return;
  auto px = [&](double step) { return a0.x + static_cast<float>((step - s0) / (s1 - s0)) * (a1.x - a0.x); };
  auto py = [&](double v) { return a1.y - static_cast<float>((tf(v) - lo) / (hi - lo)) * (a1.y - a0.y); };
  for (size_t i = 0; i < yt.size(); ++i) {
    const float y = a1.y - static_cast<float>((yt[i] - lo) / (hi - lo)) * (a1.y - a0.y);
    dl->AddLine(ImVec2(a0.x, y), ImVec2(a1.x, y), grid);
    const ImVec2 ts = ImGui::CalcTextSize(ylabels[i].c_str());
    dl->AddText(ImVec2(a0.x - ts.x - em * 0.3f, y - ts.y * 0.5f), ink, ylabels[i].c_str());
  }
  const std::vector<double> xt = nice_ticks(s0, s1, std::max(2, static_cast<int>((a1.x - a0.x) / (em * 5))));
  for (double t : xt) {
    const float x = px(t);
    dl->AddLine(ImVec2(x, a0.y), ImVec2(x, a1.y), grid);
    const std::string l = tick_label(t);
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    dl->AddText(ImVec2(std::min(x - w / 2, p1.x - w), a1.y + em * 0.2f), ink, l.c_str());
  }
  dl->AddText(ImVec2(p0.x + 2, a1.y + em * 0.2f), im_color(0.45f, 0.45f, 0.45f), "step");
  dl->AddRect(a0, a1, im_color(0.55f, 0.55f, 0.55f));

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
    const double step = s0 + (ImGui::GetIO().MousePos.x - a0.x) / (a1.x - a0.x) * (s1 - s0);
    const int i = nearest_history_point(h, step);
    if (i >= 0) {
      const HistoryPoint& p = h[static_cast<size_t>(i)];
      const float x = px(static_cast<double>(p.step));
      dl->AddLine(ImVec2(x, a0.y), ImVec2(x, a1.y), im_color(0.3f, 0.3f, 0.3f, 0.7f), 1.5f);
      auto value = [](float v, const char* f, float scale) {
        char b[32];
        if (std::isfinite(v)) std::snprintf(b, sizeof b, f, static_cast<double>(v * scale));
        else std::snprintf(b, sizeof b, "%s", std::isnan(v) ? "-" : "infinite");
        return std::string(b);
      };
      ImGui::SetTooltip("step %lld (epoch %.1f)\ntrain loss %s, accuracy %s\ntest loss %s, accuracy %s", static_cast<long long>(p.step),
                        p.epoch, value(p.train_loss, "%.4f", 1).c_str(), value(p.train_accuracy, "%.1f %%", 100).c_str(),
                        value(p.test_loss, "%.4f", 1).c_str(), value(p.test_accuracy, "%.1f %%", 100).c_str());
    }
  }
}

}  // namespace bp::studio
