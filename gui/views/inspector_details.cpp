// The inspector's explanation: what the current step computes, the focused node's value and
// gradient (its formula with the numbers filled in), its value and gradient over the whole
// plane, a derivative check for parameters, and, after the backward pass, the update and a
// button that applies it to the live network.
#include <algorithm>
#include <cmath>

#include "common/palette.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

std::string num(double v) { return explain::format_number(v); }

}  // namespace

void StudioApp::neuron_table(const InspectorModel::NeuronDetail& d, const std::string& name, bool grads) {
  // z = Σ w·x + b, then a = f(z); a row per input with its weight (and, once the backward pass
  // has reached the neuron, the weight's gradient d loss/d w = d loss/d z · x).
  text_wrapped_at_spaces("z = Σ w·x + b = " + num(d.z));
  text_wrapped_at_spaces(name + " = " + d.activation + "(z) = " + num(d.a));
  if (grads) {
    text_wrapped_at_spaces("d loss / d " + name + " = " + num(d.grad_a));
    text_wrapped_at_spaces("d loss / d z = " + num(d.grad_a) + " × f'(z) " + num(d.fprime) + " = " + num(d.grad_z));
  }
  const int cols = grads ? 4 : 3;
  if (ImGui::BeginTable("neuron", cols, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_NoSavedSettings)) {
    ImGui::TableSetupColumn("input x");
    ImGui::TableSetupColumn("weight w");
    ImGui::TableSetupColumn("w·x");
    if (grads) ImGui::TableSetupColumn("d loss/d w");
    ImGui::TableHeadersRow();
    const size_t shown = std::min<size_t>(d.inputs.size(), 16);
    auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& e) {
      ImGui::TableNextRow();
      for (const std::string* t : {&a, &b, &c, &e}) {
        if (t == &e && !grads) break;
        ImGui::TableNextColumn();
        text_wrapped_at_spaces(*t);
      }
    };
    for (size_t i = 0; i < shown; ++i)
      row(d.input_names[i] + " " + num(d.inputs[i]), d.weight_names[i] + " " + num(d.weights[i]), num(d.weights[i] * d.inputs[i]),
          num(d.weight_grads[i]));
    row("bias", d.bias_name + " " + num(d.bias), num(d.bias), num(d.bias_grad));
    ImGui::EndTable();
    if (shown < d.inputs.size()) ImGui::TextDisabled("(the first %zu of %zu inputs)", shown, d.inputs.size());
  }
}

void StudioApp::inspector_details() {
  explain::Stepper& st = inspector_.stepper();
  const explain::Graph& g = inspector_.graph();
  const auto e = st.explain();
  for (const std::string& line : e.lines) text_wrapped_at_spaces(line);
  const int focus = inspector_.focus();
  if (focus >= 0) {
    const explain::GNode& n = g.nodes[static_cast<size_t>(focus)];
    ImGui::Separator();
    ImGui::Text("Node: %s%s", n.label.c_str(), inspector_.selected() >= 0 ? " (selected)" : "");
    const auto neuron = inspector_.neuron_detail(focus);
    if (neuron && st.computed(focus)) {
      neuron_table(*neuron, n.label, st.has_grad(focus));
    } else if (g.level != explain::Level::Tensor) {
      if (st.computed(focus)) text_wrapped_at_spaces("value: " + (n.scalar ? scalar::forward_formula(*n.scalar) : num(n.value)));
      if (st.has_grad(focus)) ImGui::Text("d loss / d %s = %s", n.label.c_str(), num(st.grad(focus)).c_str());
    } else {
      text_wrapped_at_spaces(n.shape + "  value " + n.value_text);
      if (!n.heat.empty()) {  // a small picture of the tensor
        const ImVec2 p = ImGui::GetCursorScreenPos();
        float vmax = 1e-6f;
        for (float v : n.heat) vmax = std::max(vmax, std::fabs(v));
        const float px = std::min(ImGui::GetFontSize() * 0.8f, 160.0f / static_cast<float>(std::max(n.heat_cols, n.heat_rows)));
        for (int r = 0; r < n.heat_rows; ++r)
          for (int c = 0; c < n.heat_cols; ++c) {
            const tools::Rgb col = tools::diverging(n.heat[static_cast<size_t>(r * n.heat_cols + c)] / vmax, 0.9f);
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x + c * px, p.y + r * px), ImVec2(p.x + (c + 1) * px, p.y + (r + 1) * px),
                                                      im_color(col.r, col.g, col.b));
          }
        ImGui::Dummy(ImVec2(px * n.heat_cols, px * n.heat_rows));
      }
    }
    // What the node computes over the whole plane (neurons and inputs).
    const auto snap = m_.snapshot();
    int map_layer = -1, map_index = -1;
    if (n.kind == explain::GNode::Input && focus < static_cast<int>(m_.config().features.size())) map_layer = 0, map_index = focus;
    // A neuron's value: its weighted sum, its activation, or the neuron-level node.
    const scalar::OpKind k = n.scalar ? n.scalar->op_kind : scalar::OpKind::Leaf;
    if (n.kind == explain::GNode::Op && n.layer >= 0 && n.neuron >= 0 &&
        (k == scalar::OpKind::Neuron || k == scalar::OpKind::Sum || k == scalar::OpKind::Activation))
      map_layer = n.layer + 1, map_index = n.neuron;
    if (map_layer >= 0 && static_cast<size_t>(map_layer) < snap->neuron_maps.size() &&
        static_cast<size_t>(map_index) < snap->neuron_maps[static_cast<size_t>(map_layer)].size()) {
      atlas_.update(*snap);
      const auto uv = atlas_.tile(static_cast<size_t>(map_layer), static_cast<size_t>(map_index));
      const float s = ImGui::GetFontSize() * 7;
      ImGui::BeginGroup();
      ImGui::TextUnformatted("value over the plane");
      ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(atlas_.texture())), ImVec2(s, s), ImVec2(uv[0], uv[3]), ImVec2(uv[2], uv[1]));
      ImGui::EndGroup();
      if (map_layer >= 1) {  // d loss / d this neuron, with the traced label, at every position
        const std::vector<float>& grad_map = inspector_.cached_gradient_map(map_layer - 1, map_index, snap->region, 24);
        if (grad_map.size() == 24u * 24u) {
          same_line_if_fits(std::max(s, ImGui::CalcTextSize("d loss / d it, per position").x));
          ImGui::BeginGroup();
          ImGui::TextUnformatted("d loss / d it, per position");
          const ImVec2 p = ImGui::GetCursorScreenPos();
          float gmax = 1e-12f;
          for (float v : grad_map) gmax = std::max(gmax, std::fabs(v));
          const float cell = s / 24.0f;
          for (int row = 0; row < 24; ++row)
            for (int col = 0; col < 24; ++col) {
              const tools::Rgb c = tools::diverging(grad_map[static_cast<size_t>(row * 24 + col)] / gmax, 0.9f);
              ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x + col * cell, p.y + (23 - row) * cell),
                                                        ImVec2(p.x + (col + 1) * cell + 0.5f, p.y + (24 - row) * cell + 0.5f), im_color(c.r, c.g, c.b));
            }
          ImGui::Dummy(ImVec2(s, s));
          ImGui::EndGroup();
        }
      }
    }
    if (n.kind == explain::GNode::Param && g.level == explain::Level::Scalar) {
      if (ImGui::Button("Derivative check")) check_ = inspector_.derivative_check(focus), check_node_ = focus;
      if (check_ && check_node_ == focus)
        text_wrapped("autodiff %s, central difference %s, relative error %.2e", num(check_->autodiff).c_str(), num(check_->numeric).c_str(),
                     check_->relative_error);
    }
  }
  if (st.phase() == explain::Stepper::Done) {
    ImGui::Separator();
    const float lr = m_.config().lr;
    text_wrapped("Backward pass done. Apply the update w ← w − lr·grad with lr = %g:", static_cast<double>(lr));
    const auto updates = inspector_.update(lr);
    int shown = 0;
    for (const auto& u : updates) {  // largest change first, by the names the graph uses
      if (shown++ >= 6) break;
      ImGui::Text("  %s: %s → %s", u.name.c_str(), num(u.before).c_str(), num(u.after).c_str());
    }
    if (updates.size() > 6) ImGui::TextDisabled("  ... %zu parameters in all", updates.size());
    if (ImGui::Button("Apply update")) {
      const std::string why_not = inspector_.apply_update(m_, lr);
      m_.set_message(why_not.empty() ? "Applied one update for the traced point: watch the boundary move." : why_not);
    }
  }
  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped_at_spaces(std::to_string(g.nodes.size()) + " nodes. Keys: Right step, Left back, Home restart, End finish, Enter play");
  ImGui::PopStyleColor();
}

}  // namespace bp::studio
