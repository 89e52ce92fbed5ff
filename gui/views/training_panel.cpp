// Training: play/pause/step/reset, speed, counters, steps/s, train and test loss and accuracy,
// the live loss chart, and the divergence banner with its one-click remedy.
#include <algorithm>
#include <cmath>
#include <string>

#include "studio_app.h"

namespace bp::studio {

void StudioApp::training_panel() {
  begin_panel("Training");
  const auto snap = m_.snapshot();
  const float bw = ImGui::GetFontSize() * 4.2f;
  if (ImGui::Button(m_.playing() ? "Pause" : "Play", ImVec2(bw, 0))) m_.toggle_play();
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(bw, 0))) m_.step_once();
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(bw, 0))) m_.reset();
  ImGui::SameLine();
  ImGui::TextDisabled("Space / S / R");

  // Named speeds (slow, normal, fast, full), and any rate in between on the slider.
  const double speed = m_.speed();
  for (const SpeedPreset& p : kSpeedPresets) {
    if (&p != kSpeedPresets) ImGui::SameLine();
    if (ImGui::RadioButton(p.name, speed == p.steps_per_second)) m_.set_speed(p.steps_per_second);
  }
  if (speed > 0) {
    float sps = static_cast<float>(speed);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderFloat("##speed", &sps, 1.0f, 20000.0f, "%.0f steps/s", ImGuiSliderFlags_Logarithmic)) m_.set_speed(sps);
  }

  if (snap->diverged) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.88f, 0.82f, 1));
    const ImGuiStyle& st = ImGui::GetStyle();
    const float wrap = ImGui::GetContentRegionAvail().x - 2 * st.WindowPadding.x;
    const float h = ImGui::CalcTextSize(snap->divergence.c_str(), nullptr, false, wrap).y + ImGui::GetFrameHeightWithSpacing() +
                    2 * st.WindowPadding.y + st.ItemSpacing.y;
    ImGui::BeginChild("diverged", ImVec2(0, h), true);
    ImGui::TextWrapped("%s", snap->divergence.c_str());
    if (ImGui::Button("Reset with lower learning rate")) m_.reset_with_lower_lr();
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  if (!snap->diverged && !snap->dead_relu.empty()) {
    // Dead ReLUs: the quiet failure of a high learning rate.
    std::string text;
    for (const auto& d : snap->dead_relu)
      text += std::to_string(d.dead) + " of " + std::to_string(d.total) + " neurons in layer " + std::to_string(d.layer + 1) + " are dead. ";
    text += "A dead ReLU outputs 0 for every training point, so it no longer learns: the learning rate was too high.";
    // Tall enough for the wrapped text and the button (ImGui 1.86 children do not auto-size).
    const ImGuiStyle& st = ImGui::GetStyle();
    const float wrap = ImGui::GetContentRegionAvail().x - 2 * st.WindowPadding.x;
    const float h = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap).y + ImGui::GetFrameHeightWithSpacing() + 2 * st.WindowPadding.y +
                    st.ItemSpacing.y;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.93f, 0.80f, 1));
    ImGui::BeginChild("dead", ImVec2(0, h), true);
    ImGui::TextWrapped("%s", text.c_str());
    if (ImGui::Button("Reset with lower learning rate##dead")) m_.reset_with_lower_lr();
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  auto fmt = [](float v, const char* f) {
    static char buf[4][32];
    static int slot = 0;
    slot = (slot + 1) % 4;
    if (std::isnan(v)) return "-";
    std::snprintf(buf[slot], sizeof buf[slot], f, static_cast<double>(v));
    return static_cast<const char*>(buf[slot]);
  };
  ImGui::Text("epoch %.1f   step %lld   %.0f steps/s", snap->epoch, static_cast<long long>(snap->step), snap->steps_per_second);
  if (ImGui::BeginTable("metrics", 3, ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("");
    ImGui::TableSetupColumn("loss");
    ImGui::TableSetupColumn("accuracy");
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("train");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fmt(snap->train.loss, "%.4f"));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fmt(snap->train.accuracy * 100, "%.1f %%"));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1), "test");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fmt(snap->test.loss, "%.4f"));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fmt(snap->test.accuracy * 100, "%.1f %%"));
    ImGui::EndTable();
  }
  ImGui::Checkbox("log scale", &s_.log_loss);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  loss_chart(*snap, ImVec2(avail.x, std::max(avail.y, 60.0f)));
  ImGui::End();
}

void StudioApp::loss_chart(const Snapshot& snap, ImVec2 size) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->AddRectFilled(p0, p1, im_color(1, 1, 1));
  dl->AddRect(p0, p1, im_color(0.6f, 0.6f, 0.6f));
  const auto& h = snap.history;
  if (h.size() < 2) {
    dl->AddText(ImVec2(p0.x + 8, p0.y + 8), im_color(0.5f, 0.5f, 0.5f), "loss appears here while training");
    return;
  }
  auto tf = [&](double v) { return s_.log_loss ? std::log10(std::max(v, 1e-8)) : v; };
  double lo = INFINITY, hi = -INFINITY;
  for (const HistoryPoint& p : h)
    for (float v : {p.train_loss, p.test_loss})
      if (std::isfinite(v)) lo = std::min(lo, tf(v)), hi = std::max(hi, tf(v));
  if (!std::isfinite(lo)) return;
  if (!s_.log_loss) lo = 0;
  if (hi - lo < 1e-9) hi = lo + 1;
  const double s0 = static_cast<double>(h.front().step), s1 = std::max(static_cast<double>(h.back().step), s0 + 1);
  const float pad = 6;
  auto pt = [&](double step, double v) {
    return ImVec2(p0.x + pad + static_cast<float>((step - s0) / (s1 - s0)) * (size.x - 2 * pad),
                  p1.y - pad - static_cast<float>((tf(v) - lo) / (hi - lo)) * (size.y - 2 * pad));
  };
  for (int series = 1; series >= 0; --series) {
    std::vector<ImVec2> line;
    for (const HistoryPoint& p : h) {
      const float v = series == 0 ? p.train_loss : p.test_loss;
      if (std::isfinite(v)) line.push_back(pt(static_cast<double>(p.step), v));
    }
    if (line.size() > 1)
      dl->AddPolyline(line.data(), static_cast<int>(line.size()), series == 0 ? im_color(0.1f, 0.1f, 0.1f) : class_im_color(3),
                      0, 2.0f);
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g", s_.log_loss ? std::pow(10.0, hi) : hi);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), im_color(0.3f, 0.3f, 0.3f), buf);
  std::snprintf(buf, sizeof buf, "step %lld", static_cast<long long>(h.back().step));
  dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(buf).x - 4, p1.y - ImGui::GetFontSize() - 2), im_color(0.3f, 0.3f, 0.3f), buf);
}

}  // namespace bp::studio
