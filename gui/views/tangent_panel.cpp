// The derivative as a tangent (MiniTorch Module 1.1): the training loss as a function of one
// parameter, all others fixed; the tangent whose slope is backpropagation's gradient; the
// central-difference secant for an ε on a log slider; and plain gradient descent's next step as
// a move along the curve (too far when the learning rate is too high). Live while training:
// recomputed from each new snapshot, a few times a second.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "flow.h"
#include "log_slider.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

const ImU32 kCurveInk = 0xFF1A1A1A, kTangentInk = 0xFFC06A1F /* blue */, kSecantInk = 0xFF1E7FF0 /* orange */,
            kStepInk = 0xFF2E9B2E /* green */, kOvershootInk = 0xFF2828D6 /* red */;

std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinite" : "-infinite";
  char b[32];
  // At most 10 characters (the window is as wide as a line of them): 4 decimals, else 4 digits.
  std::snprintf(b, sizeof b, (std::abs(v) >= 1e-3 && std::abs(v) < 1e4) || v == 0 ? "%.4f" : "%.3e", v);
  return b;
}

}  // namespace

void StudioApp::tangent_panel() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  // As wide as its longest line can be (so it leaves room beside it, e.g. for the graph
  // inspector's title bar on a small presenter screen) but no wider than the canvas, where its
  // lines wrap; as tall as the room allows.
  const float line = ImGui::CalcTextSize("step w − lr·∂L/∂w (lr 0.0001): w → -0.000e-00, L → 0.000e-00").x;
  const ImVec2 win(std::min(display.x * 0.9f, std::max(em * 20, line + 2 * ImGui::GetStyle().WindowPadding.x + em)),
                   std::min(display.y * 0.85f, em * 30));
  // Centred over the canvas (the panels beside it stay readable).
  place_view_window("Derivative as a tangent", ImVec2(canvas_pos_.x + (canvas_size_.x - win.x) / 2, (display.y - win.y) / 2), win, true);
  if (!begin_view("Derivative as a tangent", &show_tangent_)) return;
  const auto snap = m_.snapshot();
  const auto& w = snap->weights;
  if (w.empty()) {
    text_paragraph("No network yet.");
    ImGui::End();
    return;
  }
  // Which parameter: layer, neuron, and input (0: the neuron's bias).
  ParameterRef& p = tangent_param_;
  p.layer = std::clamp(p.layer, 0, static_cast<int>(w.size()) - 1);
  const LayerWeights& lw = w[static_cast<size_t>(p.layer)];
  p.out = std::clamp<int64_t>(p.out, 0, lw.out - 1);
  p.in = std::clamp<int64_t>(p.in, 0, lw.in - 1);
  int layer = p.layer + 1, neuron = static_cast<int>(p.out) + 1, input = p.bias ? 0 : static_cast<int>(p.in) + 1;
  const float slider = em * 7;
  // A number typed into a slider (Ctrl+click) is clamped to it (ImGui takes it as typed
  // otherwise): a layer, neuron or input the network does not have is never indexed.
  ImGui::SetNextItemWidth(slider);
  if (ImGui::SliderInt("layer", &layer, 1, static_cast<int>(w.size()), "%d", ImGuiSliderFlags_AlwaysClamp)) p.layer = layer - 1;
  const LayerWeights& chosen = w[static_cast<size_t>(p.layer)];
  same_line_if_fits(labelled_width("neuron", slider));
  ImGui::SetNextItemWidth(slider);
  if (ImGui::SliderInt("neuron", &neuron, 1, static_cast<int>(chosen.out), "%d", ImGuiSliderFlags_AlwaysClamp)) p.out = neuron - 1;
  ImGui::SetNextItemWidth(slider);
  if (ImGui::SliderInt("input", &input, 0, static_cast<int>(chosen.in), input == 0 ? "bias" : "%d", ImGuiSliderFlags_AlwaysClamp)) {
    p.bias = input == 0;
    if (input > 0) p.in = input - 1;
  }
  // A new layer may have fewer neurons or inputs than the one before.
  p.out = std::min<int64_t>(p.out, chosen.out - 1);
  p.in = std::min<int64_t>(p.in, chosen.in - 1);
  same_line_if_fits(labelled_width("ε", slider));
  ImGui::SetNextItemWidth(slider);
  log_slider("ε", tangent_eps_, 1e-4f, 1.0f);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the secant's half-width: smaller ε, closer to the tangent, until float32 rounding takes over\n(a decade per quarter of the slider; Ctrl+click to type a value)");

  // Recompute at once for a new parameter or ε, and for a new snapshot at most five times a second.
  const bool new_choice = !(p == tangent_for_) || tangent_eps_ != tangent_eps_for_;
  tangent_for_ = p;
  tangent_eps_for_ = tangent_eps_;
  tangent_.update(new_choice, snap->version, ImGui::GetTime(), 0.2, [&] {
    const TrainConfig& c = m_.config();
    return tangent_plot(c, w, datasets_of(m_.points(), c).train, p, tangent_eps_);
  });
  if (!tangent_.value) {
    text_paragraph("%s", tangent_.error.c_str());
    ImGui::End();
    return;
  }
  const TangentPlot& t = *tangent_.value;
  const bool overshoots = t.loss_after > t.loss;
  // The lines wrap between words where the view is narrow (it is no wider than the canvas).
  auto inked = [](ImU32 ink) { ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ink)); };
  text_wrapped("%s = %s, loss L = %s", parameter_label(t.param).c_str(), num(t.value).c_str(), num(t.loss).c_str());
  inked(kTangentInk);
  text_wrapped("tangent: backprop's slope ∂L/∂w = %s", num(t.gradient).c_str());
  ImGui::PopStyleColor();
  inked(kSecantInk);
  text_wrapped("secant: (L(w+ε) − L(w−ε)) / 2ε = %s (ε = %g)", num(t.secant_slope).c_str(), t.eps);
  ImGui::PopStyleColor();
  if (!t.finite()) {
    // A diverged run's weights: the error read 0 ("they agree") and the plot was empty.
    text_verdict("At these weights the loss or its slope is not a finite number (the run diverged): there are no slopes to "
                 "compare and no curve to draw. Reset, then train with a lower learning rate.");
    ImGui::End();
    return;
  }
  text_wrapped("relative error between the two slopes: %.1e", t.relative_error);
  inked(overshoots ? kOvershootInk : kStepInk);
  text_wrapped("step w − lr·∂L/∂w (lr %g): w → %s, L → %s", t.lr, num(t.step_to).c_str(), num(t.loss_after).c_str());
  if (overshoots) text_wrapped("too far: the loss rises");
  ImGui::PopStyleColor();

  if (t.gradient == 0 && t.secant_slope == 0) text_paragraph("Flat: changing this weight alone does not change the loss here.");

  // The plot.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size(std::max(avail.x, em * 10), std::max(avail.y, em * 6));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("tangent plot", size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = em * 0.6f;
  const ImVec2 a(p0.x + pad, p0.y + pad), b(p0.x + size.x - pad, p0.y + size.y - pad);
  dl->AddRect(a, b, im_color(0.7f, 0.7f, 0.7f));
  double lo = *std::min_element(t.ys.begin(), t.ys.end()), hi = *std::max_element(t.ys.begin(), t.ys.end());
  lo = std::min(lo, t.loss_after), hi = std::max(hi, t.loss_after);
  if (!(hi - lo > 1e-7 * std::max(1.0, std::abs(hi)))) {  // flat: the curve in the middle
    const double pad = 0.05 * std::max(0.1, std::abs(hi));
    lo -= pad, hi += pad;
  }
  const double margin = (hi - lo) * 0.08;
  lo -= margin, hi += margin;
  const double x0 = t.xs.front(), x1 = t.xs.back();
  auto at = [&](double x, double y) {
    return ImVec2(a.x + static_cast<float>((x - x0) / (x1 - x0)) * (b.x - a.x), b.y - static_cast<float>((y - lo) / (hi - lo)) * (b.y - a.y));
  };
  dl->PushClipRect(a, b, true);
  std::vector<ImVec2> curve;
  for (size_t i = 0; i < t.xs.size(); ++i) curve.push_back(at(t.xs[i], t.ys[i]));
  const float thick = std::max(2.0f, em * 0.15f);
  dl->AddPolyline(curve.data(), static_cast<int>(curve.size()), kCurveInk, 0, thick);
  const double reach = (x1 - x0) * 0.3;  // the tangent drawn over 60% of the width
  dl->AddLine(at(t.value - reach, t.loss - t.gradient * reach), at(t.value + reach, t.loss + t.gradient * reach), kTangentInk, thick);
  const double se = std::max(t.eps, reach), mid = (t.loss_plus + t.loss_minus) / 2;  // the secant's line, extended
  dl->AddLine(at(t.value - se, mid - t.secant_slope * se), at(t.value + se, mid + t.secant_slope * se), kSecantInk, thick * 0.7f);
  dl->AddCircleFilled(at(t.value - t.eps, t.loss_minus), thick * 1.3f, kSecantInk);
  dl->AddCircleFilled(at(t.value + t.eps, t.loss_plus), thick * 1.3f, kSecantInk);
  // The step: an arrow from the current point to where gradient descent puts it.
  const ImVec2 from = at(t.value, t.loss), to = at(t.step_to, t.loss_after);
  const ImU32 step_ink = overshoots ? kOvershootInk : kStepInk;
  dl->AddLine(from, to, step_ink, thick);
  const float dx = to.x - from.x, dy = to.y - from.y, len = std::sqrt(dx * dx + dy * dy);
  if (len > thick * 4) {
    const float ux = dx / len, uy = dy / len, head = em * 0.7f;
    dl->AddTriangleFilled(to, ImVec2(to.x - ux * head - uy * head * 0.5f, to.y - uy * head + ux * head * 0.5f),
                          ImVec2(to.x - ux * head + uy * head * 0.5f, to.y - uy * head - ux * head * 0.5f), step_ink);
  }
  dl->AddCircleFilled(from, thick * 2.2f, kCurveInk);
  dl->PopClipRect();
  // Axis labels: the parameter below, the loss range at the left.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s", num(x0).c_str());
  dl->AddText(ImVec2(a.x + 2, b.y - em * 1.1f), im_color(0.35f, 0.35f, 0.35f), buf);
  std::snprintf(buf, sizeof buf, "%s", num(x1).c_str());
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(buf).x - 2, b.y - em * 1.1f), im_color(0.35f, 0.35f, 0.35f), buf);
  std::snprintf(buf, sizeof buf, "L %s", num(hi).c_str());
  dl->AddText(ImVec2(a.x + 2, a.y + 2), im_color(0.35f, 0.35f, 0.35f), buf);
  ImGui::End();
}

}  // namespace bp::studio
