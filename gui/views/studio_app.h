// The app's views: one StudioApp draws every panel from the AppModel each frame and turns user
// actions into model commands. Each panel lives in its own file (canvas_view.cpp,
// data_panel.cpp, network_panel.cpp, training_panel.cpp); view-only settings are in
// ViewSettings.
#pragma once
#include <imgui.h>

#include <array>
#include <map>
#include <optional>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/app_model.h"
#include "model/chart_axes.h"
#include "model/file_browser.h"
#include "model/hidden_space.h"
#include "model/inspector_model.h"
#include "model/loss_landscape.h"
#include "model/point_losses.h"
#include "model/separator.h"
#include "model/background_task.h"
#include "model/tangent_model.h"
#include "layout_check.h"
#include "model/view_spot.h"
#include "render/cached_view.h"
#include "snapshot_cache.h"
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
  bool link_gradients = false;  ///< the diagram's links show |∂loss/∂w| instead of the weights
  bool size_by_loss = false;   ///< points drawn as large as their own loss
  bool show_minibatch = false;  ///< ring the last step's minibatch
  bool show_help = false;      ///< the shortcut overlay (F1 or ?)
  int selected_class = 1;      ///< class a plain click adds
  float place_value = 1.0f;    ///< regression: the value a plain click adds (shift: its negative)
  bool add_test_points = false;  ///< clicks add held-out test points
  int grid_res = 160;          ///< boundary resolution (cells per side)
  Region view{-6, 6, -6, 6};   ///< the plane shown on the canvas (pan and zoom)
  bool reset_layout = true;    ///< place the panels at their default positions this frame
  ImVec2 laid_out_for{0, 0};   ///< the display size the panels were last placed for
  /// The folder of the autosaved sessions (one per window open at once), offered by File > Open
  /// autosaved session; "" for none.
  std::string autosave_folder;
};

/// The UI font at three sizes (main.cpp bakes them): normal text, presenter mode, and presenter
/// mode on a tall display (or normal text on a 4K display without scaling).
struct Fonts {
  ImFont* normal = nullptr;  ///< 16 px (times the display's scale)
  ImFont* large = nullptr;   ///< 26 px
  ImFont* huge = nullptr;    ///< 40 px
};

/// The font that reads from the back of the room: presenter mode takes the large font, or the
/// huge one on displays at least 1400 pixels tall; normal mode switches to the large font on
/// displays at least 1800 pixels tall (a 4K projector without scaling).
ImFont* room_font(const Fonts& f, bool presenter, float display_height);

/// What a file dialog is for.
enum class PathAction { None, OpenSession, SaveSession, ImportCsv, ExportCsv, CanvasPng, ExportGraph, OpenModel, ExportModel };

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
  /// Asks for a canvas image of the next frame, which then draws no window over the canvas
  /// (--canvas-screenshot).
  void request_canvas_screenshot(const std::string& path) {
    screenshot_request_ = path;
    screenshot_countdown_ = 0;
  }
  bool quit_requested() const { return quit_; }
  /// The session could not be saved when the user quit (`why`): the app stays open and asks
  /// whether to save it elsewhere or quit without saving (Ctrl+Q, or closing the window, again).
  void refuse_quit(const std::string& why);
  /// The user chose to quit without the session saved on exit (or saved it elsewhere first).
  bool quit_without_saving() const { return quit_anyway_; }
  /// Expands every collapsed panel next frame (presenter mode's Data and Network) and opens the
  /// enlarged network diagram and the Open dialog; --check-layout checks them open too.
  void open_panels() {
    open_panels_ = show_big_diagram_ = true;
    ask_path(PathAction::OpenSession, "session.json");
  }
  /// The windows that float over the panels: the teaching views, the graph inspector and the
  /// enlarged network diagram (--check-layout checks that each one's title bar shows).
  static const std::vector<std::string>& floating_windows();
  /// The windows laid out for the present window size and mode: drawn since the panels were
  /// last placed afresh, or restored from the layout file at the start and not placed afresh
  /// since. The layout file keeps these alone (a view last shown at another size would come
  /// back there: off the right edge, over the Training panel).
  const std::set<std::string>& laid_out_windows() const { return laid_out_; }
  /// The windows the layout file placed, when the panels are restored from it at the start.
  void restored_windows(const std::set<std::string>& names) { laid_out_.insert(names.begin(), names.end()); }
  /// The message banner's window name (--check-layout checks that no window hides it).
  static const char* const kBanner;
  /// What no view may cover in the frame just drawn (--check-layout checks it): the Training
  /// panel's loss and accuracy, where they show (the enlarged network diagram, and the graph
  /// inspector docked at the top, cover them by design).
  std::vector<KeptClear> kept_clear() const;
  /// Lists the preset files in assets/presets.
  std::vector<std::string> presets() const { return preset_files(assets_dir_); }
  /// The preset files in `assets_dir`/presets, sorted (also for --preset's error, before the app exists).
  static std::vector<std::string> preset_files(const std::string& assets_dir);
  /// Opens the graph inspector tracing `p`.
  void trace_point(const StudioPoint& p);
  void show_inspector(bool on) { show_inspector_ = on; }
  /// Opens the derivative-as-a-tangent view on a parameter, with the secant's ε.
  void show_tangent(const ParameterRef& p, float eps) {
    tangent_param_ = p;
    tangent_eps_ = eps;
    show_tangent_ = true;
  }
  /// Opens the views of a lesson preset (AppModel::session_views) once per loaded session: the
  /// views it names open, the other teaching views close. frame() calls it; main calls it first
  /// so that command-line options apply after the preset's.
  void apply_lesson();
  /// Opens (or closes) a view by its session name (kSessionViewNames).
  void set_view_open(const std::string& name, bool open);
  /// The views open now and their settings, as a session saves them (apply_lesson's inverse).
  SessionViews open_views() const;
  InspectorModel& inspector() { return inspector_; }
  /// How many times the inspector's graph was rasterized (it is copied from a cache otherwise).
  int graph_renders() const { return graph_view_.renders(); }

 private:
  void main_menu();
  void quit_dialog();
  /// Places the panels (when reset_layout is set) and draws them.
  void normal_layout(ImVec2 display);
  /// The next panel's place and size, applied when the layout is reset (or on first use).
  void place_panel(ImVec2 pos, ImVec2 size, bool collapsed, bool refit = false);
  void presenter_layout(ImVec2 display);
  void shortcuts();
  void canvas_panel();
  /// A click on the canvas: a point of the selected class or value (`other`: shift or right
  /// button: the other class, or the negative value).
  void add_clicked_point(float x, float y, bool other, int classes);
  void regression_legend(ImDrawList* dl, float scale);
  void data_panel();
  void network_panel();
  /// The Network panel's device choice; `next` places a labelled control of a width in ems.
  void device_combo(const std::function<void(const char*, float)>& next);
  /// The diagram in the current window's free space, drawn through `cache` (one per place).
  void network_diagram(const Snapshot& snap, CachedView& cache);
  /// The diagram enlarged in a window of its own (a deep network's neurons, readable).
  void diagram_window();
  /// The feature of input i; a neuron's name in the diagram and on the canvas ("input x1",
  /// "layer 2, neuron 3 (output)"; layer 0 is the inputs, of `layers` in all).
  const char* input_feature_name(size_t i) const;
  std::string neuron_name(size_t layer, size_t index, size_t layers) const;
  void training_panel();
  void loss_panel();
  void loss_chart(const Snapshot& snap, ImVec2 size);
  void help_overlay();
  /// The derivative as a tangent (tangent_panel.cpp): one parameter's loss curve, its tangent,
  /// the secant for ε and the next gradient-descent step. K toggles it; a diagram link's popup
  /// opens it on that weight.
  void tangent_panel();
  /// Gradient flow (gradient_flow_panel.cpp): each layer's gradient norm over the steps, dead
  /// ReLUs per layer, and the switch that colours the diagram's links by |∂L/∂w|. Key L.
  void gradient_flow_panel();
  /// The hidden space (hidden_space_panel.cpp): points and the plane's grid mapped to a hidden
  /// layer, on two neurons or two principal components. Key H.
  void hidden_space_panel();
  void draw_hidden_space(ImDrawList* dl, ImVec2 p0, ImVec2 size, const char* xname, const char* yname);
  /// The loss landscape and the optimizer race (landscape_panel.cpp). Key O.
  void landscape_panel();
  void start_landscape();
  /// Places the teaching view window `name` (the title it is begun with): `size`, its top-left
  /// at `pos`, moved so that it lies on the display below the menu bar, when it is first drawn
  /// after the panels were placed afresh (a start with another window size or mode, a resize,
  /// Reset panel layout); otherwise it stays where it was left, as the panels do. Placed afresh,
  /// it comes to the front, and where `pos` would hide another floating window's title bar it
  /// goes beside it instead (clear_spot, model/view_spot.h). A view `over_canvas` (its spot is
  /// on the canvas) is made no wider than the canvas's window and kept within its width, so that
  /// on a small display it does not hide the panels' left edge (the Training panel's "train" and
  /// "test"); not narrower than 18 em, where the canvas is narrower still. Made shorter to keep
  /// clear, it keeps at least `shortest` of its height. A view the inspector just covered is
  /// moved out from under it (move_out_).
  void place_view_window(const char* name, ImVec2 pos, ImVec2 size, bool over_canvas = false, float shortest = 0.6f,
                         bool shows_metrics = false);
  /// The manual classifier (manual_panel.cpp): w1, w2, b by hand, the loss live, and the hand-over
  /// to gradient descent; its separator and handles are drawn and dragged on the canvas. Key M.
  void manual_panel();
  /// The canvas's part of the manual mode: the separator, its normal and two handles; a drag of
  /// a handle sets the weights. Returns true while the mouse is on a handle or dragging one (the
  /// canvas then adds no point). `to_screen`/`to_plane` map between the plane and the screen.
  bool manual_separator(const std::function<ImVec2(float, float)>& to_screen, const std::function<std::pair<float, float>(ImVec2)>& to_plane,
                        bool hovered);
  void draw_manual_separator(ImDrawList* dl, const std::function<ImVec2(float, float)>& to_screen);
  /// The separator the snapshot's weights draw, when the manual mode shows one.
  std::optional<Separator> manual_line() const;
  /// Whether the graph inspector is shown docked below the canvas (drawn this frame).
  bool inspector_docked_below() const { return show_inspector_ && !inspector_at_top_ && windows_.count("Graph inspector"); }
  /// Whether the manual classifier may cover the Training panel's loss and accuracy: where there
  /// is no room for both (the inspector docked below), while it shows them itself (a linear model).
  bool may_cover_metrics() const { return inspector_docked_below() && manual_line().has_value(); }
  /// Each point's loss for the canvas (recomputed from new snapshots, at most five times a second).
  const std::vector<float>& current_point_losses();
  /// Opens the inspector on the training point with the highest loss.
  void trace_worst_point();
  void draw_landscape(ImDrawList* dl, ImVec2 a, float plot);
  void inspector_panel();
  void place_inspector();
  /// After the inspector was placed in front: the open views whose title bars it hides are moved
  /// out from under it (out_from_under, model/view_spot.h) when they are next placed.
  void move_views_out_from_under_inspector();
  void inspector_graph();    ///< inspector_graph.cpp
  void inspector_details();  ///< inspector_details.cpp
  void neuron_table(const InspectorModel::NeuronDetail& d, const std::string& name, bool grads);
  /// File dialogs (file_dialog.cpp): ask_path opens one for `a`, with `initial` as the name, in
  /// `folder` (default: the last dialog's).
  void ask_path(PathAction a, const char* initial, const std::string& folder = "");
  void file_dialog();
  /// Carries out the dialog's action on `path`; throws when it cannot (the dialog shows why).
  void run_path_action(const std::string& path);
  /// The strip over the top of the canvas: the title when the menu bar has no room for it, and
  /// the latest message (kept in front of the views while it shows).
  void message_banner();
  void apply_style();
  /// ImGui::Begin for the tiled panels (Data, Training, Network, Loss). While a panel covers no
  /// window beneath it, ImGui draws no background for it: the frame's clear colour is the same,
  /// and software GL is spared a blended fill of a third of the window each frame. Returns false,
  /// with the window already ended, while the panel is folded (draw nothing then: a view drawn
  /// in a folded panel would still use its cache).
  bool begin_panel(const char* name, ImGuiWindowFlags flags = 0);
  /// Begins a floating view's window (one of floating_windows(), placed by place_view_window)
  /// and records its rectangle, folded or not; false when folded (then it has been ended).
  bool begin_view(const char* name, bool* open, ImGuiWindowFlags flags = 0);
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
  float place_scale_ = 1.0f;  ///< the colour scale the value a click adds was chosen on (it follows a new one)
  // The question when the session could not be saved on quitting (quit_dialog.cpp).
  std::string quit_problem_;
  bool open_quit_popup_ = false, quit_dialog_open_ = false, quit_anyway_ = false;
  bool quit_after_save_ = false;  ///< the open Save dialog came from that question: quit once saved
  bool open_panels_ = false;
  int layout_generation_ = 0;             ///< how many times the panels were placed afresh
  std::set<std::string> laid_out_;         ///< laid_out_windows()
  std::map<std::string, int> view_layout_;  ///< a view's layout_generation_ when last placed
  std::map<std::string, Box> move_out_;     ///< views to move this frame (move_views_out_from_under_inspector)
  bool title_in_menu_ = false;  ///< the menu bar had room for the title this frame
  std::string dismissed_title_;  ///< a title closed on the banner
  struct Placed {
    ImVec4 rect;  // x0, y0, x1, y1
    int order;    // stacking: higher is drawn later, on top
    Box box() const { return {rect.x, rect.y, rect.z, rect.w, order}; }
  };
  std::map<std::string, Placed> windows_, last_windows_;  // this and the last frame
  std::optional<ImVec4> metrics_rect_;                     // the Training panel's loss and accuracy this frame, in view
  ImVec4 metrics_whole_{};                                 // ... and all of it, scrolled into view or not
  std::map<std::string, bool> panel_open_;                 // each panel unfolded last frame (begin_panel)
  ImVec4 banner_rect_{}, banner_whole_{};                   // the Training panel's remedy banner likewise (0 wide: none)
  float training_needs_h_ = 0;                             // the Training panel's height for all its contents
  float right_column_h_ = 0;                               // Training's height as normal_layout last placed it
  bool inspector_at_top_ = false;                          // the graph inspector was docked at the top
  float inspector_controls_h_ = 0;  // from the graph inspector's top to the foot of its controls, this frame
  bool style_presenter_ = false;
  bool style_applied_ = false;
  // Canvas interaction state.
  ImVec2 canvas_pos_{0, 0}, canvas_size_{0, 0};
  int drag_index_ = -1;
  bool panning_ = false;
  std::string screenshot_request_;
  int screenshot_countdown_ = 0;  // frames until the requested canvas image is taken
  // While a canvas image is pending, frames draw the canvas alone (no window, mouse ring,
  // readout or hint over it).
  bool capturing_canvas() const { return !screenshot_request_.empty(); }
  // File dialog.
  PathAction path_action_ = PathAction::None;
  FileBrowser browser_;
  std::string confirm_replace_;  ///< a file the user was told exists; saving it again replaces it
  bool focus_path_ = false;      ///< give the name box the keyboard next frame
  bool enter_released_ = true;   ///< Enter was up since the dialog asked a question
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
  CachedView big_diagram_view_;  ///< the enlarged diagram's
  CachedView presenter_diagram_view_;  ///< the diagram in presenter mode's Training panel
  // (each place a view is drawn needs its own cache: one cache drawn twice a frame would be
  // drawn again every frame, and copied to the second place both times)
  CachedView points_view_;       ///< the canvas's points, a transparent layer over the boundary
  bool show_big_diagram_ = false;
  bool show_inspector_ = false;
  // The derivative as a tangent: the parameter shown, ε, and the plot of the last snapshot.
  bool show_tangent_ = false;
  ParameterRef tangent_param_, tangent_for_;
  float tangent_eps_ = 0.1f, tangent_eps_for_ = 0;
  SnapshotCache<TangentPlot> tangent_;
  bool show_gradient_flow_ = false;
  // The hidden space: the layer and axes chosen, and the map of the last snapshot.
  bool show_hidden_ = false;
  HiddenSpaceRequest hidden_req_, hidden_for_{-1, -2, -2};
  SnapshotCache<HiddenSpace> hidden_;
  CachedView hidden_view_;
  // The loss landscape: the slice's settings, the slice and the race, both computed off the UI
  // thread, and the run's path projected on the slice.
  bool show_landscape_ = false;
  LandscapeRequest landscape_req_;
  std::optional<Landscape> landscape_;
  uint64_t landscape_computed_ = 0;
  std::string landscape_error_;
  uint64_t landscape_failed_at_ = 0;  ///< the snapshot a slice failed at (0: none failed)
  std::vector<RacePath> race_;
  int race_steps_ = 100;
  bool race_after_landscape_ = false;  ///< a lesson's race: starts once its slice is ready
  std::vector<std::array<double, 2>> landscape_trail_;
  uint64_t landscape_trail_version_ = ~uint64_t{0};
  CachedView landscape_view_;
  BackgroundTask<Landscape> landscape_task_;
  BackgroundTask<std::vector<RacePath>> race_task_;
  // The manual classifier, and the per-point losses the canvas sizes points by.
  bool show_manual_ = false;
  int manual_drag_ = 0;  ///< 1: the anchor (shift), 2: the tip (rotate)
  std::array<double, 2> manual_anchor_{0, 0};  ///< the anchor while the tip is dragged
  SnapshotCache<std::vector<float>> point_loss_;
  uint64_t point_loss_points_ = ~uint64_t{0};  ///< the points_version() they were computed for
  uint64_t lessons_seen_ = 0;  ///< AppModel::sessions_loaded() when apply_lesson last ran
  SessionViews saved_views_;   ///< what open_views() gave the model last (sessions save it),
  uint64_t views_saved_for_ = ~uint64_t{0};  ///< and lessons_seen_ then
  bool pick_mode_ = false;
  bool fit_graph_ = true;         ///< a new trace: the whole graph if readable, else zoom 1
  bool fit_whole_graph_ = false;  ///< the Fit button: the whole graph at any zoom
  float graph_zoom_ = 1.0f;
  ImVec2 graph_pan_{0, 0};
  int center_on_ = -1;
  char search_[64] = {};
  std::optional<InspectorModel::Check> check_;
  int menu_node_ = -1;
  /// The diagram's neuron under the mouse ({layer, index}; layer 0 = the inputs, -1 = none):
  /// this frame's, and last frame's, which the canvas shows enlarged (it is drawn first).
  std::pair<int, int> hover_neuron_{-1, -1}, canvas_neuron_{-1, -1};
  bool place_inspector_ = true;  ///< place the inspector away from the traced point next frame
  bool raise_inspector_ = false;  ///< bring the inspector in front of the views at the end of this frame
  /// Where place_inspector last put it, and the foot of the Training panel's loss and accuracy
  /// then (-1: not shown): docked below and still there, it is placed again when they move.
  std::optional<ImVec4> placed_inspector_;
  float placed_for_metrics_ = -1;
  int check_node_ = -1;
};

/// Colours as ImGui wants them.
ImU32 im_color(float r, float g, float b, float a = 1.0f);
ImU32 class_im_color(int c, float a = 1.0f);
/// A Linear layer's colour in the gradient-flow chart (0 = the first).
ImU32 layer_im_color(size_t layer);

}  // namespace bp::studio
