// Data: dataset picker with thumbnails, size, noise, seed and regenerate, train/test ratio,
// problem type for hand-placed points, the class a click adds, import/export, undo/redo.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "common/palette.h"
#include "common/plot.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

// Previews of the datasets (120 points each), drawn on the CPU into one texture, a tile per
// dataset, whenever the thumbnail size changes. As ImGui shapes they cost software GL about a
// fifth of a frame; as tiles they are one textured quad each.
void draw_previews(TileAtlas& atlas, const std::vector<std::string>& names, int size) {
  const size_t tile_bytes = static_cast<size_t>(size * size * 4);
  std::vector<uint8_t> rgba(names.size() * tile_bytes, 255);
  for (size_t t = 0; t < names.size(); ++t) {
    const DatasetInfo* info = find_dataset(names[t]);
    if (!info) continue;  // "custom": left white, labelled by the view
    const Dataset d = make_dataset(names[t], 120, info->default_noise, 3);
    tools::Canvas cv(size, size);
    const Region& r = d.region;
    const float inner = static_cast<float>(size - 6);
    for (const Point& p : d.points) {
      const float x = 3 + (p.x - r.x_min) / (r.x_max - r.x_min) * inner, y = 3 + (r.y_max - p.y) / (r.y_max - r.y_min) * inner;
      const tools::Rgb c = d.problem == Problem::Regression ? tools::diverging(p.label, 1.0f) : tools::class_color(static_cast<int>(p.label));
      cv.disc(x, y, 1.9f, c, c);
    }
    const auto& px = cv.pixels();
    for (size_t i = 0; i < static_cast<size_t>(size * size); ++i) std::copy_n(&px[i * 3], 3, &rgba[t * tile_bytes + i * 4]);
  }
  atlas.upload(rgba, names.size(), size);
}

bool thumbnail(const std::string& name, bool selected, float size, const TileAtlas& atlas, size_t tile) {
  ImGui::PushID(name.c_str());
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const bool clicked = ImGui::InvisibleButton("thumb", ImVec2(size, size));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(pos.x + size, pos.y + size);
  const auto uv = atlas.tile(tile);
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(atlas.texture())), pos, end, ImVec2(uv[0], uv[1]), ImVec2(uv[2], uv[3]));
  if (name == "custom") {
    // Smaller than the UI font where the tile is too narrow for the word.
    const float fs = std::min(ImGui::GetFontSize(), ImGui::GetFontSize() * (size - 8) / ImGui::CalcTextSize("custom").x);
    const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(fs, FLT_MAX, 0, "custom");
    dl->AddText(ImGui::GetFont(), fs, ImVec2(pos.x + (size - ts.x) / 2, pos.y + (size - ts.y) / 2), im_color(0.3f, 0.3f, 0.3f), "custom");
  }
  dl->AddRect(pos, end, selected ? im_color(0.1f, 0.3f, 0.8f) : im_color(0.6f, 0.6f, 0.6f), 2.0f, 0, selected ? 3.0f : 1.0f);
  if (ImGui::IsItemHovered()) {
    const DatasetInfo* info = find_dataset(name);
    ImGui::SetTooltip("%s\n%s", name.c_str(), info ? info->description.c_str() : "place your own points with the mouse");
  }
  ImGui::PopID();
  return clicked;
}

}  // namespace

void StudioApp::data_panel() {
  if (!begin_panel("Data")) return;  // folded
  DataSettings d = m_.data_settings();
  bool changed = false;

  ImGui::TextUnformatted("Dataset");
  const float size = std::round(std::max(44.0f, ImGui::GetFontSize() * 3.2f));
  const float avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, static_cast<int>((avail + 6) / (size + 6)));
  std::vector<std::string> names;
  for (const DatasetInfo& info : dataset_catalog())
    if (info.name != "bench-spiral") names.push_back(info.name);
  names.push_back("custom");
  if (thumbnail_size_ != static_cast<int>(size) || thumbnails_.count() != names.size()) {
    thumbnail_size_ = static_cast<int>(size);
    draw_previews(thumbnails_, names, thumbnail_size_);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (i % static_cast<size_t>(per_row) != 0) ImGui::SameLine(0, 6);
    if (thumbnail(names[i], d.dataset == names[i], size, thumbnails_, i) && d.dataset != names[i]) {
      d.dataset = names[i];
      const DatasetInfo* info = find_dataset(d.dataset);
      if (info) d.noise = info->default_noise;
      changed = true;
    }
  }
  const DatasetInfo* info = find_dataset(d.dataset);
  text_paragraph("%s: %s", d.dataset.c_str(), info ? info->description.c_str() : "hand-placed points");
  ImGui::Separator();

  int pts = static_cast<int>(d.points);
  if (d.dataset != "custom") {
    fill_but_label("points");
    if (ImGui::SliderInt("points", &pts, 10, 2000, "%d", ImGuiSliderFlags_AlwaysClamp)) {
      d.points = pts;
    }
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    int noise_pct = static_cast<int>(std::lround(d.noise * 100));
    fill_but_label("noise %");
    ImGui::SliderInt("noise %", &noise_pct, 0, 100, "%d", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemDeactivatedAfterEdit()) d.noise = static_cast<float>(noise_pct) / 100.0f, changed = true;
    fill_but_label("seed");
    changed |= seed_input("seed", d.seed);
    if (ImGui::Button("Regenerate (G)")) {
      m_.regenerate();
      fit_view();
    }
  } else {
    int problem = static_cast<int>(d.problem);
    fill_but_label("problem");
    if (ImGui::Combo("problem", &problem, "binary\0k classes\0regression\0")) d.problem = static_cast<Problem>(problem), changed = true;
    if (d.problem == Problem::MultiClass) {
      int k = std::max(3, d.num_classes);
      fill_but_label("classes");
      if (ImGui::SliderInt("classes", &k, 3, 6, "%d", ImGuiSliderFlags_AlwaysClamp)) d.num_classes = k, changed = true;
    } else {
      d.num_classes = 2;
    }
  }
  int ratio = static_cast<int>(std::lround(d.train_ratio * 100));
  fill_but_label("train %");
  ImGui::SliderInt("train %", &ratio, 10, 100, "%d", ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemDeactivatedAfterEdit()) d.train_ratio = static_cast<float>(ratio) / 100.0f, changed = true;
  if (changed) {
    try {
      m_.set_data_settings(d);
      fit_view();
    } catch (const std::exception& e) {
      m_.set_message(e.what());
    }
  }
  ImGui::Checkbox("show test data (T)", &s_.show_test);
  same_line_if_fits(labelled_width("size by loss", ImGui::GetFrameHeight()));
  ImGui::Checkbox("size by loss", &s_.size_by_loss);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("each point drawn as large as its own loss: the points the network gets most wrong stand out");
  same_line_if_fits(labelled_width("minibatch", ImGui::GetFrameHeight()));
  ImGui::Checkbox("minibatch", &s_.show_minibatch);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("ring the points of the last step's minibatch");
  same_line_if_fits(button_width("Trace the worst point"));
  if (ImGui::Button("Trace the worst point")) trace_worst_point();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("open the graph inspector on the training point with the highest loss");

  ImGui::Separator();
  const bool regression = m_.problem() == Problem::Regression;
  if (regression) {
    // A value from the colour scale (±1, or the legend's round number for larger values), shown
    // in its colour (the legend on the canvas reads it).
    ImGui::TextUnformatted("Click adds value:");
    // On a new scale (values imported or scaled), the same place on the slider: 1 of ±1 is 6000
    // of ±6000, not a value that shows white among them.
    const float scale = m_.snapshot()->value_scale;
    if (scale != place_scale_) s_.place_value *= scale / place_scale_, place_scale_ = scale;
    s_.place_value = std::clamp(s_.place_value, -scale, scale);
    const tools::Rgb col = tools::diverging(s_.place_value / scale, 0.75f);
    ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(col.r, col.g, col.b, 1));
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##value", &s_.place_value, -scale, scale, scale > 10 ? "%.0f" : "%.2f", ImGuiSliderFlags_AlwaysClamp);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("shift-click or right-click adds the negative value");
  } else {
    ImGui::TextUnformatted("Click adds class:");
    const int classes = std::max(2, m_.num_classes());
    for (int c = 0; c < classes; ++c) {
      ImGui::PushID(c);
      if (c) same_line_if_fits(ImGui::GetFontSize() * 2);
      const tools::Rgb col = tools::class_color(c);
      ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(col.r, col.g, col.b, 1));
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(col.r, col.g, col.b, 0.8f));
      char lbl[16];
      std::snprintf(lbl, sizeof lbl, "%d", c);
      if (ImGui::Button(lbl, ImVec2(ImGui::GetFontSize() * 2, 0))) s_.selected_class = c;
      if (s_.selected_class == c)
        ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), im_color(0, 0, 0), 3, 0, 3);
      ImGui::PopStyleColor(2);
      ImGui::PopID();
    }
  }
  ImGui::Checkbox("clicks add test points", &s_.add_test_points);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped_at_spaces(regression ? "shift/right-click: the negative value; ctrl+click: delete" : "shift/right-click: other class; ctrl+click: delete", false);
  ImGui::PopStyleColor();
  if (ImGui::Button("Undo")) m_.undo();
  same_line_if_fits(button_width("Redo"));
  if (ImGui::Button("Redo")) m_.redo();
  same_line_if_fits(button_width("Clear all"));
  if (ImGui::Button("Clear all")) m_.clear_points();
  const PointCounts counts = m_.point_counts();
  text_paragraph("%lld points: %lld train, %lld test", static_cast<long long>(counts.total()), static_cast<long long>(counts.train),
                 static_cast<long long>(counts.test));
  ImGui::Separator();
  if (ImGui::Button("Import CSV...")) {
    ask_path(PathAction::ImportCsv, "points.csv");
  }
  same_line_if_fits(button_width("Export CSV..."));
  if (ImGui::Button("Export CSV...")) {
    ask_path(PathAction::ExportCsv, "points.csv");
  }
  ImGui::End();
}

}  // namespace bp::studio
