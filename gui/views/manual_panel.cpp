// The manual classifier (MiniTorch Module 0): a linear model with no hidden layer whose
// separator the student moves by hand, on the canvas (drag the anchor to shift the line, the
// arrow's tip to rotate and steepen it) or with the w1, w2 and b sliders here; the loss updates
// live and the points are sized by their own loss. "Hand over to gradient descent" plays
// training from where the student left the line, and the line keeps moving under the optimizer.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "flow.h"
#include "model/number_text.h"
#include "studio_app.h"

namespace bp::studio {

const std::vector<float>& StudioApp::current_point_losses() {
  static const std::vector<float> kNone;
  const auto snap = m_.snapshot();
  const bool new_points = m_.points_version() != point_loss_points_;
  point_loss_points_ = m_.points_version();
  // (a network being rebuilt gives no sizes until the next snapshot)
  point_loss_.update(new_points, snap->version, ImGui::GetTime(), 0.2, [&] { return point_losses(m_.config(), snap->weights, m_.points()); });
  return point_loss_.value ? *point_loss_.value : kNone;
}

void StudioApp::trace_worst_point() {
  m_.pump();
  const auto snap = m_.snapshot();
  const std::vector<StudioPoint> pts = m_.points();
  const int w = worst_point(point_losses(m_.config(), snap->weights, pts), pts);
  if (w < 0) {
    m_.set_message("No training point to trace.");
    return;
  }
  trace_point(pts[static_cast<size_t>(w)]);
  show_inspector_ = true;
}

std::optional<Separator> StudioApp::manual_line() const {
  if (!show_manual_ || !is_linear_classifier(m_.config())) return std::nullopt;
  const auto snap = m_.snapshot();
  if (snap->weights.size() != 1 || snap->weights[0].weight.size() != 2 || snap->weights[0].bias.size() != 1) return std::nullopt;
  return Separator{snap->weights[0].weight[0], snap->weights[0].weight[1], snap->weights[0].bias[0]};
}

namespace {
// The normal arrow: this many plane units per unit of |w| (a sixth of the view's width: a
// typical |w| of 0.3 to 3 gives an arrow from a twentieth to half of the view).
double arrow_scale(const Region& v) { return (v.x_max - v.x_min) / 6.0; }
}  // namespace

bool StudioApp::manual_separator(const std::function<ImVec2(float, float)>& to_screen,
                                 const std::function<std::pair<float, float>(ImVec2)>& to_plane, bool hovered) {
  const std::optional<Separator> line = manual_line();
  if (!line) {
    manual_drag_ = 0;
    return false;
  }
  const Region& v = s_.view;
  const double scale = arrow_scale(v);
  const SeparatorHandles h = separator_handles(*line, {(v.x_min + v.x_max) / 2.0, (v.y_min + v.y_max) / 2.0}, scale);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const auto [mx, my] = to_plane(mouse);
  auto near = [&](const std::array<double, 2>& p) {
    const ImVec2 q = to_screen(static_cast<float>(p[0]), static_cast<float>(p[1]));
    return std::hypot(q.x - mouse.x, q.y - mouse.y) < ImGui::GetFontSize() * 0.8f;
  };
  auto set = [&](const Separator& s) {
    if (!std::isfinite(s.w1) || !std::isfinite(s.w2) || !std::isfinite(s.b)) return;
    m_.set_weight(0, 0, 0, static_cast<float>(s.w1));
    m_.set_weight(0, 0, 1, static_cast<float>(s.w2));
    m_.set_weight(0, 0, -1, static_cast<float>(s.b));
  };
  if (manual_drag_ != 0) {
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      manual_drag_ = 0;
      return true;
    }
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    if (d.x != 0 || d.y != 0) {
      m_.pause();  // the student's hand, not the optimizer, moves the line now
      if (manual_drag_ == 1) set(shift_to(*line, {mx, my}));
      else set(rotate_to(manual_anchor_, {mx, my}, scale));
    }
    return true;
  }
  if (!hovered || !h.valid) return false;
  const bool on_anchor = near(h.anchor), on_tip = near(h.tip);
  if (on_tip) ImGui::SetTooltip("drag to turn and steepen the line: w = (w1, w2) is this arrow");
  else if (on_anchor) ImGui::SetTooltip("drag to shift the line (its bias b)");
  if ((on_anchor || on_tip) && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    manual_drag_ = on_tip ? 2 : 1;
    manual_anchor_ = h.anchor;
  }
  return on_anchor || on_tip;
}

void StudioApp::draw_manual_separator(ImDrawList* dl, const std::function<ImVec2(float, float)>& to_screen) {
  const std::optional<Separator> line = manual_line();
  if (!line) return;
  const Region& v = s_.view;
  const double scale = arrow_scale(v);
  const std::array<double, 2> centre{(v.x_min + v.x_max) / 2.0, (v.y_min + v.y_max) / 2.0};
  const SeparatorHandles h = separator_handles(*line, manual_drag_ == 2 ? manual_anchor_ : centre, scale);
  if (!h.valid) return;
  const float em = ImGui::GetFontSize(), thick = std::max(3.0f, em * 0.2f);
  const ImU32 ink = im_color(0.1f, 0.1f, 0.1f), white = im_color(1, 1, 1);
  // The line across the whole view: from the anchor along (−w2, w1), far enough both ways.
  const double reach = 2 * std::max(v.x_max - v.x_min, v.y_max - v.y_min), n = std::hypot(line->w1, line->w2);
  const double ux = -line->w2 / n, uy = line->w1 / n;
  auto P = [&](double x, double y) { return to_screen(static_cast<float>(x), static_cast<float>(y)); };
  dl->AddLine(P(h.anchor[0] - ux * reach, h.anchor[1] - uy * reach), P(h.anchor[0] + ux * reach, h.anchor[1] + uy * reach), white, thick + 2);
  dl->AddLine(P(h.anchor[0] - ux * reach, h.anchor[1] - uy * reach), P(h.anchor[0] + ux * reach, h.anchor[1] + uy * reach), ink, thick);
  // The normal arrow w, pointing to the side the model calls class 1.
  const ImVec2 a = P(h.anchor[0], h.anchor[1]), t = P(h.tip[0], h.tip[1]);
  dl->AddLine(a, t, ink, thick);
  const float dx = t.x - a.x, dy = t.y - a.y, len = std::hypot(dx, dy);
  if (len > em) {
    const float ex = dx / len, ey = dy / len, head = em * 0.8f;
    dl->AddTriangleFilled(t, ImVec2(t.x - ex * head - ey * head * 0.5f, t.y - ey * head + ex * head * 0.5f),
                          ImVec2(t.x - ex * head + ey * head * 0.5f, t.y - ey * head - ex * head * 0.5f), ink);
  }
  const float r = em * 0.45f;
  dl->AddCircleFilled(a, r, white);
  dl->AddCircle(a, r, ink, 0, 2.5f);
  dl->AddCircleFilled(t, r * 0.8f, class_im_color(1));
  dl->AddCircle(t, r * 0.8f, ink, 0, 2.5f);
}

namespace {

const char* const kManualIntro = "w1·x1 + w2·x2 + b = 0 is the line; its arrow points to class 1. Drag it on the canvas, or:";

const char* const kNotLinear = "The manual classifier moves a straight line: a network with no hidden layer on the inputs x1 and x2.";
const char* const kNotTwoClasses = "The manual classifier separates two classes: pick a two-class dataset.";

// The height of `text` wrapped at spaces to `wrap` pixels.
float wrapped_height(const char* text, float wrap) {
  return ImGui::CalcTextSize(wrap_at_spaces(text, wrap, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; }).c_str()).y;
}

// The window's height for what it shows `width` pixels wide. For a linear model: the title bar,
// the intro, three rows of sliders, the train and the test loss and accuracy (at their longest)
// and the button; else the title bar, why there is no line and the button that gives one.
float manual_window_height(float width, bool linear) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float wrap = width - 2 * st.WindowPadding.x;
  if (!linear)
    return 2 * ImGui::GetFrameHeight() + wrapped_height(kNotLinear, wrap) + 2 * st.WindowPadding.y + 2 * st.ItemSpacing.y;
  const float intro = ImGui::CalcTextSize(kManualIntro, nullptr, false, wrap).y;
  const float train = wrapped_height("train: loss 1.24e-05, accuracy 100.0 %", wrap);
  const float test = wrapped_height("test: loss 1.24e-05, accuracy 100.0 %", wrap);
  return 5 * ImGui::GetFrameHeight() + intro + train + test + 2 * st.WindowPadding.y + 6 * st.ItemSpacing.y;
}

}  // namespace

void StudioApp::manual_panel() {
  const float em = ImGui::GetFontSize();
  // Bottom right of the window, over the panels' lower part, as tall as what it shows: the
  // canvas, where the line is dragged, stays clear, and so do the Training panel's loss and
  // accuracy (presenter mode has them low) down to 1024x768. Where there is no room for both
  // (presenter mode with the graph inspector docked below), it may cover them while it shows
  // the train and test loss and accuracy itself (StudioApp::kept_clear).
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const TrainConfig c = m_.config();
  const bool linear = is_linear_classifier(c);
  // Above the graph inspector docked below (drawn earlier this frame), no wider than the panels'
  // column (presenter mode's is narrower than this): it then leaves the canvas and the lesson's
  // text clear. Never made shorter than what it shows (it has no plot to shrink).
  float width = em * 21;
  const auto training = windows_.find("Training");
  if (inspector_docked_below() && training != windows_.end())
    width = std::min(width, std::max(training->second.rect.z - training->second.rect.x, em * 14));
  const ImVec2 size(width, manual_window_height(width, linear));
  place_view_window("Manual classifier", ImVec2(display.x - size.x, display.y - size.y), size, false, 1.0f, may_cover_metrics());
  if (!begin_view("Manual classifier", &show_manual_)) return;
  if (!linear) {
    text_wrapped_at_spaces(c.problem == Problem::Binary ? kNotLinear : kNotTwoClasses);
    if (c.problem == Problem::Binary && ImGui::Button("Use a linear model")) apply_config(linear_classifier(c));
    ImGui::End();
    return;
  }
  const auto snap = m_.snapshot();
  const std::optional<Separator> line = manual_line();
  if (!line) {
    ImGui::TextDisabled("building the model...");
    ImGui::End();
    return;
  }
  text_paragraph("%s", kManualIntro);
  float w1 = static_cast<float>(line->w1), w2 = static_cast<float>(line->w2), b = static_cast<float>(line->b);
  // Each number with its slider, and a button that opens the loss as a function of it.
  auto row = [&](const char* name, float& value, float range, int in) {
    ImGui::PushID(name);
    // As wide as leaves its name and the button beside it, up to 10 em.
    const float beside = labelled_width(name, 0) + ImGui::GetStyle().ItemSpacing.x + button_width("tangent");
    ImGui::SetNextItemWidth(std::clamp(ImGui::GetContentRegionAvail().x - beside, em * 6, em * 10));
    if (ImGui::SliderFloat(name, &value, -range, range, "%.3f", ImGuiSliderFlags_AlwaysClamp)) m_.pause(), m_.set_weight(0, 0, in, value);
    same_line_if_fits(button_width("tangent"));
    if (ImGui::SmallButton("tangent")) show_tangent({0, 0, std::max(0, in), in < 0}, tangent_eps_);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the loss as a function of %s, with its tangent (key K)", name);
    ImGui::PopID();
  };
  row("w1", w1, 5, 0);
  row("w2", w2, 5, 1);
  row("b", b, 10, -1);
  // The loss and accuracy on both sets, as the Training panel shows them (which this may cover).
  const char* sizes = "each point is drawn as large as its own loss: the big points cost most";
  text_wrapped("train: loss %s, accuracy %s", loss_text(snap->train.loss).c_str(), accuracy_text(snap->train.accuracy).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sizes);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.84f, 0.37f, 0.0f, 1));  // the Training panel's colour for test
  text_wrapped("test: loss %s, accuracy %s", loss_text(snap->test.loss).c_str(), accuracy_text(snap->test.accuracy).c_str());
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sizes);
  if (m_.playing()) {
    if (ImGui::Button("Pause: take the line back")) m_.pause();
  } else if (ImGui::Button("Hand over to gradient descent")) {
    m_.play();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("training plays from the line where you left it; the line keeps moving under the optimizer");
  ImGui::End();
}

}  // namespace bp::studio
