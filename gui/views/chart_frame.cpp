#include "chart_frame.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "model/chart_axes.h"
#include "studio_app.h"

namespace bp::studio {

double ChartFrame::axis(double v) const { return log ? std::log10(std::max(v, floor)) : v; }

float ChartFrame::x(double step) const { return a0.x + static_cast<float>((step - s0) / (s1 - s0)) * (a1.x - a0.x); }

float ChartFrame::y(double v) const { return a1.y - static_cast<float>((axis(v) - lo) / (hi - lo)) * (a1.y - a0.y); }

double ChartFrame::step_at(float px) const { return s0 + (px - a0.x) / (a1.x - a0.x) * (s1 - s0); }

std::optional<ChartFrame> draw_chart_frame(ImDrawList* dl, ImVec2 p0, ImVec2 size, ChartFrame f) {
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  const float em = ImGui::GetFontSize();
  const ImU32 ink = im_color(0.25f, 0.25f, 0.25f), grid = im_color(0.85f, 0.85f, 0.85f);
  const float plot_h_guess = size.y - em * 2;
  const int target = std::max(2, static_cast<int>(plot_h_guess / (em * 2.2f)));
  const std::vector<double> yt = f.log ? log_ticks(f.lo, f.hi, target) : nice_ticks(f.lo, f.hi, target);
  std::vector<std::string> ylabels;
  float label_w = ImGui::CalcTextSize("0").x;
  for (double t : yt) {
    ylabels.push_back(tick_label(f.log ? std::pow(10.0, t) : t));
    label_w = std::max(label_w, ImGui::CalcTextSize(ylabels.back().c_str()).x);
  }
  // The left margin also holds the x axis's name, "step", left of the first step label.
  label_w = std::max(label_w, ImGui::CalcTextSize("step").x + em * 0.5f);
  f.a0 = ImVec2(p0.x + label_w + em * 0.6f, p0.y + em * 0.6f);
  f.a1 = ImVec2(p1.x - em * 0.8f, p1.y - em * 1.5f);
  if (f.a1.x - f.a0.x < em * 3 || f.a1.y - f.a0.y < em) return std::nullopt;
  for (size_t i = 0; i < yt.size(); ++i) {
    const float y = f.a1.y - static_cast<float>((yt[i] - f.lo) / (f.hi - f.lo)) * (f.a1.y - f.a0.y);
    dl->AddLine(ImVec2(f.a0.x, y), ImVec2(f.a1.x, y), grid);
    const ImVec2 ts = ImGui::CalcTextSize(ylabels[i].c_str());
    dl->AddText(ImVec2(f.a0.x - ts.x - em * 0.3f, y - ts.y * 0.5f), ink, ylabels[i].c_str());
  }
  const std::vector<double> xt = nice_ticks(f.s0, f.s1, std::max(2, static_cast<int>((f.a1.x - f.a0.x) / (em * 5))));
  for (double t : xt) {
    const float x = f.x(t);
    dl->AddLine(ImVec2(x, f.a0.y), ImVec2(x, f.a1.y), grid);
    const std::string l = tick_label(t);
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    dl->AddText(ImVec2(std::min(x - w / 2, p1.x - w), f.a1.y + em * 0.2f), ink, l.c_str());
  }
  dl->AddText(ImVec2(p0.x + 2, f.a1.y + em * 0.2f), im_color(0.45f, 0.45f, 0.45f), "step");
  dl->AddRect(f.a0, f.a1, im_color(0.55f, 0.55f, 0.55f));
  return f;
}

void draw_empty_chart(ImDrawList* dl, ImVec2 p0, ImVec2 size, const char* hint) {
  dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), im_color(0.6f, 0.6f, 0.6f));
  const ImVec2 ts = ImGui::CalcTextSize(hint);
  if (ts.x < size.x - ImGui::GetFontSize())
    dl->AddText(ImVec2(p0.x + (size.x - ts.x) / 2, p0.y + (size.y - ts.y) / 2), im_color(0.45f, 0.45f, 0.45f), hint);
}

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

}  // namespace bp::studio
