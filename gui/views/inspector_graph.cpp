// The inspector's graph view: one box per node (value, gradient), edges to its inputs, the
// current node and its incoming edges in orange during the backward pass; pan, zoom, hover,
// select, and a menu to collapse neurons or layers. Rasterized into a cached texture and only
// drawn again when what it shows changes.
#include <imgui_internal.h>  // ImDrawListFlags

#include <algorithm>
#include <cmath>

#include "common/palette.h"
#include "render/cached_view.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

std::string num(double v) { return explain::format_number(v); }

/// Below this zoom a box's text is smaller than the UI font: a new trace opens at zoom 1 then.
constexpr float kReadableZoom = 1.0f;

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

}  // namespace

void StudioApp::inspector_graph() {
  explain::Stepper& st = inspector_.stepper();
  const explain::Graph& g = inspector_.graph();
  const ImVec2 origin = ImGui::GetCursorScreenPos(), size = nonempty(ImGui::GetContentRegionAvail());
  const explain::Layout& lay = inspector_.layout();
  // Boxes in ems: at zoom 1 their text is the UI font's size (the presenter font's, in
  // presenter mode), three lines to a box.
  const float em = ImGui::GetFontSize();
  const float cw = 10.6f * em, rh = 3.8f * em, bw = 9.4f * em, bh = 3.1f * em;
  if (fit_graph_ || fit_whole_graph_) {
    // The whole graph when it fits at a readable zoom (or the Fit button asks); otherwise zoom 1,
    // centred on the node being computed, or with the inputs at the left before stepping starts.
    const float gw = cw * static_cast<float>(std::max(1, lay.columns)), gh = rh * static_cast<float>(std::max(1, lay.rows));
    const float fitted = std::clamp(std::min(size.x / gw, size.y / gh) * 0.95f, 0.05f, 1.5f);
    const bool whole = fit_whole_graph_ || fitted >= kReadableZoom;
    graph_zoom_ = whole ? fitted : 1.0f;
    graph_pan_ = ImVec2((size.x - gw * graph_zoom_) * 0.5f, (size.y - gh * graph_zoom_) * 0.5f);
    if (!whole) {  // the inputs at the left edge, where the forward pass starts
      graph_pan_.x = em;
      if (st.current() >= 0) center_on_ = inspector_.representatives()[static_cast<size_t>(st.current())];
    }
    fit_graph_ = fit_whole_graph_ = false;
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
        if (!n.op.empty() && n.op != n.label && !explain::is_neuron(n)) title += " (" + n.op + ")";
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
    // A weight or bias: the loss as a function of it, with its tangent and secant.
    if (n.kind == explain::GNode::Param && n.layer >= 0 && n.neuron >= 0 && ImGui::MenuItem("Derivative as a tangent"))
      show_tangent({n.layer, n.neuron, std::max(0, n.index), n.index < 0}, tangent_eps_);
    ImGui::EndPopup();
  }
  if (hovered_node >= 0) {
    std::string tip;
    for (const std::string& line : inspector_.node_tip(hovered_node)) tip += (tip.empty() ? "" : "\n") + line;
    ImGui::SetTooltip("%s", tip.c_str());
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < 9) inspector_.select(hovered_node);
  }
}

}  // namespace bp::studio
