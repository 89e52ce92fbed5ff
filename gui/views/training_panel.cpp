// Training: play/pause/step/reset, speed, counters, steps/s, train and test loss and accuracy,
// and the divergence and dead-ReLU banners with their one-click remedy.
#include <imgui_internal.h>  // whether the Network panel is collapsed

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "flow.h"
#include "model/device_summary.h"
#include "model/number_text.h"
#include "studio_app.h"

namespace bp::studio {

namespace {

// A coloured box with `text` wrapped and a button below it that offers the remedy (none where
// `button` is null); true when the button was clicked. As tall as its text and button (ImGui
// 1.86 children do not auto-size).
// The text is wrapped at spaces only (ImGui's TextWrapped also breaks after '.', splitting a
// number: "(0.\n693)"); the button's label (before any "##id") too, where the panel is too
// narrow for it (presenter mode at 1024x768).
bool remedy_banner(const char* id, ImVec4 color, const std::string& text, const char* button) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float wrap = ImGui::GetContentRegionAvail().x - 2 * st.WindowPadding.x;
  const auto measure = [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; };
  const std::string full = button ? button : "";
  const size_t hash = full.find("##");
  const std::string label =
      wrap_at_spaces(full.substr(0, hash), wrap - 2 * st.FramePadding.x, measure) + (hash == std::string::npos ? "" : full.substr(hash));
  const std::string lines = wrap_at_spaces(text, wrap, measure, false);
  const float button_h = button ? ImGui::CalcTextSize(label.c_str(), nullptr, true).y + 2 * st.FramePadding.y + st.ItemSpacing.y : 0;
  const float h = ImGui::CalcTextSize(lines.c_str()).y + button_h + 2 * st.WindowPadding.y + st.ItemSpacing.y;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, color);
  ImGui::BeginChild(id, ImVec2(0, h), true);
  ImGui::TextUnformatted(lines.c_str());
  const bool clicked = button && ImGui::Button(label.c_str());
  ImGui::EndChild();
  ImGui::PopStyleColor();
  return clicked;
}

// The panel's rows from y0 to y1 across its width, kept clear of the views: all of them, and the
// part scrolled into view (clipped to the panel; empty, y1 <= y0, where none is).
struct Rows {
  ImVec4 whole, shown;
};
Rows rows_between(float y0, float y1) {
  const ImRect clip = ImGui::GetCurrentWindow()->InnerClipRect;
  return {ImVec4(clip.Min.x, y0, clip.Max.x, y1), ImVec4(clip.Min.x, std::max(y0, clip.Min.y), clip.Max.x, std::min(y1, clip.Max.y))};
}

// The button of AppModel::reset_with_less_decay: a tenth of whichever of the two `c` has.
const char* less_decay_label(const TrainConfig& c) {
  return c.weight_decay == 0 ? "Reset with a lower regularization rate"
         : c.regularization.rate == 0 ? "Reset with less weight decay"
                                       : "Reset with less weight decay and regularization";
}

}  // namespace

void StudioApp::training_panel() {
  metrics_rect_.reset();
  metrics_whole_ = {};
  banner_rect_ = banner_whole_ = {};
  if (!begin_panel("Training")) return;  // folded
  {  // the height that shows all it drew last frame (normal_layout fits the panel to it)
    const ImGuiWindow* w = ImGui::GetCurrentWindow();
    training_needs_h_ = std::ceil(w->ContentSize.y + 2 * w->WindowPadding.y + w->TitleBarHeight());
  }
  const auto snap = m_.snapshot();
  // Three buttons share the row (their keys in the tooltips); the speeds flow onto as many rows
  // as the panel's width needs.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float bw = std::min(ImGui::GetFontSize() * 4.2f, (ImGui::GetContentRegionAvail().x - 2 * spacing) / 3);
  if (ImGui::Button(m_.playing() ? "Pause" : "Play", ImVec2(bw, 0))) m_.toggle_play();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(bw, 0))) m_.step_once();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("S: one training step");
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(bw, 0))) m_.reset();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("R: new weights from the seed");

  // Named speeds (slow, normal, fast, full), and any rate in between on the slider.
  const double speed = m_.speed();
  for (const SpeedPreset& p : kSpeedPresets) {
    if (&p != kSpeedPresets) same_line_if_fits(labelled_width(p.name, ImGui::GetFrameHeight()));
    if (ImGui::RadioButton(p.name, speed == p.steps_per_second)) m_.set_speed(p.steps_per_second);
  }
  if (speed > 0) {
    float sps = static_cast<float>(speed);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderFloat("##speed", &sps, 1.0f, 20000.0f, "%.0f steps/s", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) m_.set_speed(sps);
  }

  // One remedy banner at most, the first that applies: a diverged run, training points that all
  // have one target, then what flattened the network, a regression's large targets, dead ReLUs
  // that keep it from learning (a few in a network that learned its points are marked in the
  // network diagram only), a loss that overshoots, saturated units, and copies.
  const ImVec4 remedy_color(1.0f, 0.93f, 0.80f, 1);
  const bool banner = snap->diverged || snap->one_target || snap->flattened || snap->large_targets || snap->dead_relu_hurt || snap->overshoot || snap->saturated ||
                      !snap->copied.empty();
  if (snap->diverged) {
    if (remedy_banner("diverged", ImVec4(1.0f, 0.88f, 0.82f, 1), snap->divergence, "Reset with lower learning rate")) m_.reset_with_lower_lr();
  } else if (snap->one_target) {
    // Training points of one class (a lecturer's first clicks): nothing to learn, not a rate too
    // high. The remedy, while clicks add that class: clicks add another (of a regression, the
    // slider picks the value).
    const bool regression = m_.config().problem == Problem::Regression;
    const int other = *snap->one_target == 0 ? 1 : 0;
    char label[48];
    std::snprintf(label, sizeof label, "Click adds class %d##one", other);
    const bool offer = !regression && static_cast<float>(s_.selected_class) == *snap->one_target;
    const std::string text = snap->one_target_text + (regression ? " Place points with other values." : " Place points of another class.");
    if (remedy_banner("one", remedy_color, text, offer ? label : nullptr)) s_.selected_class = other;
  } else if (snap->flattened) {
    if (remedy_banner("flattened", remedy_color, flattened_summary(*snap->flattened), less_decay_label(m_.config()))) m_.reset_with_less_decay();
  } else if (snap->large_targets) {
    // Targets far from -1..1 (an imported CSV): why the units saturate or the ReLUs die, which a
    // lower rate does not mend.
    if (remedy_banner("targets", remedy_color, snap->large_targets_text, "Scale the values to -1..1##targets")) m_.scale_values();
  } else if (snap->dead_relu_hurt) {
    // Dead ReLUs: the quiet failure of a high learning rate (the loss jumped); of gradient
    // descent at any rate (it did not); of the zeros initializer (their weights all 0); or of
    // first weights that left them dead from the start. Each with its own remedy.
    const bool zeros_init = m_.config().init == Init::Zeros;
    const DeadReLURemedy remedy = dead_relu_remedy(snap->dead_relu, zeros_init, snap->start, snap->loss_jumped);
    const std::string text = dead_relu_summary(snap->dead_relu, zeros_init, snap->start, snap->loss_jumped) +
                             (remedy == DeadReLURemedy::DefaultInit ? " Choose another initializer." : "");
    const char* label = remedy == DeadReLURemedy::DefaultInit ? "Reset with the default initializer##dead"
                        : remedy == DeadReLURemedy::AnotherSeed ? "Reset with another seed##dead"
                        : remedy == DeadReLURemedy::Reset       ? "Reset##dead"
                        : remedy == DeadReLURemedy::LeakyReLU   ? "Reset with leaky ReLU##dead"
                                                                : "Reset with lower learning rate##dead";
    if (remedy_banner("dead", remedy_color, text, label)) {
      if (remedy == DeadReLURemedy::DefaultInit) m_.reset_with_default_init();
      else if (remedy == DeadReLURemedy::AnotherSeed) m_.reset_with_another_seed();
      else if (remedy == DeadReLURemedy::Reset) m_.reset();
      else if (remedy == DeadReLURemedy::LeakyReLU) m_.reset_with_leaky_relu();
      else m_.reset_with_lower_lr();
    }
  } else if (snap->overshoot) {
    if (remedy_banner("overshoot", remedy_color, snap->overshoot_text,
                      snap->overshoot_decay ? less_decay_label(m_.config()) : "Reset with lower learning rate##overshoot"))
      snap->overshoot_decay ? m_.reset_with_less_decay() : m_.reset_with_lower_lr();
  } else if (snap->saturated) {
    // Saturated tanh or sigmoid units where nothing is learned (or what was, lost): the quiet
    // failure of a high rate for those units, as dead neurons are for ReLUs.
    if (remedy_banner("saturated", remedy_color, snap->saturated_text, "Reset with lower learning rate##saturated")) m_.reset_with_lower_lr();
  } else if (!snap->copied.empty()) {
    // Copies: a sigmoid or tanh network started at equal weights learns, but each layer as one
    // neuron (the diagram shows the same map over and over); the reason is symmetry.
    const std::string text = copied_summary(snap->copied, m_.config().init == Init::Zeros);
    if (remedy_banner("copies", remedy_color, text, "Reset with the default initializer##copies")) m_.reset_with_default_init();
  }
  if (banner) {  // the banner's box (the last item drawn), kept clear as the loss and accuracy are
    const Rows r = rows_between(ImGui::GetItemRectMin().y, ImGui::GetItemRectMax().y);
    banner_whole_ = r.whole, banner_rect_ = r.shown;
  }

  // Where training runs, and why there (auto's choice): the first clause; all of it on hover.
  // Above the loss and accuracy; below them while a banner shows, which leaves them the room
  // where the panel is short (presenter mode at 1024x768 with the saturated units' banner).
  const auto device_line = [&] {
    const std::string note = m_.device_note();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    text_paragraph("device: %s", device_summary(note).c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
      ImGui::TextUnformatted(note.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  };
  char counter[64];
  std::snprintf(counter, sizeof counter, "epoch %.1f", snap->epoch);
  ImGui::TextUnformatted(counter);
  std::snprintf(counter, sizeof counter, "step %lld", static_cast<long long>(snap->step));
  same_line_if_fits(ImGui::CalcTextSize(counter).x);
  ImGui::TextUnformatted(counter);
  // Playing with nothing to train on: says so rather than "0 steps/s" (the canvas says how to
  // get points back).
  if (snap->waiting_for_points) std::snprintf(counter, sizeof counter, "waiting for points");
  else std::snprintf(counter, sizeof counter, "%.0f steps/s", snap->steps_per_second);
  same_line_if_fits(ImGui::CalcTextSize(counter).x);
  ImGui::TextUnformatted(counter);
  if (!banner) device_line();
  // "accuracy" shortens to "acc." where the panel is too narrow for the word (never "accur…").
  const float col = ImGui::GetContentRegionAvail().x / 3 - 2 * ImGui::GetStyle().CellPadding.x;
  const char* acc_header = ImGui::CalcTextSize("accuracy").x <= col ? "accuracy" : "acc.";
  const float metrics_top = ImGui::GetCursorScreenPos().y;
  if (ImGui::BeginTable("metrics", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_NoSavedSettings)) {
    ImGui::TableSetupColumn("");
    ImGui::TableSetupColumn("loss");
    ImGui::TableSetupColumn(acc_header);
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("train");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(loss_text(snap->train.loss).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(accuracy_text(snap->train.accuracy).c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1), "test");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(loss_text(snap->test.loss).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(accuracy_text(snap->test.accuracy).c_str());
    ImGui::EndTable();
    // Where the loss and accuracy show (scrolled into view): views keep clear of them.
    const Rows r = rows_between(metrics_top, ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y);
    metrics_whole_ = r.whole;
    if (r.shown.w > r.shown.y) metrics_rect_ = r.shown;
  }
  if (banner) device_line();
  if (s_.presenter) {
    // Presenter mode: the network diagram fills the rest of the panel while Network is closed.
    const ImGuiWindow* net = ImGui::FindWindowByName("Network");
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if ((!net || net->Collapsed) && avail.y > ImGui::GetFontSize() * 5) {
      if (ImGui::BeginChild("diagram", ImVec2(0, avail.y), true, ImGuiWindowFlags_NoScrollbar)) network_diagram(*snap, presenter_diagram_view_);
      ImGui::EndChild();
    }
  }
  ImGui::End();
}

}  // namespace bp::studio
