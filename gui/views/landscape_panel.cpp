// The loss landscape: the training loss over a 2D slice of weight space through the weights the
// slice was computed at (two random directions normalised per neuron, or two chosen parameters),
// as a heatmap with contours; the run's own path projected on it live; and the optimizer race,
// SGD, momentum and Adam from the same weights on the same data, drawn as three paths. Both are
// computed off the UI thread (BackgroundTask); the heatmap is drawn into a cached texture.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "flow.h"
#include "model/chart_axes.h"
#include "model/number_text.h"
#include "render/cached_view.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

// A perceptual dark-to-light ramp (viridis's stops): low loss dark blue, high loss yellow.
ImU32 ramp(double t) {
  static constexpr float kStops[][3] = {{0.267f, 0.005f, 0.329f}, {0.229f, 0.322f, 0.546f}, {0.128f, 0.567f, 0.551f},
                                        {0.369f, 0.789f, 0.383f}, {0.993f, 0.906f, 0.144f}};
  t = (std::isnan(t) ? 1.0 : std::clamp(t, 0.0, 1.0)) * 4;  // NaN: the top (an index from it was out of bounds)
  const int i = std::min(3, static_cast<int>(t));
  const float f = static_cast<float>(t - i);
  const float* a = kStops[i];
  const float* b = kStops[i + 1];
  return im_color(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f);
}

constexpr ImU32 kRaceInks[] = {0xFF2827D6 /* SGD red */, 0xFFFFFFFF /* momentum white */, 0xFF0E7FFF /* Adam orange */};

}  // namespace

void StudioApp::start_landscape() {
  const auto snap = m_.snapshot();
  const TrainConfig c = m_.config();
  const Dataset train = datasets_of(m_.points(), c).train;
  const std::vector<LayerWeights> w = snap->weights;
  const LandscapeRequest req = landscape_req_;
  race_task_.cancel();
  race_.clear();
  landscape_trail_.clear();
  landscape_error_.clear();
  landscape_failed_at_ = 0;
  landscape_task_.start([c, train, w, req](const std::atomic<bool>& cancel) { return loss_landscape(c, w, train, req, &cancel); });
}

void StudioApp::landscape_panel() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  const float side = std::min({display.x * 0.55f, display.y * 0.9f, em * 32});
  // Its square plot shrinks with it (to 8 em): it may be made as short as half its height to keep
  // clear of the graph inspector's controls (presenter mode, the inspector docked below).
  place_view_window("Loss landscape", ImVec2(canvas_pos_.x + em * 0.5f, canvas_pos_.y + em * 0.5f), ImVec2(side, side * 1.1f), true, 0.5f);
  if (!begin_view("Loss landscape", &show_landscape_)) return;
  const auto snap = m_.snapshot();
  if (snap->weights.empty()) {
    text_paragraph("No network yet.");
    ImGui::End();
    return;
  }
  // Results of the computations running off the UI thread.
  if (auto done = landscape_task_.poll(&landscape_error_)) {
    if (!done->loss.empty()) landscape_ = std::move(*done), ++landscape_computed_;
  }
  if (!landscape_error_.empty() && landscape_failed_at_ == 0) landscape_failed_at_ = snap->version;
  if (auto done = race_task_.poll(&landscape_error_)) race_ = std::move(*done);

  LandscapeRequest& req = landscape_req_;
  bool changed = false;
  if (ImGui::RadioButton("random directions", req.random_directions)) req.random_directions = true, changed = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("two random directions in weight space, each neuron's part scaled to that neuron's weights (Li et al., 2018)");
  same_line_if_fits(labelled_width("two parameters", ImGui::GetFrameHeight()));
  if (ImGui::RadioButton("two parameters", !req.random_directions)) req.random_directions = false, changed = true;
  // The parameters to choose from, named as the tangent view names them.
  std::vector<ParameterRef> params;
  for (size_t l = 0; l < snap->weights.size(); ++l)
    for (int64_t o = 0; o < snap->weights[l].out; ++o) {
      for (int64_t i = 0; i < snap->weights[l].in; ++i) params.push_back({static_cast<int>(l), o, i, false});
      params.push_back({static_cast<int>(l), o, 0, true});
    }
  // As wide as the longest name: each layer's last weight has its most digits (DejaVu's digits
  // are all one width, so the longest is the widest).
  std::string longest;
  for (size_t l = 0; l < snap->weights.size(); ++l) {
    std::string name = parameter_label({static_cast<int>(l), snap->weights[l].out - 1, snap->weights[l].in - 1, false});
    if (name.size() > longest.size()) longest = std::move(name);
  }
  const float combo_w = combo_width({longest});
  auto param_combo = [&](const char* label, ParameterRef& p) {
    if (std::find(params.begin(), params.end(), p) == params.end()) p = params.front(), changed = true;
    ImGui::SetNextItemWidth(combo_w);
    if (ImGui::BeginCombo(label, parameter_label(p).c_str())) {
      for (const ParameterRef& q : params)
        if (ImGui::Selectable(parameter_label(q).c_str(), q == p)) p = q, changed = true;
      ImGui::EndCombo();
    }
  };
  if (!req.random_directions) {
    param_combo("x axis", req.a);
    same_line_if_fits(labelled_width("y axis", combo_w));
    if (req.b == req.a) req.b = params.size() > 1 ? params[1] : params.front();
    param_combo("y axis", req.b);
  }
  float span = static_cast<float>(req.span);
  ImGui::SetNextItemWidth(em * 7);
  if (ImGui::SliderFloat("span", &span, 0.05f, 20.0f, "±%.2g", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) req.span = span;
  changed |= ImGui::IsItemDeactivatedAfterEdit();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("how far the slice reaches along each direction");
  same_line_if_fits(button_width("Recompute here"));
  const bool recompute = ImGui::Button("Recompute here");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a new slice through the current weights");
  same_line_if_fits(button_width("Race SGD, momentum, Adam"));
  bool race = ImGui::Button("Race SGD, momentum, Adam");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("from the slice's centre, %d steps of each on the same data with learning rate %g", race_steps_, static_cast<double>(m_.config().lr));
  same_line_if_fits(labelled_width("steps", em * 5));
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderInt("steps", &race_steps_, 10, 2000, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("steps each optimizer takes in the race");
  // A new slice: at first, for new settings, for a new network shape, or on request.
  bool shape_changed = landscape_ && landscape_->shape.size() != snap->weights.size();
  for (size_t l = 0; landscape_ && !shape_changed && l < snap->weights.size(); ++l)
    shape_changed = landscape_->shape[l].in != snap->weights[l].in || landscape_->shape[l].out != snap->weights[l].out;
  // A slice that failed (a network being rebuilt) is tried again with the next snapshot.
  const bool retry = !landscape_error_.empty() && snap->version != landscape_failed_at_;
  if ((!landscape_ && !landscape_task_.running() && (landscape_error_.empty() || retry)) || changed || recompute || shape_changed) {
    if (shape_changed) landscape_.reset();
    start_landscape();
  }
  if (race_after_landscape_ && landscape_ && !landscape_task_.running()) race = true, race_after_landscape_ = false;
  if (race && landscape_) {
    const TrainConfig c = m_.config();
    const Dataset train = datasets_of(m_.points(), c).train;
    const Landscape on = *landscape_;
    const int steps = race_steps_;
    race_.clear();
    race_task_.start([c, train, on, steps](const std::atomic<bool>& cancel) { return optimizer_race(c, on, train, steps, &cancel); });
  }
  // The run's own path: each new snapshot's weights projected on the slice.
  if (landscape_ && snap->version != landscape_trail_version_) {
    landscape_trail_version_ = snap->version;
    const auto p = landscape_->project(snap->weights);
    if (std::isfinite(p[0]) && std::isfinite(p[1]) && (landscape_trail_.empty() || landscape_trail_.back() != p)) landscape_trail_.push_back(p);
    if (landscape_trail_.size() > 4000) landscape_trail_.erase(landscape_trail_.begin(), landscape_trail_.begin() + 2000);
  }

  if (!landscape_error_.empty()) text_paragraph("%s", landscape_error_.c_str());
  if (landscape_task_.running()) ImGui::TextDisabled("computing the slice...");
  if (race_task_.running()) ImGui::TextDisabled("racing...");
  if (!landscape_) {
    ImGui::End();
    return;
  }
  const Landscape& ls = *landscape_;
  text_wrapped("%d×%d = %d losses in %.0f ms on %s; centre loss %s", ls.request.res, ls.request.res, ls.request.res * ls.request.res,
               ls.seconds * 1000, m_.config().device.str().c_str(), loss_text(ls.centre_loss).c_str());
  // A diverged run's weights: every loss around them is infinite or NaN (the heatmap's colours
  // came from an index out of bounds and crashed the app).
  if (!ls.any_finite())
    text_verdict("No loss on this slice is a finite number: the run diverged, and at its weights the loss overflows. Reset, "
                 "then Recompute here.");
  for (size_t k = 0; k < race_.size(); ++k) {
    char label[80];
    std::snprintf(label, sizeof label, "%s: %s after %zu steps", optimizer_name(race_[k].optimizer), loss_text(race_[k].losses.back()).c_str(),
                  race_[k].losses.size() - 1);
    if (k > 0) same_line_if_fits(em * 1.7f + ImGui::CalcTextSize(label).x);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(em * 1.2f, ImGui::GetTextLineHeight()));
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + em * 0.2f), ImVec2(p.x + em, p.y + em * 0.8f), kRaceInks[k % 3]);
    ImGui::GetWindowDrawList()->AddRect(ImVec2(p.x, p.y + em * 0.2f), ImVec2(p.x + em, p.y + em * 0.8f), im_color(0.2f, 0.2f, 0.2f));
    ImGui::SameLine(0, em * 0.3f);
    // Alone on its row and still too wide (a narrow view, presenter fonts): wrapped beside its swatch.
    const auto width = [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; };
    ImGui::TextUnformatted(wrap_at_spaces(label, ImGui::GetContentRegionAvail().x, width).c_str());
  }
  // A race from weights where the gradient is about 0: why there are three dots on the cross.
  if (!race_task_.running())
    if (const std::string note = race_note(race_); !note.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
      text_paragraph("%s", note.c_str());
      ImGui::PopStyleColor();
    }

  // The plot: a square, α to the right and β up.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const std::string axes = ls.request.random_directions
                               ? std::string("right: direction 1, up: direction 2 (the cross: where the slice was computed)")
                               : "right: " + parameter_label(ls.request.a) + ", up: " + parameter_label(ls.request.b) + " (changes from the cross)";
  // Wrapped once, as drawn below the square (measured with ImGui's own wrapping, which breaks
  // elsewhere, its height could differ from what is drawn).
  const std::string axes_lines = wrap_to_window(axes);
  const float axes_h = ImGui::CalcTextSize(axes_lines.c_str()).y + ImGui::GetStyle().ItemSpacing.y * 2;
  const float plot = std::max(em * 8, std::min(avail.x, avail.y - axes_h));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 a(p0.x + (avail.x - plot) * 0.5f, p0.y), b(a.x + plot, a.y + plot);
  // The square alone is hovered (not the margins beside it, where the readout would give the
  // edge's values for a place off the slice).
  ImGui::SetCursorScreenPos(a);
  ImGui::InvisibleButton("landscape", ImVec2(plot, plot));
  const bool hovered = ImGui::IsItemHovered();
  const double s = ls.request.span;
  auto at = [&](const std::array<double, 2>& q) {
    return ImVec2(a.x + static_cast<float>((q[0] + s) / (2 * s)) * plot, b.y - static_cast<float>((q[1] + s) / (2 * s)) * plot);
  };
  const uint64_t key = digest(digest(digest(digest(kDigestSeed, landscape_computed_), a), plot), em);
  if (ImDrawList* dl = landscape_view_.begin(key, a, ImVec2(plot, plot))) draw_landscape(dl, a, plot);
  landscape_view_.end(ImGui::GetWindowDrawList(), ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(a, b, true);
  const float thick = std::max(2.0f, em * 0.14f);
  std::vector<ImVec2> line;
  for (size_t k = 0; k < race_.size(); ++k) {
    line.clear();
    for (const auto& q : race_[k].points)  // a path that diverged ends in NaN: drawn up to there
      if (std::isfinite(q[0]) && std::isfinite(q[1])) line.push_back(at(q));
    if (line.empty()) continue;
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), im_color(0, 0, 0, 0.6f), 0, thick + 2);
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), kRaceInks[k % 3], 0, thick);
    dl->AddCircleFilled(line.back(), thick * 2, kRaceInks[k % 3]);
  }
  line.clear();
  for (const auto& q : landscape_trail_) line.push_back(at(q));
  const ImU32 trail = im_color(0.3f, 0.9f, 1.0f);  // the run's own path: cyan
  if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), trail, 0, thick * 0.8f);
  if (!line.empty()) dl->AddCircle(line.back(), thick * 2.2f, trail, 0, thick * 0.8f);
  const ImVec2 c = at({0, 0});  // the centre: where the slice was computed
  dl->AddLine(ImVec2(c.x - em * 0.5f, c.y), ImVec2(c.x + em * 0.5f, c.y), im_color(1, 1, 1), thick);
  dl->AddLine(ImVec2(c.x, c.y - em * 0.5f), ImVec2(c.x, c.y + em * 0.5f), im_color(1, 1, 1), thick);
  dl->PopClipRect();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(axes_lines.c_str());
  ImGui::PopStyleColor();
  if (hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const double u = (m.x - a.x) / plot * 2 * s - s, v = (b.y - m.y) / plot * 2 * s - s;
    const int i = std::clamp(static_cast<int>(std::lround((u + s) / (2 * s) * (ls.request.res - 1))), 0, ls.request.res - 1);
    const int j = std::clamp(static_cast<int>(std::lround((v + s) / (2 * s) * (ls.request.res - 1))), 0, ls.request.res - 1);
    ImGui::SetTooltip("%s", ls.readout(i, j).c_str());
  }
  ImGui::End();
}

void StudioApp::draw_landscape(ImDrawList* dl, ImVec2 a, float plot) {
  const Landscape& ls = *landscape_;
  const int n = ls.request.res;
  if (!ls.any_finite()) {  // no loss to colour by: a grey square (the panel says why)
    dl->AddRectFilled(a, ImVec2(a.x + plot, a.y + plot), im_color(0.45f, 0.45f, 0.45f));
    dl->AddRect(a, ImVec2(a.x + plot, a.y + plot), im_color(0.5f, 0.5f, 0.5f));
    return;
  }
  // Colours on a log scale of the loss (landscapes span decades), contours at nice levels.
  const double lo = std::log10(std::max(ls.lo, 1e-12)), hi = std::max(std::log10(std::max(ls.hi, 1e-12)), lo + 1e-9);
  auto level = [&](int i, int j) {
    const double v = ls.loss[static_cast<size_t>(j * n + i)];
    return std::isfinite(v) ? std::log10(std::max(v, 1e-12)) : hi;
  };
  const float cell = plot / static_cast<float>(n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const ImVec2 tl(a.x + cell * static_cast<float>(i), a.y + plot - cell * static_cast<float>(j + 1));
      dl->AddRectFilled(tl, ImVec2(tl.x + cell + 0.5f, tl.y + cell + 0.5f), ramp((level(i, j) - lo) / (hi - lo)));
    }
  // Marching squares between cell centres.
  auto centre = [&](double i, double j) { return ImVec2(a.x + cell * static_cast<float>(i + 0.5), a.y + plot - cell * static_cast<float>(j + 0.5)); };
  for (double c : nice_ticks(lo, hi, 10)) {
    for (int j = 0; j + 1 < n; ++j)
      for (int i = 0; i + 1 < n; ++i) {
        const double v[4] = {level(i, j), level(i + 1, j), level(i + 1, j + 1), level(i, j + 1)};
        const double x[4] = {0, 1, 1, 0}, y[4] = {0, 0, 1, 1};
        ImVec2 cross[4];
        int k = 0;
        for (int e = 0; e < 4; ++e) {
          const int f = (e + 1) % 4;
          if ((v[e] < c) == (v[f] < c)) continue;
          const double t = (c - v[e]) / (v[f] - v[e]);
          cross[k++] = centre(i + x[e] + t * (x[f] - x[e]), j + y[e] + t * (y[f] - y[e]));
        }
        for (int e = 0; e + 1 < k; e += 2) dl->AddLine(cross[e], cross[e + 1], im_color(1, 1, 1, 0.45f), 1.0f);
      }
  }
  dl->AddRect(a, ImVec2(a.x + plot, a.y + plot), im_color(0.5f, 0.5f, 0.5f));
}

}  // namespace bp::studio
