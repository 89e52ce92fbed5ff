// The hidden space (ConvNetJS's best view): the points and a grid over the input plane mapped
// through the network to one hidden layer, on two of its neurons or its first two principal
// components. Live while training (recomputed from new snapshots up to ten times a second): a
// class watches the layers bend the plane until a line separates the classes, and with a
// two-neuron last hidden layer the output's own line is drawn.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "common/palette.h"
#include "flow.h"
#include "model/value_scale.h"
#include "render/cached_view.h"
#include "studio_app.h"

namespace bp::studio {

void StudioApp::hidden_space_panel() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  const float side = std::min({display.x * 0.55f, display.y * 0.85f, em * 30});
  place_view_window("Hidden space", ImVec2(canvas_pos_.x + canvas_size_.x - side, canvas_pos_.y + em * 0.5f), ImVec2(side, side), true);
  if (!begin_view("Hidden space", &show_hidden_)) return;
  const auto snap = m_.snapshot();
  const int hidden = static_cast<int>(snap->weights.size()) - 1;
  if (hidden < 1) {
    text_paragraph("This network has no hidden layer: add one (Network, + layer) to see how it maps the plane.");
    ImGui::End();
    return;
  }
  HiddenSpaceRequest& req = hidden_req_;
  req.layer = std::clamp(req.layer, 0, hidden - 1);
  const int width = static_cast<int>(snap->weights[static_cast<size_t>(req.layer)].out);
  int layer = req.layer + 1;
  ImGui::SetNextItemWidth(em * 6);
  if (ImGui::SliderInt("layer", &layer, 1, hidden, "%d", ImGuiSliderFlags_AlwaysClamp)) req.layer = layer - 1;
  // Both radio buttons on the slider's line, or both below it (with the spacing between them).
  same_line_if_fits(labelled_width("principal components", ImGui::GetFrameHeight()) + ImGui::GetStyle().ItemSpacing.x +
                    labelled_width("neurons", ImGui::GetFrameHeight()));
  bool pca = req.x < 0;
  if (ImGui::RadioButton("principal components", pca)) req.x = req.y = -1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the two directions of the layer's space along which the training points spread most");
  ImGui::SameLine();
  if (ImGui::RadioButton("neurons", !pca) && pca) req.x = 0, req.y = std::min(1, width - 1);
  if (req.x >= 0) {
    req.x = std::clamp(req.x, 0, width - 1);
    req.y = std::clamp(req.y, 0, width - 1);
    int x = req.x + 1, y = req.y + 1;
    ImGui::SetNextItemWidth(em * 6);
    if (ImGui::SliderInt("x: neuron", &x, 1, width, "%d", ImGuiSliderFlags_AlwaysClamp)) req.x = x - 1;
    same_line_if_fits(labelled_width("y: neuron", em * 6));
    ImGui::SetNextItemWidth(em * 6);
    if (ImGui::SliderInt("y: neuron", &y, 1, width, "%d", ImGuiSliderFlags_AlwaysClamp)) req.y = y - 1;
  }

  // Recompute at once for a new choice, and for a new snapshot at most ten times a second.
  const bool new_choice = req.layer != hidden_for_.layer || req.x != hidden_for_.x || req.y != hidden_for_.y;
  hidden_for_ = req;
  hidden_.update(new_choice, snap->version, ImGui::GetTime(), 0.1,
                 [&] { return hidden_space(m_.config(), snap->weights, m_.points(), m_.data_region(), req); });
  if (!hidden_.value) {
    text_paragraph("%s", hidden_.error.c_str());
    ImGui::End();
    return;
  }
  const HiddenSpace& hs = *hidden_.value;
  char xname[48], yname[48];
  if (hs.pca && hs.one_spot) {
    std::snprintf(xname, sizeof xname, "PC1");
    std::snprintf(yname, sizeof yname, "PC2");
  } else if (hs.pca) {
    std::snprintf(xname, sizeof xname, "PC1 (%.0f %% of the variance)", 100 * hs.explained[0]);
    std::snprintf(yname, sizeof yname, "PC2 (%.0f %%)", 100 * hs.explained[1]);
  } else {
    std::snprintf(xname, sizeof xname, "neuron %d", hs.x + 1);
    std::snprintf(yname, sizeof yname, "neuron %d", hs.y + 1);
  }
  text_wrapped("Layer %d (%d neurons): the plane's grid and the points as this layer sees them.%s", hs.layer + 1, hs.width,
               hs.has_boundary ? " The black line is where the output changes class." : "");
  if (hs.one_spot) {
    text_verdict("Every point lands on one spot: %s the same values for all of them (zero weights, or dead neurons), so "
                 "nothing after %s can tell them apart.",
                 hs.pca ? "this layer gives" : "these two neurons give", hs.pca ? "it" : "them");
  } else if (hs.one_line) {
    text_verdict("Every point lands on one line: this layer passes on a single number per point (its neurons are copies of "
                 "one another, or all but one are constant), so nothing after it can separate what that number does not.");
  }

  // The plot: the data's bounds with a margin, the same scale on both axes.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size(std::max(avail.x, em * 8), std::max(avail.y, em * 8));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("hidden plot", size);
  // Drawn into a cached texture: only a new map, a move or a resize draws it again (hundreds of
  // anti-aliased points and lines cost software GL several milliseconds a frame).
  const uint64_t key = digest(digest(digest(digest(digest(kDigestSeed, hidden_.computed), p0), size), em), s_.show_test);
  ImDrawList* dl = hidden_view_.begin(key, p0, size);
  if (dl) draw_hidden_space(dl, p0, size, xname, yname);
  hidden_view_.end(ImGui::GetWindowDrawList(), ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));
  ImGui::End();
}

void StudioApp::draw_hidden_space(ImDrawList* dl, ImVec2 p0, ImVec2 size, const char* xname, const char* yname) {
  const HiddenSpace& hs = *hidden_.value;
  const float em = ImGui::GetFontSize();
  float lo[2] = {FLT_MAX, FLT_MAX}, hi[2] = {-FLT_MAX, -FLT_MAX};
  auto grow = [&](const std::array<float, 2>& p) {
    for (int k = 0; k < 2; ++k)
      if (std::isfinite(p[static_cast<size_t>(k)])) lo[k] = std::min(lo[k], p[static_cast<size_t>(k)]), hi[k] = std::max(hi[k], p[static_cast<size_t>(k)]);
  };
  for (const auto& p : hs.points) grow(p);
  for (const auto& l : hs.lines)
    for (const auto& p : l) grow(p);
  if (!(lo[0] <= hi[0])) lo[0] = lo[1] = -1, hi[0] = hi[1] = 1;
  const float pad = em * 0.8f, label_h = em * 1.3f;
  const ImVec2 a(p0.x + pad, p0.y + pad), b(p0.x + size.x - pad, p0.y + size.y - pad - label_h);
  const float span = std::max({hi[0] - lo[0], hi[1] - lo[1], 1e-6f}) * 1.08f;
  const float scale = std::min(b.x - a.x, b.y - a.y) / span;
  const float cx = (lo[0] + hi[0]) * 0.5f, cy = (lo[1] + hi[1]) * 0.5f;
  const ImVec2 mid((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
  auto at = [&](const std::array<float, 2>& p) { return ImVec2(mid.x + (p[0] - cx) * scale, mid.y - (p[1] - cy) * scale); };
  dl->AddRect(a, b, im_color(0.7f, 0.7f, 0.7f));
  dl->PushClipRect(a, b, true);
  // The warped grid: lines of constant x1 in one grey, of constant x2 in another.
  std::vector<ImVec2> poly;
  for (size_t i = 0; i < hs.lines.size(); ++i) {
    poly.clear();
    for (const auto& p : hs.lines[i]) poly.push_back(at(p));
    const bool x_fixed = i < hs.lines.size() / 2;
    dl->AddPolyline(poly.data(), static_cast<int>(poly.size()), x_fixed ? im_color(0.45f, 0.45f, 0.6f, 0.55f) : im_color(0.6f, 0.45f, 0.45f, 0.55f), 0,
                    std::max(1.0f, em * 0.07f));
  }
  if (hs.has_boundary) {  // a·u + b·v + c = 0 across the plot
    const double A = hs.boundary[0], B = hs.boundary[1], C = hs.boundary[2];
    const float u0 = cx - span, u1 = cx + span, v0 = cy - span, v1 = cy + span;
    std::array<float, 2> e0, e1;
    if (std::abs(B) > std::abs(A)) {
      e0 = {u0, static_cast<float>(-(A * u0 + C) / B)}, e1 = {u1, static_cast<float>(-(A * u1 + C) / B)};
    } else {
      e0 = {static_cast<float>(-(B * v0 + C) / A), v0}, e1 = {static_cast<float>(-(B * v1 + C) / A), v1};
    }
    dl->AddLine(at(e0), at(e1), im_color(0.1f, 0.1f, 0.1f), std::max(2.0f, em * 0.15f));
  }
  const float r = std::max(3.0f, em * 0.22f);
  // A regression's points in the canvas's colours for their values (value_scale: white near 0,
  // so with a dark edge); classes in theirs.
  const bool regression = m_.problem() == Problem::Regression;
  float largest = 0;
  for (float v : hs.labels) largest = std::max(largest, std::fabs(v));
  const float values = value_scale(largest);
  const ImU32 ink = im_color(0.1f, 0.1f, 0.1f);
  for (size_t i = 0; i < hs.points.size(); ++i) {
    if (hs.test[i] && !s_.show_test) continue;
    ImU32 fill = class_im_color(static_cast<int>(hs.labels[i]));
    if (regression) {
      const tools::Rgb v = tools::diverging(hs.labels[i] / values, 1.0f);
      fill = im_color(v.r, v.g, v.b);
    }
    const ImVec2 c = at(hs.points[i]);
    if (hs.test[i]) {
      if (regression) dl->AddCircle(c, r + 0.5f, ink, 0, 1.0f);
      dl->AddCircle(c, r, fill, 0, std::max(1.5f, r * 0.4f));
    } else {
      dl->AddCircleFilled(c, r, fill);
      dl->AddCircle(c, r, regression ? ink : im_color(1, 1, 1, 0.8f), 0, 1.0f);
    }
  }
  dl->PopClipRect();
  const ImU32 grey = im_color(0.3f, 0.3f, 0.3f);
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(xname).x, b.y + em * 0.15f), grey, xname);
  dl->AddText(ImVec2(a.x, b.y + em * 0.15f), grey, (std::string("up: ") + yname).c_str());
}

}  // namespace bp::studio
