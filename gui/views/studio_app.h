// The app's views: one StudioApp draws every panel from the AppModel each frame and turns user
// actions into model commands. Each panel lives in its own file (canvas_view.cpp,
// data_panel.cpp, network_panel.cpp, training_panel.cpp); view-only settings are in
// ViewSettings.
#pragma once
#include <imgui.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/app_model.h"
#include "model/inspector_model.h"
#include "render/cached_view.h"
#include "render/heatmap_renderer.h"
#include "render/neuron_atlas.h"
#include "render/point_sprites.h"
#include "render/tile_atlas.h"

namespace bp::studio {

/// Settings of the views alone (not of the model), with their defaults.
struct ViewSettings {
  bool presenter = false;      ///< large fonts, high contrast (key P)
  bool show_test = true;       ///< draw the held-out points
  bool discretize = false;     ///< solid class regions instead of shaded confidence
  bool log_loss = false;       ///< loss chart on a log scale
  bool show_help = false;      ///< the shortcut overlay (F1 or ?)
  int selected_class = 1;      ///< class a plain click adds
  bool add_test_points = false;  ///< clicks add held-out test points
  int grid_res = 160;          ///< boundary resolution (cells per side)
  Region view{-6, 6, -6, 6};   ///< the plane shown on the canvas (pan and zoom)
  bool reset_layout = true;    ///< place the panels at their default positions this frame
};

struct Fonts {
  ImFont* normal = nullptr;
  ImFont* large = nullptr;
};

class StudioApp {
 public:
  StudioApp(AppModel& model, HeatmapRenderer& heatmap, Fonts fonts, std::string assets_dir);

  /// Builds the whole UI for one frame (between ImGui::NewFrame and ImGui::Render).
  void frame();
  ViewSettings& settings() { return s_; }
  /// Canvas rectangle in framebuffer pixels (for screenshots of the canvas alone).
  void canvas_rect(int& x, int& y, int& w, int& h) const;
  /// Set when the user asked for a canvas screenshot; main saves it after rendering.
  std::string take_canvas_screenshot_request();
  bool quit_requested() const { return quit_; }
  /// Lists the preset files in assets/presets.
  std::vector<std::string> presets() const;
  /// Opens the graph inspector tracing `p`.
  void trace_point(const StudioPoint& p);
  void show_inspector(bool on) { show_inspector_ = on; }
  InspectorModel& inspector() { return inspector_; }
  /// How many times the inspector's graph was rasterized (it is copied from a cache otherwise).
  int graph_renders() const { return graph_view_.renders(); }

 private:
  void main_menu();
  void shortcuts();
  void canvas_panel();
  void data_panel();
  void network_panel();
  void network_diagram(const Snapshot& snap);
  void training_panel();
  void loss_chart(const Snapshot& snap, ImVec2 size);
  void help_overlay();
  void inspector_panel();
  void path_popup();
  void apply_style();
  /// ImGui::Begin for the tiled panels (Data, Training, Network). While a panel covers no window
  /// beneath it, ImGui draws no background for it: the frame's clear colour is the same, and
  /// software GL is spared a blended fill of a third of the window each frame.
  bool begin_panel(const char* name, ImGuiWindowFlags flags = 0);
  /// Records the current window's rectangle for begin_panel's overlap test next frame.
  void note_window(const char* name);
  void fit_view();
  bool apply_config(const TrainConfig& c);

  AppModel& m_;
  HeatmapRenderer& heatmap_;
  NeuronAtlas atlas_;
  PointSprites sprites_;
  TileAtlas thumbnails_;  ///< dataset previews, one tile per dataset
  int thumbnail_size_ = 0;
  Fonts fonts_;
  std::string assets_dir_;
  ViewSettings s_;
  bool quit_ = false;
  struct Placed {
    ImVec4 rect;  // x0, y0, x1, y1
    int order;    // stacking: higher is drawn later, on top
  };
  std::map<std::string, Placed> windows_, last_windows_;  // this and the last frame
  bool style_presenter_ = false;
  bool style_applied_ = false;
  // Canvas interaction state.
  ImVec2 canvas_pos_{0, 0}, canvas_size_{0, 0};
  int drag_index_ = -1;
  bool panning_ = false;
  std::string screenshot_request_;
  int screenshot_countdown_ = 0;  // frames until the requested canvas image is taken
  // File path popup.
  enum class PathAction { None, OpenSession, SaveSession, ImportCsv, ExportCsv, CanvasPng, ExportGraph } path_action_ = PathAction::None;
  char path_buf_[512] = {};
  bool open_path_popup_ = false;
  std::string path_error_;
  // Weight editing.
  int edit_layer_ = -1;
  int64_t edit_out_ = 0, edit_in_ = 0;
  float edit_value_ = 0;
  bool open_weight_popup_ = false;
  // Graph inspector.
  InspectorModel inspector_;
  CachedView graph_view_;    ///< the inspector's graph, rasterized only when it changes
  CachedView diagram_view_;  ///< the network diagram, likewise
  bool show_inspector_ = false;
  bool pick_mode_ = false;
  bool fit_graph_ = true;
  float graph_zoom_ = 1.0f;
  ImVec2 graph_pan_{0, 0};
  int center_on_ = -1;
  char search_[64] = {};
  std::optional<InspectorModel::Check> check_;
  std::vector<float> grad_map_;
  int menu_node_ = -1;
  int grad_map_key_ = -1;
  std::string grad_map_title_;
  int check_node_ = -1;
};

/// Colours as ImGui wants them.
ImU32 im_color(float r, float g, float b, float a = 1.0f);
ImU32 class_im_color(int c, float a = 1.0f);

}  // namespace bp::studio
