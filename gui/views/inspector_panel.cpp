// The graph inspector: the traced example's graph at scalar, neuron or tensor level, laid out
// left to right, with pan, zoom, fit and search; step forward, back, play, restart, run to end;
// and a panel that explains the current node. This file holds the window, where it opens (never
// over the traced point) and its toolbar; inspector_graph.cpp draws the graph and
// inspector_details.cpp the explanation beside it. The state lives in InspectorModel.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "flow.h"
#include "studio_app.h"

namespace bp::studio {

void StudioApp::trace_point(const StudioPoint& p) {
  inspector_.trace(p, *m_.snapshot(), m_.config());
  fit_graph_ = true;
  place_inspector_ = true;
}

void StudioApp::place_inspector() {
  // Beside the Data panel, across the canvas and the right-hand panels, in the half of the
  // window away from the traced point: the point stays in sight while its graph is read.
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float top = ImGui::GetFrameHeight();
  const float x0 = s_.presenter ? 0.0f : canvas_pos_.x - ImGui::GetStyle().WindowPadding.x;
  float point_y = canvas_pos_.y + canvas_size_.y * 0.5f;
  if (inspector_.ready()) {
    const Region& v = s_.view;
    const float per_px = (v.y_max - v.y_min) / std::max(canvas_size_.y, 1.0f);
    point_y = canvas_pos_.y + (v.y_max - inspector_.point().y) / per_px;
  }
  // The larger space above or below the point (at least half the window, as the point is on
  // the canvas), up to 56% of the window.
  const float margin = ImGui::GetFontSize() * 1.5f;
  const float above = point_y - margin - top, below = display.y - point_y - margin;
  const float least = ImGui::GetFontSize() * 12;
  float h = std::round(std::clamp(std::max(above, below), least, (display.y - top) * 0.56f));
  // Below the point, it stops short of the Training panel's loss and accuracy where they are
  // low enough to be covered (presenter mode) and it stays 12 lines tall.
  // Where that leaves it under 12 lines (a remedy banner above the loss and accuracy in presenter
  // mode at 1024x768 or 1366x768 hid them and the banner's end), it stops at the right-hand column
  // instead, while that leaves it 20 characters' height wide, and takes all the room below the
  // point.
  float x1 = display.x;
  if (below >= above && metrics_rect_ && x0 < metrics_rect_->z) {
    const float clear = std::ceil(metrics_rect_->w + ImGui::GetStyle().ItemSpacing.y);
    const float column = std::floor(metrics_rect_->x - 2 * ImGui::GetStyle().WindowPadding.x);
    if (display.y - h < clear) {
      if (display.y - clear >= least) {
        h = display.y - clear;
      } else if (column - x0 >= ImGui::GetFontSize() * 20) {
        x1 = column;
        h = std::max(h, std::round(below));
      }
    }
  }
  inspector_at_top_ = below < above;
  const float y0 = inspector_at_top_ ? top : display.y - h;
  ImGui::SetNextWindowPos(ImVec2(x0, y0), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(x1 - x0, h), ImGuiCond_Always);
  placed_inspector_ = ImVec4(x0, y0, x1, y0 + h);
  placed_for_metrics_ = metrics_rect_ ? metrics_rect_->w : -1;
  ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
}

void StudioApp::move_views_out_from_under_inspector() {
  const Box cover = windows_.at("Graph inspector").box();
  // The views drawn last frame behind it, from the back.
  std::vector<std::pair<Box, std::string>> behind;
  for (const std::string& name : floating_windows())
    if (auto w = last_windows_.find(name); name != "Graph inspector" && w != last_windows_.end() && w->second.order < cover.order)
      behind.emplace_back(w->second.box(), name);
  std::sort(behind.begin(), behind.end(), [](const auto& a, const auto& b) { return a.first.order < b.first.order; });
  std::vector<Box> views;
  for (const auto& b : behind) views.push_back(b.first);
  const float bar = ImGui::GetFrameHeight();
  const std::vector<Box> out = out_from_under(views, cover, bar, bar, ImGui::GetIO().DisplaySize.y);
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].y0 != views[i].y0 || out[i].y1 != views[i].y1) move_out_[behind[i].second] = out[i];
}

void StudioApp::inspector_panel() {
  if (!inspector_.ready() && inspector_.error().empty()) {
    const auto pts = m_.points();
    if (!pts.empty()) trace_point(pts.front());
  }
  bool placing = std::exchange(place_inspector_, false);
  // Docked below where it was placed (not moved or resized since), it is placed again when the
  // Training panel's loss and accuracy move (a remedy banner grew the panel, or went): it stops
  // short of them where there is room, as when it opened (the "learning rate too high" preset
  // played with the inspector open hid them at 1024x768 and 1366x768).
  if (!placing && placed_inspector_ && !inspector_at_top_ && std::abs((metrics_rect_ ? metrics_rect_->w : -1) - placed_for_metrics_) >= 1) {
    const auto last = last_windows_.find("Graph inspector");
    const auto near = [](const ImVec4& a, const ImVec4& b) {
      return std::abs(a.x - b.x) < 1 && std::abs(a.y - b.y) < 1 && std::abs(a.z - b.z) < 1 && std::abs(a.w - b.w) < 1;
    };
    placing = last != last_windows_.end() && near(last->second.rect, *placed_inspector_);
  }
  if (placing) place_inspector();
  const bool inspector_open = ImGui::Begin("Graph inspector", &show_inspector_);
  note_window("Graph inspector");
  if (placing) move_views_out_from_under_inspector();
  if (!inspector_open) {
    inspector_controls_h_ = 0;  // folded: its title bar alone
    ImGui::End();
    return;
  }
  // ---- toolbar -----------------------------------------------------------------------------
  int level = static_cast<int>(inspector_.level());
  ImGui::SetNextItemWidth(combo_width({"scalar", "neuron", "tensor"}));
  if (ImGui::Combo("level", &level, "scalar\0neuron\0tensor\0")) {
    inspector_.set_level(static_cast<explain::Level>(level));
    fit_graph_ = true;
  }
  same_line_if_fits(labelled_width("pick point on canvas", ImGui::GetFrameHeight()));
  ImGui::Checkbox("pick point on canvas", &pick_mode_);
  if (inspector_.ready()) {
    const StudioPoint& p = inspector_.point();
    char tracing[96];
    std::snprintf(tracing, sizeof tracing, "tracing (%s, %s), label %g", fixed(p.x, 2).c_str(), fixed(p.y, 2).c_str(),
                  static_cast<double>(p.label));
    same_line_if_fits(ImGui::CalcTextSize(tracing).x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", tracing);
  }
  if (inspector_.ready() && inspector_.stale(*m_.snapshot(), m_.config())) {
    // Never silently old: the traced weights are not the live ones any more.
    const auto live = m_.snapshot();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.25f, 0.0f, 1));
    if (live->step > inspector_.traced_step())
      text_paragraph("Traced at step %lld; training has gone on to step %lld. The graph shows the traced weights.",
                         static_cast<long long>(inspector_.traced_step()), static_cast<long long>(live->step));
    else if (live->step < inspector_.traced_step())  // "gone on to step 0" after a Reset
      text_paragraph("Traced at step %lld; the network has been reset or replaced since (it is at step %lld). The graph shows the "
                     "traced weights.",
                     static_cast<long long>(inspector_.traced_step()), static_cast<long long>(live->step));
    else
      text_paragraph("The network has changed since this trace. The graph shows the traced weights.");
    ImGui::PopStyleColor();
    if (ImGui::SmallButton("Refresh to the live weights")) inspector_.refresh(*live, m_.config());
  }
  inspector_controls_h_ = ImGui::GetItemRectMax().y - ImGui::GetWindowPos().y;
  if (!inspector_.ready()) {
    if (!inspector_.error().empty()) {
      text_paragraph("%s. Pick another point.",
                         inspector_.error().c_str());
    } else {
      ImGui::TextUnformatted("Add a point to the canvas, then trace it here.");
    }
    ImGui::End();
    return;
  }
  explain::Stepper& st = inspector_.stepper();
  // ---- controls ----------------------------------------------------------------------------
  if (ImGui::Button("|< Restart")) st.restart(), inspector_.playing = false;
  same_line_if_fits(button_width("< Back"));
  if (ImGui::Button("< Back")) st.step_back();
  same_line_if_fits(button_width("Step >"));
  if (ImGui::Button("Step >")) st.step();
  same_line_if_fits(button_width("Pause"));
  if (ImGui::Button(inspector_.playing ? "Pause" : "Play")) inspector_.playing = !inspector_.playing;
  same_line_if_fits(button_width("End >|"));
  if (ImGui::Button("End >|")) st.run_to_end();
  same_line_if_fits(ImGui::GetFontSize() * 7);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::SliderFloat("##rate", &inspector_.steps_per_second, 0.5f, 50.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  same_line_if_fits(ImGui::GetFontSize() * 8);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputTextWithHint("##find", "find node", search_, sizeof search_, ImGuiInputTextFlags_EnterReturnsTrue)) {
    const int hit = inspector_.find(search_, inspector_.selected());
    if (hit >= 0) inspector_.select(hit), center_on_ = hit;
  }
  same_line_if_fits(button_width("Export..."));
  if (ImGui::Button("Export...")) {
    ask_path(PathAction::ExportGraph, "graph.svg");
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("save the graph as .dot, .svg or .png");
  same_line_if_fits(button_width("Go to"));
  if (ImGui::Button("Go to") && inspector_.selected() >= 0) st.jump_to(inspector_.selected());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step until the selected node is the one being explained");
  same_line_if_fits(button_width("Fit"));
  if (ImGui::Button("Fit")) fit_whole_graph_ = true;
  inspector_.advance(ImGui::GetIO().DeltaTime);
  const char* phase = st.phase() == explain::Stepper::Forward ? "forward pass" : st.phase() == explain::Stepper::Backward ? "backward pass" : "done";
  char where[64];
  std::snprintf(where, sizeof where, "%s, step %zu", phase, st.steps_taken());
  same_line_if_fits(ImGui::CalcTextSize(where).x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", where);
  inspector_controls_h_ = ImGui::GetItemRectMax().y - ImGui::GetWindowPos().y;  // views keep clear of them

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side_w = std::max(avail.x * 0.32f, std::min(ImGui::GetFontSize() * 18, avail.x * 0.45f));
  ImGui::BeginChild("graph", ImVec2(avail.x - side_w - 8, avail.y), true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  inspector_graph();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("explain", ImVec2(0, avail.y), true);
  inspector_details();
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace bp::studio
