// The graph inspector: the traced example's graph at scalar, neuron or tensor level, laid out
// left to right, with pan, zoom, fit and search; step forward, back, play, restart, run to end;
// and a panel that explains the current node: its value, the upstream gradient, the local
// derivative with the numbers filled in, what is added into each input, a derivative check for
// parameters, and "apply update".
#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/palette.h"
#include "render/cached_view.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

std::string num(double v) { return explain::format_number(v); }

ImU32 kind_fill(explain::GNode::Kind k) {
  switch (k) {
    case explain::GNode::Input: return im_color(0.93f, 0.93f, 0.93f);
    case explain::GNode::Param: return im_color(0.99f, 0.89f, 0.72f);
    case explain::GNode::Target: return im_color(0.91f, 0.91f, 0.91f);
    case explain::GNode::Loss: return im_color(0.96f, 0.78f, 0.76f);
    case explain::GNode::Op: return im_color(0.86f, 0.91f, 0.96f);
  }
  return im_color(1, 1, 1);
}

// ImGui 1.86's TextWrapped also breaks after '.', ',' and ';', which splits numbers across lines
// ("0.\n001293"). Here lines break only at spaces, so every number stays whole; continuation
// lines keep the paragraph's indentation.
void text_wrapped_at_spaces(const std::string& text) {
  const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string para = text.substr(start, end - start);
    const size_t lead = std::min(para.find_first_not_of(' '), para.size());
    const std::string indent(lead, ' ');
    std::string line = indent;
    bool first_word = true;
    size_t w = lead;
    while (w < para.size()) {
      size_t e = para.find(' ', w);
      if (e == std::string::npos) e = para.size();
      const std::string word = para.substr(w, e - w);
      const std::string candidate = first_word ? line + word : line + " " + word;
      if (!first_word && ImGui::CalcTextSize(candidate.c_str()).x > width) {
        out += line + "\n";
        line = indent + "  " + word;
      } else {
        line = candidate;
      }
      first_word = false;
      w = e + 1;
      while (w < para.size() && para[w] == ' ') ++w;
    }
    out += line;
    if (end == text.size()) break;
    out += "\n";
    start = end + 1;
  }
  ImGui::TextUnformatted(out.c_str());
}

}  // namespace

void StudioApp::trace_point(const StudioPoint& p) {
  inspector_.trace(p, *m_.snapshot(), m_.config());
  fit_graph_ = true;
}

void StudioApp::inspector_panel() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(display.x * 0.92f, display.y * 0.62f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.04f, display.y * 0.34f), ImGuiCond_FirstUseEver);
  const bool inspector_open = ImGui::Begin("Graph inspector", &show_inspector_);
  note_window("Graph inspector");
  if (!inspector_open) {
    ImGui::End();
    return;
  }
  if (!inspector_.ready() && inspector_.error().empty()) {
    const auto pts = m_.points();
    if (!pts.empty()) trace_point(pts.front());
  }
  // ---- toolbar -----------------------------------------------------------------------------
  int level = static_cast<int>(inspector_.level());
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  if (ImGui::Combo("level", &level, "scalar\0neuron\0tensor\0")) {
    inspector_.set_level(static_cast<explain::Level>(level));
    fit_graph_ = true;
  }
  ImGui::SameLine();
  ImGui::Checkbox("pick point on canvas", &pick_mode_);
  if (inspector_.ready()) {
    ImGui::SameLine();
    const StudioPoint& p = inspector_.point();
    ImGui::TextDisabled("tracing (%.2f, %.2f), label %g", static_cast<double>(p.x), static_cast<double>(p.y), static_cast<double>(p.label));
  }
  if (inspector_.ready() && inspector_.stale(*m_.snapshot(), m_.config())) {
    // Never silently old: the traced weights are not the live ones any more.
    const auto live = m_.snapshot();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.25f, 0.0f, 1));
    if (live->step != inspector_.traced_step())
      ImGui::TextWrapped("Traced at step %lld; training has gone on to step %lld. The graph shows the traced weights.",
                         static_cast<long long>(inspector_.traced_step()), static_cast<long long>(live->step));
    else
      ImGui::TextWrapped("The network has changed since this trace. The graph shows the traced weights.");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("Refresh to the live weights")) inspector_.refresh(*live, m_.config());
  }
  if (!inspector_.ready()) {
    if (!inspector_.error().empty()) {
      ImGui::TextWrapped("%s. Pick another point.",
                         inspector_.error().c_str());
    } else {
      ImGui::TextUnformatted("Add a point to the canvas, then trace it here.");
    }
    ImGui::End();
    return;
  }
  explain::Stepper& st = inspector_.stepper();
  const explain::Graph& g = inspector_.graph();
  // ---- controls ----------------------------------------------------------------------------
  if (ImGui::Button("|< Restart")) st.restart(), inspector_.playing = false;
  ImGui::SameLine();
  if (ImGui::Button("< Back")) st.step_back();
  ImGui::SameLine();
  if (ImGui::Button("Step >")) st.step();
  ImGui::SameLine();
  if (ImGui::Button(inspector_.playing ? "Pause" : "Play")) inspector_.playing = !inspector_.playing;
  ImGui::SameLine();
  if (ImGui::Button("End >|")) st.run_to_end();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::SliderFloat("##rate", &inspector_.steps_per_second, 0.5f, 50.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputTextWithHint("##find", "find node", search_, sizeof search_, ImGuiInputTextFlags_EnterReturnsTrue)) {
    const int hit = inspector_.find(search_, inspector_.selected());
    if (hit >= 0) inspector_.select(hit), center_on_ = hit;
  }
  ImGui::SameLine();
  if (ImGui::Button("Export...")) {
    path_action_ = PathAction::ExportGraph;
    std::snprintf(path_buf_, sizeof path_buf_, "graph.svg");
    path_error_.clear();
    open_path_popup_ = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("save the graph as .dot, .svg or .png");
  ImGui::SameLine();
  if (ImGui::Button("Go to") && inspector_.selected() >= 0) st.jump_to(inspector_.selected());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step until the selected node is the one being explained");
  ImGui::SameLine();
  if (ImGui::Button("Fit")) fit_graph_ = true;
  if (inspector_.playing) {
    inspector_.step_credit += ImGui::GetIO().DeltaTime * inspector_.steps_per_second;
    while (inspector_.step_credit >= 1.0) {
      inspector_.step_credit -= 1.0;
      if (!st.step()) inspector_.playing = false;
    }
  }
  const char* phase = st.phase() == explain::Stepper::Forward ? "forward pass" : st.phase() == explain::Stepper::Backward ? "backward pass" : "done";
  ImGui::SameLine();
  ImGui::TextDisabled("%s, step %zu", phase, st.steps_taken());

  // ---- graph view ----------------------------------------------------------------------------
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side_w = std::max(avail.x * 0.32f, ImGui::GetFontSize() * 18);
  ImGui::BeginChild("graph", ImVec2(avail.x - side_w - 8, avail.y), true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 origin = ImGui::GetCursorScreenPos(), size = ImGui::GetContentRegionAvail();
  const explain::Layout& lay = inspector_.layout();
  const float cw = 170, rh = 58, bw = 150, bh = 46;
  if (fit_graph_) {
    const float gw = cw * static_cast<float>(std::max(1, lay.columns)), gh = rh * static_cast<float>(std::max(1, lay.rows));
    graph_zoom_ = std::clamp(std::min(size.x / gw, size.y / gh) * 0.95f, 0.05f, 2.0f);
    graph_pan_ = ImVec2((size.x - gw * graph_zoom_) * 0.5f, (size.y - gh * graph_zoom_) * 0.5f);
    fit_graph_ = false;
  }
  ImGui::InvisibleButton("graph_area", size);
  const bool hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0) {
    const float f = std::pow(1.15f, io.MouseWheel);
    const ImVec2 m(io.MousePos.x - origin.x, io.MousePos.y - origin.y);
    graph_pan_ = ImVec2(m.x - (m.x - graph_pan_.x) * f, m.y - (m.y - graph_pan_.y) * f);
    graph_zoom_ = std::clamp(graph_zoom_ * f, 0.05f, 4.0f);
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    graph_pan_.x += io.MouseDelta.x;
    graph_pan_.y += io.MouseDelta.y;
  }
  auto box = [&](size_t i) {
    return ImVec2(origin.x + graph_pan_.x + (cw * lay.x[i] + (cw - bw) / 2) * graph_zoom_,
                  origin.y + graph_pan_.y + (rh * lay.y[i] + (rh - bh) / 2) * graph_zoom_);
  };
  if (center_on_ >= 0 && static_cast<size_t>(center_on_) < g.nodes.size()) {
    const ImVec2 b = box(static_cast<size_t>(center_on_));
    graph_pan_.x += origin.x + size.x / 2 - (b.x + bw * graph_zoom_ / 2);
    graph_pan_.y += origin.y + size.y / 2 - (b.y + bh * graph_zoom_ / 2);
    center_on_ = -1;
  }
  // Collapsed neurons or layers: every member is drawn as one box at its last member's place.
  const std::vector<int> rep = inspector_.representatives();
  std::vector<int> members(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) members[static_cast<size_t>(rep[i])]++;
  const int current = st.current() >= 0 ? rep[static_cast<size_t>(st.current())] : -1;
  const bool backward = st.phase() != explain::Stepper::Forward && current >= 0;
  // The graph is rasterized only when what it shows changes, and copied to the screen otherwise.
  // When the whole graph fits in a texture twice the view's size, the texture holds all of it,
  // and panning only moves the copy; zoomed in further, it holds the view, and only what is on
  // screen is drawn.
  const float margin = 4;
  const ImVec2 whole(cw * static_cast<float>(std::max(1, lay.columns)) * graph_zoom_ + 2 * margin,
                     rh * static_cast<float>(std::max(1, lay.rows)) * graph_zoom_ + 2 * margin);
  const bool all = whole.x <= 2 * size.x && whole.y <= 2 * size.y && whole.x * whole.y <= 8e6f;  // ≤ 32 MB
  const ImVec2 rpos = all ? ImVec2(origin.x + graph_pan_.x - margin, origin.y + graph_pan_.y - margin) : origin;
  const ImVec2 rsize = all ? whole : size;
  auto visible = [&](ImVec2 p) {
    return p.x + bw * graph_zoom_ >= rpos.x && p.x <= rpos.x + rsize.x && p.y + bh * graph_zoom_ >= rpos.y && p.y <= rpos.y + rsize.y;
  };
  uint64_t key = digest(digest(digest(kDigestSeed, inspector_.revision()), st.steps_taken()), inspector_.selected());
  key = digest(digest(digest(digest(key, graph_zoom_), all ? ImVec2(0, 0) : graph_pan_), ImGui::GetFontSize()), &g);
  if (ImDrawList* dl = graph_view_.begin(key, rpos, rsize)) {
    // Zoomed out, edges and box outlines are hairlines: drawn without the anti-aliased fringe,
    // they cost software GL a third of the pixels and triangles, and look the same at that size.
    if (graph_zoom_ < 0.3f) dl->Flags &= ~ImDrawListFlags_AntiAliasedLines;
    for (size_t i = 0; i < g.nodes.size(); ++i)
      for (int in0 : g.nodes[i].inputs) {
        const int in = rep[static_cast<size_t>(in0)], to = rep[i];
        if (in == to) continue;  // inside a collapsed box
        const ImVec2 a = box(static_cast<size_t>(in)), b = box(static_cast<size_t>(to));
        const ImVec2 p0(a.x + bw * graph_zoom_, a.y + bh * graph_zoom_ / 2), p1(b.x, b.y + bh * graph_zoom_ / 2);
        if (std::max(p0.x, p1.x) < rpos.x || std::min(p0.x, p1.x) > rpos.x + rsize.x) continue;
        if (std::max(p0.y, p1.y) < rpos.y || std::min(p0.y, p1.y) > rpos.y + rsize.y) continue;
        const bool hot = backward && to == current;
        dl->AddLine(p0, p1, hot ? class_im_color(3) : im_color(0.55f, 0.55f, 0.55f, 0.8f), hot ? 3.0f : 1.0f);
      }
    // Three lines (title, value, gradient at 0.9 size) must fit in a box, even with the presenter font.
    const float fs = std::min(ImGui::GetFontSize() * std::clamp(graph_zoom_, 0.5f, 1.2f), (bh * graph_zoom_ - 4) / 2.8f);
    // Small text from the normal font: the presenter font scaled down loses its thin strokes
    // (minus signs vanish).
    ImFont* font = fonts_.normal && fs < fonts_.normal->FontSize * 1.2f ? fonts_.normal : ImGui::GetFont();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (rep[i] != static_cast<int>(i)) continue;  // a member of a collapsed box
      const ImVec2 a = box(i);
      if (!visible(a)) continue;
      const ImVec2 b(a.x + bw * graph_zoom_, a.y + bh * graph_zoom_);
      const explain::GNode& n = g.nodes[i];
      const int idx = static_cast<int>(i);
      const bool done = st.computed(idx);
      dl->AddRectFilled(a, b, done ? kind_fill(n.kind) : im_color(0.97f, 0.97f, 0.97f), 5.0f * graph_zoom_);
      const bool is_current = idx == current, is_selected = idx == inspector_.selected();
      dl->AddRect(a, b, is_current ? class_im_color(3) : (is_selected ? class_im_color(1) : im_color(0.35f, 0.35f, 0.35f)), 5.0f * graph_zoom_, 0,
                  is_current || is_selected ? 3.0f : 1.0f);
      if (graph_zoom_ > 0.3f) {
        std::string title = n.label;
        if (!n.op.empty() && n.op != n.label && n.op != "neuron") title += " (" + n.op + ")";
        if (members[i] > 1) {
          char buf[64];
          const bool whole_layer = inspector_.is_layer_collapsed(n.layer);
          if (whole_layer)
            std::snprintf(buf, sizeof buf, "[layer %d: %d nodes]", n.layer + 1, members[i]);
          else
            std::snprintf(buf, sizeof buf, "[neuron %d.%d: %d nodes]", n.layer + 1, n.neuron + 1, members[i]);
          title = buf;
        }
        const std::string v = g.level == explain::Level::Tensor ? n.shape : (done ? "value " + num(n.value) : "value ?");
        // Tensor level: "grad ready" only where the engine keeps a gradient (not inputs or targets).
        const bool has_grad = st.has_grad(idx) && (g.level != explain::Level::Tensor || (!n.grad_text.empty() && n.grad_text != "-"));
        const std::string gr = has_grad ? (g.level == explain::Level::Tensor ? "grad ready" : "grad " + num(st.grad(idx))) : "";
        const ImVec4 clip(a.x, a.y, b.x - 3, b.y);
        dl->AddText(font, fs, ImVec2(a.x + 4, a.y + 2), im_color(0.05f, 0.05f, 0.05f), title.c_str(), nullptr, 0, &clip);
        dl->AddText(font, fs * 0.9f, ImVec2(a.x + 4, a.y + 2 + fs), im_color(0.2f, 0.2f, 0.2f), v.c_str(), nullptr, 0, &clip);
        if (!gr.empty()) dl->AddText(font, fs * 0.9f, ImVec2(a.x + 4, a.y + 2 + 1.9f * fs), class_im_color(3), gr.c_str(), nullptr, 0, &clip);
      }
    }
  }
  graph_view_.end(ImGui::GetWindowDrawList(), ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));
  int hovered_node = -1;
  if (hovered)
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (rep[i] != static_cast<int>(i)) continue;
      const ImVec2 a = box(i);
      if (visible(a) && io.MousePos.x >= a.x && io.MousePos.x <= a.x + bw * graph_zoom_ && io.MousePos.y >= a.y &&
          io.MousePos.y <= a.y + bh * graph_zoom_)
        hovered_node = static_cast<int>(i);
    }
  if (hovered_node >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
    menu_node_ = hovered_node;
    ImGui::OpenPopup("node_menu");
  }
  if (ImGui::BeginPopup("node_menu")) {
    const explain::GNode& n = g.nodes[static_cast<size_t>(std::clamp(menu_node_, 0, static_cast<int>(g.nodes.size()) - 1))];
    if (n.layer < 0) ImGui::TextDisabled("inputs, targets and the loss do not collapse");
    if (n.layer >= 0 && n.neuron >= 0 && ImGui::MenuItem("Collapse this neuron")) inspector_.collapse_neuron(n.layer, n.neuron);
    if (n.layer >= 0 && ImGui::MenuItem("Collapse this layer")) inspector_.collapse_layer(n.layer);
    if (n.layer >= 0 && inspector_.is_collapsed(n.layer, n.neuron) && ImGui::MenuItem("Expand")) inspector_.expand(n.layer, n.neuron);
    if (inspector_.any_collapsed() && ImGui::MenuItem("Expand all")) inspector_.expand_all();
    ImGui::EndPopup();
  }
  if (hovered_node >= 0) {
    const explain::GNode& n = g.nodes[static_cast<size_t>(hovered_node)];
    std::string tip = n.label + (n.op.empty() ? "" : "  [" + n.op + "]");
    for (const std::string& part : g.level == explain::Level::Tensor
                                       ? std::vector<std::string>{n.shape, "value " + n.value_text, "grad " + n.grad_text}
                                   : n.scalar ? std::vector<std::string>{scalar::forward_formula(*n.scalar), "d loss / d " + n.label + " = " + num(n.grad)}
                                              : std::vector<std::string>{}) {
      tip += '\n';
      tip += part;
    }
    ImGui::SetTooltip("%s", tip.c_str());
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < 9) inspector_.select(hovered_node);
  }
  ImGui::EndChild();
  ImGui::SameLine();

  // ---- explanation ----------------------------------------------------------------------------
  ImGui::BeginChild("explain", ImVec2(0, avail.y), true);
  const auto e = st.explain();
  for (const std::string& line : e.lines) text_wrapped_at_spaces(line);
  const int focus = inspector_.focus();
  if (focus >= 0) {
    const explain::GNode& n = g.nodes[static_cast<size_t>(focus)];
    ImGui::Separator();
    ImGui::Text("Node: %s%s", n.label.c_str(), inspector_.selected() >= 0 ? " (selected)" : "");
    if (g.level != explain::Level::Tensor) {
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
    if (n.kind == explain::GNode::Op && n.layer >= 0 && n.neuron >= 0 && (n.op == "neuron" || n.op == "sum" || n.label.rfind("a", 0) == 0))
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
        const int key = map_layer * 10000 + map_index;
        if (key != grad_map_key_ || inspector_.graph().title != grad_map_title_) {
          grad_map_ = inspector_.gradient_map(map_layer - 1, map_index, snap->region, 24);
          grad_map_key_ = key;
          grad_map_title_ = inspector_.graph().title;
        }
        if (grad_map_.size() == 24u * 24u) {
          ImGui::SameLine();
          ImGui::BeginGroup();
          ImGui::TextUnformatted("d loss / d it, per position");
          const ImVec2 p = ImGui::GetCursorScreenPos();
          float gmax = 1e-12f;
          for (float v : grad_map_) gmax = std::max(gmax, std::fabs(v));
          const float cell = s / 24.0f;
          for (int row = 0; row < 24; ++row)
            for (int col = 0; col < 24; ++col) {
              const tools::Rgb c = tools::diverging(grad_map_[static_cast<size_t>(row * 24 + col)] / gmax, 0.9f);
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
        ImGui::TextWrapped("autodiff %s, central difference %s, relative error %.2e", num(check_->autodiff).c_str(), num(check_->numeric).c_str(),
                           check_->relative_error);
    }
  }
  if (st.phase() == explain::Stepper::Done) {
    ImGui::Separator();
    const float lr = m_.config().lr;
    ImGui::TextWrapped("Backward pass done. Apply the update w ← w − lr·grad with lr = %g:", static_cast<double>(lr));
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
  ImGui::TextDisabled("%zu nodes, layout %.1f ms. Keys: Right step, Left back, Home restart, End finish, Enter play", g.nodes.size(),
                      inspector_.layout_ms());
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace bp::studio
