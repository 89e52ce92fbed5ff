// The canvas: the decision boundary (GLSL, in HeatmapRenderer) behind the points, axes with
// ticks, and the mouse: click adds, shift/right-click adds the other class, drag moves,
// ctrl+click deletes, wheel zooms, middle-drag pans.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/palette.h"
#include "model/canvas_hint.h"
#include "model/chart_axes.h"
#include "model/value_scale.h"
#include "render/cached_view.h"
#include "studio_app.h"

namespace bp::studio {

void StudioApp::add_clicked_point(float x, float y, bool other, int classes) {
  if (m_.problem() == Problem::Regression) {
    m_.add_value_point(x, y, other ? -s_.place_value : s_.place_value, s_.add_test_points);
    return;
  }
  const int next = classes == 2 ? 1 - s_.selected_class : (s_.selected_class + 1) % classes;
  m_.add_point(x, y, other ? next : s_.selected_class, s_.add_test_points);
}

void StudioApp::canvas_panel() {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
  // No window background: the boundary covers it (one less full-canvas fill per frame).
  // Never raised over other windows by a click: the teaching views float over the canvas and
  // stay visible while the student drags on it.
  const bool open = ImGui::Begin("Canvas", nullptr,
                                 ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleVar();
  note_window("Canvas");
  if (!open) {  // collapsed
    ImGui::End();
    return;
  }
  const auto snap = m_.snapshot();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float size_w = std::max(avail.x, 50.0f), size_h = std::max(avail.y, 50.0f);
  canvas_pos_ = ImGui::GetCursorScreenPos();
  canvas_size_ = ImVec2(size_w, size_h);

  // Keep the plane's aspect ratio 1:1 on screen: widen whichever side is short.
  Region& v = s_.view;
  const float cx = 0.5f * (v.x_min + v.x_max), cy = 0.5f * (v.y_min + v.y_max);
  const float per_px = std::max((v.x_max - v.x_min) / size_w, (v.y_max - v.y_min) / size_h);
  v = {cx - 0.5f * per_px * size_w, cx + 0.5f * per_px * size_w, cy - 0.5f * per_px * size_h, cy + 0.5f * per_px * size_h};
  m_.set_view(v, s_.grid_res);

  auto to_screen = [&](float x, float y) {
    return ImVec2(canvas_pos_.x + (x - v.x_min) / per_px, canvas_pos_.y + (v.y_max - y) / per_px);
  };
  auto to_plane = [&](ImVec2 p) {
    return std::pair<float, float>{v.x_min + (p.x - canvas_pos_.x) * per_px, v.y_max - (p.y - canvas_pos_.y) * per_px};
  };

  // Half resolution while training plays (software GL stays fluid); full when paused.
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  // The boundary is copied straight into the framebuffer when ImGui reaches this point of the
  // canvas's draw list (under the points, over whatever lies behind the window).
  heatmap_.render(*snap, v, static_cast<int>(size_w * scale.x), static_cast<int>(size_h * scale.y), s_.discretize,
                  m_.playing() ? 0.5f : 1.0f);
  heatmap_.draw(ImGui::GetWindowDrawList(), canvas_pos_, canvas_size_);

  // Interaction.
  ImGui::SetCursorScreenPos(canvas_pos_);
  ImGui::InvisibleButton("canvas", canvas_size_,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight | ImGuiButtonFlags_MouseButtonMiddle);
  const ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  const auto [mx, my] = to_plane(io.MousePos);
  const float pick = 9.0f * per_px;
  const int classes = m_.problem() == Problem::Regression ? 2 : std::max(2, m_.num_classes());
  s_.selected_class = std::clamp(s_.selected_class, 0, classes - 1);
  // The manual classifier's handles take the mouse before the points do.
  const bool on_separator = manual_separator(to_screen, to_plane, hovered);
  if (on_separator) {
    // a handle is being grabbed or dragged: no point is added, moved or picked
  } else if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && pick_mode_) {
    // Inspector: the clicked point becomes the traced example.
    if (const auto n = m_.nearest_point(mx, my, 30 * per_px)) {
      const auto pts = m_.points();
      if (*n < pts.size()) trace_point(pts[*n]);
    }
  } else if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const auto near = m_.nearest_point(mx, my, pick);
    if (io.KeyCtrl) {
      if (const auto n = m_.nearest_point(mx, my, 30 * per_px)) m_.delete_point(*n);
    } else if (near && !io.KeyShift) {
      drag_index_ = static_cast<int>(*near);
    } else {
      add_clicked_point(mx, my, io.KeyShift, classes);
    }
  }
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) add_clicked_point(mx, my, true, classes);
  if (drag_index_ >= 0) {
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) m_.move_point(static_cast<size_t>(drag_index_), mx, my);
    } else {
      drag_index_ = -1;
      m_.end_drag();
    }
  }
  if (hovered && ImGui::IsKeyPressed(ImGuiKey_Delete, false))
    if (const auto n = m_.nearest_point(mx, my, pick)) m_.delete_point(*n);
  if (hovered && io.MouseWheel != 0) {  // zoom about the cursor
    const float f = std::pow(0.85f, io.MouseWheel);
    v = {mx + (v.x_min - mx) * f, mx + (v.x_max - mx) * f, my + (v.y_min - my) * f, my + (v.y_max - my) * f};
  }
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Middle) || (io.KeyAlt && ImGui::IsMouseDragging(ImGuiMouseButton_Left)))) {
    const float dx = io.MouseDelta.x * per_px, dy = io.MouseDelta.y * per_px;
    v = {v.x_min - dx, v.x_max - dx, v.y_min + dy, v.y_max + dy};
  }

  // Points.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(canvas_pos_, ImVec2(canvas_pos_.x + size_w, canvas_pos_.y + size_h), true);
  // A neuron hovered in the network diagram: its output over the plane replaces the boundary
  // (as in Playground), named in the corner, until the mouse leaves it.
  const auto [nl, ni] = canvas_neuron_;
  if (nl >= 0 && static_cast<size_t>(nl) < snap->neuron_maps.size() && static_cast<size_t>(ni) < snap->neuron_maps[static_cast<size_t>(nl)].size()) {
    atlas_.update(*snap);
    const auto uv = atlas_.tile(static_cast<size_t>(nl), static_cast<size_t>(ni));
    const Region& g = snap->region;
    dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(atlas_.texture())), to_screen(g.x_min, g.y_max), to_screen(g.x_max, g.y_min),
                 ImVec2(uv[0], uv[3]), ImVec2(uv[2], uv[1]));
    const std::string name = neuron_name(static_cast<size_t>(nl), static_cast<size_t>(ni), snap->neuron_maps.size());
    const ImVec2 ts = ImGui::CalcTextSize(name.c_str()), at(canvas_pos_.x + ImGui::GetFontSize() * 2.5f, canvas_pos_.y + 8);  // right of the y labels
    dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + ts.x + 4, at.y + ts.y + 2), im_color(1, 1, 1, 0.9f), 3);
    dl->AddText(at, im_color(0, 0, 0), name.c_str());
  }
  const float r = std::max(3.5f, ImGui::GetFontSize() * 0.3f);
  const bool regression = m_.problem() == Problem::Regression;
  const float value_scale = snap->value_scale;  // the legend's and the boundary's
  auto colour = [&](const StudioPoint& p) {
    if (regression) {
      const tools::Rgb c = tools::diverging(p.label / value_scale, 1.0f);
      return im_color(c.r, c.g, c.b);
    }
    return class_im_color(static_cast<int>(p.label));
  };
  const ImU32 ink = im_color(0.1f, 0.1f, 0.1f), white = im_color(1, 1, 1);
  const std::vector<StudioPoint> pts = m_.points();  // one copy per frame, after this frame's edits
  // Train points: a disc in the class colour with a white edge; test points: a ring in the class
  // colour with a dark edge.
  enum { kDisc, kEdge, kTestEdge, kTestRing };
  sprites_.prepare({{r, 0}, {r, 1.2f}, {r + 0.5f, 1.0f}, {r - 0.8f, 2.2f}});
  // Drawn into a transparent layer, kept until the points, the view or the style change: idle
  // frames with 100,000 points only blend one quad (software GL rasterized 200,000 sprites a
  // frame before).
  // Sized by loss (the toggle, or the manual classifier): each point's radius grows with the
  // square root of its share of the largest loss.
  const bool by_loss = s_.size_by_loss || manual_line().has_value();
  const std::vector<float>* losses = by_loss ? &current_point_losses() : nullptr;
  if (losses && losses->size() != pts.size()) losses = nullptr;
  uint64_t key = digest(digest(digest(kDigestSeed, m_.points_version()), v), ImVec2(size_w, size_h));
  key = digest(digest(digest(digest(digest(key, r), s_.show_test), regression), canvas_pos_), value_scale);
  key = digest(key, losses ? point_loss_.computed : ~uint64_t{0});
  if (ImDrawList* pl = points_view_.begin(key, canvas_pos_, canvas_size_)) {
    float lmax = 0;  // the largest loss, when the layer is drawn again
    if (losses)
      for (float l : *losses) lmax = std::max(lmax, std::isfinite(l) ? l : 0.0f);
    for (size_t i = 0; i < pts.size(); ++i) {
      const StudioPoint& p = pts[i];
      const ImVec2 c = to_screen(p.x, p.y);
      if (losses && lmax > 0) {
        if (p.test && !s_.show_test) continue;
        const float l = std::isfinite((*losses)[i]) ? (*losses)[i] : lmax;
        const float ri = r * (0.45f + 2.0f * std::sqrt(l / lmax));
        if (p.test) {
          pl->AddCircle(c, ri, colour(p), 0, std::max(2.0f, r * 0.5f));
        } else {
          pl->AddCircleFilled(c, ri, colour(p));
          pl->AddCircle(c, ri, regression ? ink : white, 0, 1.2f);
        }
        continue;
      }
      if (p.test) {
        if (!s_.show_test) continue;
        sprites_.draw(pl, kTestEdge, c, ink);
        sprites_.draw(pl, kTestRing, c, colour(p));
      } else {
        sprites_.draw(pl, kDisc, c, colour(p));
        sprites_.draw(pl, kEdge, c, regression ? ink : white);  // a value near 0 is white: a dark edge shows it
      }
    }
  }
  points_view_.end_transparent(dl);
  // The last step's minibatch, ringed (not with full batches: that is every training point).
  if (s_.show_minibatch) {
    const size_t train_points = static_cast<size_t>(std::count_if(pts.begin(), pts.end(), [](const StudioPoint& p) { return !p.test; }));
    if (!snap->minibatch.empty() && snap->minibatch.size() < train_points)
      for (int i : snap->minibatch)
        if (static_cast<size_t>(i) < pts.size())
          dl->AddCircle(to_screen(pts[static_cast<size_t>(i)].x, pts[static_cast<size_t>(i)].y), r + 5, ink, 0, 2.5f);
  }
  draw_manual_separator(dl, to_screen);
  if (show_inspector_ && inspector_.ready()) {
    const ImVec2 c = to_screen(inspector_.point().x, inspector_.point().y);
    dl->AddCircle(c, r + 6, class_im_color(3), 24, 3.0f);
    dl->AddText(ImVec2(c.x + r + 8, c.y - ImGui::GetFontSize()), ink, "traced");
  }
  const bool capturing = capturing_canvas();  // a canvas image: the canvas alone
  if (hovered && !io.KeyCtrl && !capturing)
    if (const auto n = m_.nearest_point(mx, my, pick); n && *n < pts.size())
      dl->AddCircle(to_screen(pts[*n].x, pts[*n].y), r + 3, ink, 20, 2.0f);

  // Axes: ticks and labels along the bottom and left edges.
  const ImU32 axis = im_color(0.15f, 0.15f, 0.15f, 0.85f);
  char label[32];
  for (double t : nice_ticks(v.x_min, v.x_max, 6)) {
    const ImVec2 p = to_screen(static_cast<float>(t), v.y_min);
    dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x, p.y - 6), axis, 1.5f);
    std::snprintf(label, sizeof label, "%s", tick_label(t).c_str());
    dl->AddText(ImVec2(p.x + 2, p.y - ImGui::GetFontSize() - 6), axis, label);
  }
  for (double t : nice_ticks(v.y_min, v.y_max, 6)) {
    const ImVec2 p = to_screen(v.x_min, static_cast<float>(t));
    dl->AddLine(p, ImVec2(p.x + 6, p.y), axis, 1.5f);
    std::snprintf(label, sizeof label, "%s", tick_label(t).c_str());
    // Above its tick, which underlines it: a tick just left of "5" would read as "-5".
    dl->AddText(ImVec2(p.x + 3, p.y - ImGui::GetFontSize() - 1), axis, label);
  }
  if (regression) regression_legend(dl, value_scale);
  // Nothing to train on: how to get training points, in the middle.
  const float em = ImGui::GetFontSize();
  if (!capturing && size_w > 6 * em)
    if (const std::string hint = empty_canvas_hint(pts, s_.add_test_points); !hint.empty()) {
      const float wrap = std::min(size_w - 3 * em, em * 22);
      const ImVec2 ts = ImGui::CalcTextSize(hint.c_str(), nullptr, false, wrap);
      const ImVec2 at(canvas_pos_.x + (size_w - ts.x) / 2, canvas_pos_.y + (size_h - ts.y) / 2);
      dl->AddRectFilled(ImVec2(at.x - em * 0.6f, at.y - em * 0.4f), ImVec2(at.x + ts.x + em * 0.6f, at.y + ts.y + em * 0.4f),
                        im_color(1, 1, 1, 0.92f), em * 0.3f);
      dl->AddText(ImGui::GetFont(), em, at, ink, hint.c_str(), nullptr, wrap);
    }
  if (hovered && !capturing) {
    std::snprintf(label, sizeof label, "(%s, %s)", fixed(mx, 2).c_str(), fixed(my, 2).c_str());
    // Bottom right, above the step labels: the message banner takes the top.
    dl->AddText(ImVec2(canvas_pos_.x + size_w - ImGui::CalcTextSize(label).x - 8, canvas_pos_.y + size_h - 2.3f * ImGui::GetFontSize()), axis, label);
  }
  dl->PopClipRect();
  ImGui::End();
}

void StudioApp::regression_legend(ImDrawList* dl, float scale) {
  // The colour scale of values, bottom left above the x labels: -scale (class 0's colour), 0
  // (white), +scale (class 1's), as the boundary and the points use it.
  const float em = ImGui::GetFontSize();
  const float w = em * 9, h = em * 0.7f;
  const ImVec2 p0(canvas_pos_.x + em * 2.5f, canvas_pos_.y + canvas_size_.y - em * 4.2f);
  const float mid = p0.x + w / 2;
  const auto c0 = tools::diverging(-1, 0.75f), c1 = tools::diverging(1, 0.75f);
  const ImU32 lo = im_color(c0.r, c0.g, c0.b), hi = im_color(c1.r, c1.g, c1.b), white = im_color(1, 1, 1);
  // The end labels are centred under the ends: the white backing reaches past a wide one ("-6000").
  const float side = std::max(em * 0.4f, ImGui::CalcTextSize(value_label(-scale).c_str()).x / 2 + em * 0.2f);
  dl->AddRectFilled(ImVec2(p0.x - side, p0.y - em * 1.5f), ImVec2(p0.x + w + side, p0.y + h + em * 1.3f), im_color(1, 1, 1, 0.85f), 3);
  dl->AddRectFilledMultiColor(p0, ImVec2(mid, p0.y + h), lo, white, white, lo);
  dl->AddRectFilledMultiColor(ImVec2(mid, p0.y), ImVec2(p0.x + w, p0.y + h), white, hi, hi, white);
  const ImU32 ink = im_color(0.1f, 0.1f, 0.1f);
  dl->AddRect(p0, ImVec2(p0.x + w, p0.y + h), ink);
  dl->AddText(ImVec2(p0.x, p0.y - em * 1.25f), ink, "value");
  for (const auto& [x, text] : {std::pair{p0.x, value_label(-scale)}, std::pair{mid, std::string("0")}, std::pair{p0.x + w, value_label(scale)}}) {
    const float tw = ImGui::CalcTextSize(text.c_str()).x;
    dl->AddText(ImVec2(x - tw / 2, p0.y + h + 1), ink, text.c_str());
  }
}

}  // namespace bp::studio
