#include "studio_app.h"

#include <GLFW/glfw3.h>
#include <imgui_internal.h>  // the windows' stacking order

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <utility>

#include "backprop/errors.h"
#include "common/palette.h"
#include "flow.h"
#include "model/view_spot.h"

namespace bp::studio {

const char* const StudioApp::kBanner = "##banner";

ImU32 im_color(float r, float g, float b, float a) { return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, a)); }
ImU32 class_im_color(int c, float a) {
  const tools::Rgb col = tools::class_color(c);
  return im_color(col.r, col.g, col.b, a);
}

StudioApp::StudioApp(AppModel& model, HeatmapRenderer& heatmap, Fonts fonts, std::string assets_dir)
    : m_(model), heatmap_(heatmap), fonts_(fonts), assets_dir_(std::move(assets_dir)) {
  fit_view();
}

void StudioApp::fit_view() {
  const Region r = m_.data_region();
  const float px = 0.05f * (r.x_max - r.x_min), py = 0.05f * (r.y_max - r.y_min);
  s_.view = {r.x_min - px, r.x_max + px, r.y_min - py, r.y_max + py};
}

std::vector<std::string> StudioApp::preset_files(const std::string& assets_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(assets_dir + "/presets", ec))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

void StudioApp::apply_style() {
  if (style_applied_ && style_presenter_ == s_.presenter) return;
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  ImGui::StyleColorsLight(&st);
  st.WindowRounding = 4;
  // Anti-aliased fills add a fringe to every shape and cost software GL about 40% of a frame;
  // points keep smooth edges from their anti-aliased outlines.
  st.AntiAliasedFill = false;
  st.AntiAliasedLines = true;
  st.FrameRounding = 3;
  st.GrabRounding = 3;
  st.FramePadding = ImVec2(6, 4);
  st.ItemSpacing = ImVec2(8, 6);
  st.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1.0f);
  st.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.80f, 0.86f, 0.93f, 1.0f);
  if (s_.presenter) {  // high contrast for a projector
    st.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    st.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    st.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.6f);
    st.Colors[ImGuiCol_FrameBg] = ImVec4(0.88f, 0.88f, 0.88f, 1);
    st.Colors[ImGuiCol_Button] = ImVec4(0.75f, 0.83f, 0.95f, 1);
    st.FrameBorderSize = 1.5f;
    st.WindowBorderSize = 2;
  }
  if (style_applied_) s_.reset_layout = true;  // presenter mode toggled: re-fit the panels
  style_applied_ = true;
  style_presenter_ = s_.presenter;
}

bool StudioApp::begin_panel(const char* name, ImGuiWindowFlags flags) {
  // Last frame's rectangles and stacking: a panel needs its own background only where it covers
  // a window drawn before it (one on top of it covers it with its own background).
  const auto self = last_windows_.find(name);
  bool alone = self != last_windows_.end();
  if (alone)
    for (const auto& [other, w] : last_windows_) {
      const ImVec4 &a = self->second.rect, &r = w.rect;
      if (other != name && w.order < self->second.order && a.x < r.z - 1 && r.x < a.z - 1 && a.y < r.w - 1 && r.y < a.w - 1) alone = false;
    }
  // A click in a panel leaves it behind the floating views (it came in front of the graph
  // inspector and the views, which are placed clear of the loss and accuracy and expect to be in
  // front; ImGui also refocused the Training panel when a remedy button's banner went, putting
  // the inspector it had just placed behind it). A panel comes to the front as a click unfolds
  // it: Data and Network over Training in presenter mode (not when the layout check or a session
  // unfolds it: the views stay in front).
  const bool open = ImGui::Begin(name, nullptr, flags | ImGuiWindowFlags_NoBringToFrontOnFocus | (alone ? ImGuiWindowFlags_NoBackground : 0));
  if (bool& was_open = panel_open_[name]; open != std::exchange(was_open, open) && open && ImGui::IsWindowFocused())
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
  note_window(name);
  if (!open) ImGui::End();  // folded: nothing to draw
  return open;
}

bool StudioApp::begin_view(const char* name, bool* open, ImGuiWindowFlags flags) {
  const bool expanded = ImGui::Begin(name, open, flags);
  note_window(name);  // folded too: its title bar still floats over the panels
  if (!expanded) ImGui::End();
  return expanded;
}

void StudioApp::note_window(const char* name) {
  laid_out_.insert(name);
  const ImVec2 p = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  windows_[name] = {ImVec4(p.x, p.y, p.x + size.x, p.y + size.y), ImGui::FindWindowDisplayIndex(ImGui::GetCurrentWindow())};
}

void StudioApp::frame() {
  last_windows_.swap(windows_);
  windows_.clear();
  move_out_.clear();
  canvas_neuron_ = std::exchange(hover_neuron_, {-1, -1});
  apply_lesson();
  apply_style();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::PushFont(room_font(fonts_, s_.presenter, display.y));
  shortcuts();
  main_menu();
  // The panels follow the window: a resize (a maximised window, a projector) places them again.
  if (display.x != s_.laid_out_for.x || display.y != s_.laid_out_for.y) s_.reset_layout = true;
  s_.laid_out_for = display;
  if (s_.reset_layout) laid_out_.clear();  // the windows of the last layout are placed anew as they show
  s_.presenter ? presenter_layout(display) : normal_layout(display);
  if (s_.reset_layout) {  // the inspector and the teaching views are placed again too
    place_inspector_ = true;
    ++layout_generation_;
  }
  s_.reset_layout = false;
  open_panels_ = false;
  // While a canvas image is pending, nothing floats over the canvas: the inspector, the dialog
  // and the help are left out of those frames.
  const bool capturing = capturing_canvas();
  if (capturing && screenshot_countdown_ > 0) --screenshot_countdown_;
  if (!capturing) message_banner();
  // The inspector first: views opened with it are placed in front of it, clear of its title bar,
  // and those it covers as it appears are moved out from under it as they are drawn.
  if (show_inspector_ && !capturing) inspector_panel();
  if (show_big_diagram_ && !capturing) diagram_window();
  if (show_tangent_ && !capturing) tangent_panel();
  if (show_gradient_flow_ && !capturing) gradient_flow_panel();
  if (show_hidden_ && !capturing) hidden_space_panel();
  if (show_landscape_ && !capturing) landscape_panel();
  if (show_manual_ && !capturing) manual_panel();
  if (!capturing) quit_dialog();
  if (!capturing) file_dialog();
  if (s_.show_help && !capturing) help_overlay();
  // The graph inspector in front of a view that had to go behind it (place_view_window).
  if (std::exchange(raise_inspector_, false))
    if (ImGuiWindow* inspector = ImGui::FindWindowByName("Graph inspector"); inspector && inspector->Active)
      ImGui::BringWindowToDisplayFront(inspector);
  // A message is shown in front of the views (they may have been placed over the banner, or
  // come to the front since), while no menu, list or dialog is open and the shortcuts are not
  // shown (they stay in front).
  if (!capturing && !s_.show_help && !m_.message().empty() && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel))
    if (ImGuiWindow* banner = ImGui::FindWindowByName(kBanner); banner && banner->Active) ImGui::BringWindowToDisplayFront(banner);
  ImGui::PopFont();
  // The canvas's boundary is not copied where windows above it cover it (the inspector, the
  // help): their rectangles less the rounded corners, in this frame's stacking order.
  const ImGuiWindow* canvas = ImGui::FindWindowByName("Canvas");
  std::vector<ImVec4> covered;
  const float inset = ImGui::GetStyle().WindowRounding;
  for (const auto& [name, w] : windows_) {
    const ImGuiWindow* win = ImGui::FindWindowByName(name.c_str());
    if (canvas && win && win != canvas && !win->Collapsed && ImGui::FindWindowDisplayIndex(const_cast<ImGuiWindow*>(win)) >
                                                               ImGui::FindWindowDisplayIndex(const_cast<ImGuiWindow*>(canvas)))
      covered.emplace_back(w.rect.x + inset, w.rect.y + inset, w.rect.z - inset, w.rect.w - inset);
  }
  heatmap_.set_covered(std::move(covered));
  // Sessions saved from now on (File → Save, the autosave at exit) carry the views open now.
  SessionViews views = open_views();
  if (!(views == saved_views_) || views_saved_for_ != lessons_seen_) {
    m_.set_session_views(views, lessons_seen_);
    saved_views_ = std::move(views);
    views_saved_for_ = lessons_seen_;
  }
}

ImFont* room_font(const Fonts& f, bool presenter, float display_height) {
  ImFont* pick = presenter ? (display_height >= 1400 && f.huge ? f.huge : f.large) : (display_height >= 1800 ? f.large : f.normal);
  return pick ? pick : f.normal;
}

void StudioApp::place_panel(ImVec2 pos, ImVec2 size, bool collapsed, bool refit) {
  // Where the user left it, unless the layout is being reset (then also folded or not) or the
  // panel refitted.
  const ImGuiCond cond = s_.reset_layout || refit ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(pos, cond);
  ImGui::SetNextWindowSize(size, cond);
  if (s_.reset_layout || open_panels_) ImGui::SetNextWindowCollapsed(collapsed && !open_panels_, ImGuiCond_Always);
}

void StudioApp::normal_layout(ImVec2 display) {
  // Data on the left, the canvas over the loss chart in the middle, Training above Network on
  // the right. The side panels scale with the font but always leave the canvas half the width.
  const float top = ImGui::GetFrameHeight();
  const float em = ImGui::GetFontSize();
  const float left_w = std::min(std::max(display.x * 0.2f, em * 15.0f), display.x * 0.22f);
  const float right_w = std::min(std::max(display.x * 0.27f, em * 19.0f), display.x * 0.3f);
  auto place = [&](float x, float y, float w, float h) { place_panel(ImVec2(x, y), ImVec2(w, h), false); };
  place(0, top, left_w, display.y - top);
  data_panel();
  const float mid_w = display.x - left_w - right_w, loss_h = std::clamp(display.y * 0.26f, em * 9, em * 18);
  place(left_w, top, mid_w, display.y - top - loss_h);
  canvas_panel();
  place(left_w, display.y - loss_h, mid_w, loss_h);
  loss_panel();
  // Training is tall enough for all it shows, so that a remedy banner does not push the loss and
  // accuracy out of sight: from its default height up to 60% of the column, Network below it
  // taking the rest. The two follow Training's contents while they are where the layout put
  // them (not moved, resized or folded since): taller at once, and back to the default when the
  // banner goes (not a line up and down as a banner's numbers change while training runs).
  const float column = display.y - top, least = std::min(display.y * 0.36f, em * 17.0f);
  float train_h = std::clamp(training_needs_h_, least, std::max(least, column * 0.6f));
  bool refit = false;
  const auto t = last_windows_.find("Training"), n = last_windows_.find("Network");
  if (!s_.reset_layout && t != last_windows_.end() && n != last_windows_.end()) {
    const auto at = [](const ImVec4& r, float x, float y0, float y1) {
      return std::abs(r.x - x) < 1 && std::abs(r.y - y0) < 1 && std::abs(r.w - y1) < 1;  // ImGui rounds positions
    };
    // Placed by this run, or (restored from the last run's layout file) stacked as the layout
    // stacks them, at any split.
    const float x = display.x - right_w, split = right_column_h_ > 0 ? top + right_column_h_ : t->second.rect.w;
    const bool as_placed = at(t->second.rect, x, top, split) && at(n->second.rect, x, split, display.y);
    if (as_placed && right_column_h_ <= 0) right_column_h_ = split - top;
    if (as_placed && train_h < right_column_h_ && train_h > least) train_h = right_column_h_;
    refit = as_placed && std::abs(train_h - right_column_h_) >= 0.5f;
  }
  if (s_.reset_layout || refit) right_column_h_ = train_h;
  train_h = right_column_h_ > 0 ? right_column_h_ : train_h;
  place_panel(ImVec2(display.x - right_w, top), ImVec2(right_w, train_h), false, refit);
  training_panel();
  place_panel(ImVec2(display.x - right_w, top + train_h), ImVec2(right_w, column - train_h), false, refit);
  network_panel();
}

void StudioApp::presenter_layout(ImVec2 display) {
  // The canvas over the loss chart, and the training panel, fill the screen; Data and Network
  // wait as title bars above Training, and open over it, at full height, when clicked.
  const float top = ImGui::GetFrameHeight();
  const float em = ImGui::GetFontSize();
  const float right_w = std::min(std::max(display.x * 0.3f, em * 16.0f), display.x * 0.42f);
  const float x = display.x - right_w, bar = ImGui::GetFrameHeight();
  auto place = [&](float px, float py, float w, float h, bool collapsed) { place_panel(ImVec2(px, py), ImVec2(w, h), collapsed); };
  const float loss_h = std::clamp(display.y * 0.28f, em * 8, em * 14);
  place(0, top, x, display.y - top - loss_h, false);
  canvas_panel();
  place(0, display.y - loss_h, x, loss_h, false);
  loss_panel();
  place(x, top + 2 * bar, right_w, display.y - top - 2 * bar, false);
  training_panel();
  place(x, top, right_w, display.y - top, true);
  data_panel();
  place(x, top + bar, right_w, display.y - top - bar, true);
  network_panel();
}

const std::vector<std::string>& StudioApp::floating_windows() {
  static const std::vector<std::string> names{"Network diagram", "Graph inspector", "Derivative as a tangent", "Gradient flow",
                                              "Hidden space",    "Loss landscape",  "Manual classifier"};
  return names;
}

std::vector<KeptClear> StudioApp::kept_clear() const {
  std::vector<KeptClear> out;
  if (metrics_whole_.w > metrics_whole_.y) {
    // The enlarged network diagram (centred, asked for to be seen large) and the graph inspector
    // docked at the top (across the window, above the traced point) cover them by design. All
    // of them show, not scrolled out of view below a remedy banner.
    std::vector<std::string> may_cover{"Network diagram"};
    if (may_cover_metrics()) may_cover.emplace_back("Manual classifier");
    if (inspector_at_top_) may_cover.emplace_back("Graph inspector");
    // In presenter mode Data and Network unfold over Training, when asked.
    if (s_.presenter) may_cover.insert(may_cover.end(), {"Data", "Network"});
    out.push_back({"Training", "the loss and accuracy", metrics_rect_.value_or(ImVec4(0, 0, 0, 0)), may_cover, metrics_whole_});
    // The remedy banner above them too: what went wrong and its one-click remedy.
    if (banner_whole_.w > banner_whole_.y) out.push_back({"Training", "the remedy banner", banner_rect_, may_cover, banner_whole_});
  }
  if (auto w = windows_.find("Graph inspector"); w != windows_.end() && show_inspector_ && inspector_controls_h_ > 0) {
    const ImVec4& r = w->second.rect;
    out.push_back({"Graph inspector", "its controls", ImVec4(r.x, r.y, r.z, std::min(r.w, r.y + inspector_controls_h_)), {}});
  }
  return out;
}

void StudioApp::place_view_window(const char* name, ImVec2 pos, ImVec2 size, bool over_canvas, float shortest, bool shows_metrics) {
  // Where the user left it (this run, or the last one when the panels were kept too); at its
  // default spot when it first appears after the panels were placed afresh.
  int& placed = view_layout_[name];
  const bool afresh = placed != layout_generation_;
  placed = layout_generation_;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float top = ImGui::GetFrameHeight();
  const auto canvas_window = windows_.find("Canvas");  // drawn earlier this frame
  const bool have_canvas = canvas_window != windows_.end();
  if (over_canvas && have_canvas) {
    const float x0 = canvas_window->second.rect.x, x1 = canvas_window->second.rect.z;
    size.x = std::min(size.x, std::max(x1 - x0, ImGui::GetFontSize() * 18));
    if (size.x <= x1 - x0) pos.x = std::clamp(pos.x, x0, x1 - size.x);
  }
  size.x = std::min(size.x, display.x), size.y = std::min(size.y, display.y - top);
  pos.x = std::clamp(pos.x, 0.0f, display.x - size.x);
  pos.y = std::clamp(pos.y, top, display.y - size.y);
  if (afresh) {
    // It appears in front of the other floating windows (drawn earlier this frame, or else
    // last frame): where its default spot would hide one's title bar, it goes beside it.
    std::vector<Box> others;
    for (const std::string& other : floating_windows()) {
      if (other == name) continue;
      const Placed* w = nullptr;  // drawn this frame, else last frame
      if (auto it = windows_.find(other); it != windows_.end()) w = &it->second;
      else if (auto last = last_windows_.find(other); last != last_windows_.end()) w = &last->second;
      if (!w) continue;
      others.push_back(w->box());
      if (other == "Graph inspector") others.back().keep = inspector_controls_h_;  // its controls too, not just its name
    }
    // The Training panel's loss and accuracy (drawn earlier this frame), behind every window and
    // kept clear as a whole: a view goes elsewhere where it can (the big network diagram, centred
    // and asked for large, covers them by design, and a view that shows them itself may).
    if (metrics_rect_ && !shows_metrics && std::strcmp(name, "Network diagram") != 0) {
      const ImVec4& r = *metrics_rect_;
      others.push_back(Box{r.x, r.y, r.z, r.w, -1, r.w - r.y});
    }
    // A view placed on the canvas may move straight up or down over it (below its title), and
    // aside within its width, not over the panels (views placed elsewhere move as they must).
    std::optional<Box> canvas;
    if (over_canvas && have_canvas) {
      const ImVec4& r = canvas_window->second.rect;
      canvas = Box{r.x, r.y + top, r.z, r.w};
    }
    Box spot = clear_spot({pos.x, pos.y, pos.x + size.x, pos.y + size.y}, others, top, top, display.x, display.y, canvas, shortest);
    // Below the banner over the canvas (drawn earlier this frame), so that the lesson's text and
    // the messages stay readable.
    if (auto b = windows_.find(kBanner); b != windows_.end()) {
      const ImVec4& r = b->second.rect;
      spot = below_note(spot, Box{r.x, r.y, r.z, r.w}, others, top, ImGui::GetFontSize() * 0.3f, display.y, shortest);
    }
    // Where even that covers the graph inspector's controls (a tall view opened with it at a
    // size with no room above it: the tangent lesson restored with the inspector open at
    // 1920x1080 in presenter mode hid its Step and Play), it goes behind the inspector, its title
    // bar showing, as views do when the inspector opens over them.
    bool behind = false;
    for (const Box& o : others)  // the inspector's controls (order 0 and up: not the loss and accuracy)
      if (!behind && o.order >= 0 && kept_strips_covered(spot, {o}) > 0) {
        spot = out_from_under({spot}, o, top, top, display.y).front();
        behind = raise_inspector_ = true;
      }
    pos = ImVec2(spot.x0, spot.y0), size = ImVec2(spot.x1 - spot.x0, spot.y1 - spot.y0);
    if (!behind) ImGui::SetNextWindowFocus();  // in front, as clear_spot assumed (views placed again after a resize too)
  }
  ImGuiCond cond = afresh ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  if (auto out = move_out_.find(name); out != move_out_.end()) {
    const Box& b = out->second;
    if (!afresh) pos = ImVec2(b.x0, b.y0), size = ImVec2(b.x1 - b.x0, b.y1 - b.y0), cond = ImGuiCond_Always;
    move_out_.erase(out);
  }
  ImGui::SetNextWindowSize(size, cond);
  ImGui::SetNextWindowPos(pos, cond);
}

void StudioApp::apply_lesson() {
  const uint64_t loaded = m_.sessions_loaded();
  if (loaded == lessons_seen_) return;
  lessons_seen_ = loaded;
  const SessionViews v = m_.session_views();
  if (v.empty()) return;
  auto opens = [&](const std::string& name) { return std::find(v.open.begin(), v.open.end(), name) != v.open.end(); };
  if (opens("tangent")) {
    tangent_param_ = {v.tangent_layer - 1, v.tangent_neuron - 1, std::max(0, v.tangent_input - 1), v.tangent_input == 0};
    tangent_eps_ = v.tangent_eps;
  }
  for (const std::string& name : kSessionViewNames) set_view_open(name, opens(name));
  s_.link_gradients = v.link_gradients;
  auto param = [](const std::array<int, 3>& p) { return ParameterRef{p[0] - 1, p[1] - 1, std::max(0, p[2] - 1), p[2] == 0}; };
  landscape_req_.random_directions = v.landscape_random;
  landscape_req_.a = param(v.landscape_x);
  landscape_req_.b = param(v.landscape_y);
  landscape_req_.span = v.landscape_span;
  landscape_task_.cancel();
  race_task_.cancel();
  landscape_.reset();
  race_.clear();
  landscape_error_.clear();
  race_after_landscape_ = v.race;
  hidden_req_.layer = v.hidden_layer - 1;
  hidden_req_.x = v.hidden_x > 0 ? v.hidden_x - 1 : -1;
  hidden_req_.y = v.hidden_x > 0 ? std::max(0, v.hidden_y - 1) : -1;
}

SessionViews StudioApp::open_views() const {
  SessionViews v;
  const std::pair<const char*, bool> open[] = {{"manual", show_manual_},           {"tangent", show_tangent_},
                                               {"gradient-flow", show_gradient_flow_}, {"hidden-space", show_hidden_},
                                               {"landscape", show_landscape_},     {"diagram", show_big_diagram_},
                                               {"inspector", show_inspector_}};
  for (const auto& [name, on] : open)
    if (on) v.open.emplace_back(name);
  v.link_gradients = s_.link_gradients;
  // Counted from 1, within what a session file accepts (read_views).
  auto count = [](int64_t i, int lo) { return static_cast<int>(std::clamp<int64_t>(i + 1, lo, 100000)); };
  v.tangent_layer = count(tangent_param_.layer, 1);
  v.tangent_neuron = count(tangent_param_.out, 1);
  v.tangent_input = tangent_param_.bias ? 0 : count(tangent_param_.in, 1);
  v.tangent_eps = std::clamp(tangent_eps_, 1e-4f, 1.0f);
  v.hidden_layer = count(hidden_req_.layer, 1);
  const bool pca = hidden_req_.x < 0;
  v.hidden_x = pca ? 0 : count(hidden_req_.x, 1);
  v.hidden_y = pca ? 0 : count(hidden_req_.y, 1);
  auto param = [&](const ParameterRef& p) { return std::array<int, 3>{count(p.layer, 1), count(p.out, 1), p.bias ? 0 : count(p.in, 1)}; };
  v.landscape_random = landscape_req_.random_directions;
  v.landscape_x = param(landscape_req_.a);
  v.landscape_y = param(landscape_req_.b);
  v.landscape_span = static_cast<float>(std::clamp(landscape_req_.span, 0.05, 20.0));
  v.race = race_after_landscape_ || !race_.empty();
  return v;
}

void StudioApp::set_view_open(const std::string& name, bool open) {
  if (name == "tangent") show_tangent_ = open;
  if (name == "gradient-flow") show_gradient_flow_ = open;
  if (name == "hidden-space") show_hidden_ = open;
  if (name == "landscape") show_landscape_ = open;
  if (name == "manual") show_manual_ = open;
  if (name == "diagram") show_big_diagram_ = open;
  if (name == "inspector") {
    if (open) {
      m_.pump();  // the new network's snapshot, for the trace
      for (const StudioPoint& p : m_.points())
        if (!p.test) {
          trace_point(p);
          break;
        }
    }
    show_inspector_ = open;
  }
}

void StudioApp::shortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
  if (io.KeyCtrl && pressed(GLFW_KEY_Q)) {  // also while typing in a text box
    quit_ = true;
    if (quit_dialog_open_) quit_anyway_ = true;  // asked whether to quit without saving: yes
  }
  if (io.WantTextInput) return;
  if (pressed(GLFW_KEY_SPACE)) m_.toggle_play();
  if (pressed(GLFW_KEY_S) && !io.KeyCtrl) m_.step_once();
  if (pressed(GLFW_KEY_R)) m_.reset();
  if (pressed(GLFW_KEY_G)) {
    m_.regenerate();
    fit_view();
  }
  if (pressed(GLFW_KEY_P)) s_.presenter = !s_.presenter;
  if (pressed(GLFW_KEY_F1) || (pressed(GLFW_KEY_SLASH) && io.KeyShift)) s_.show_help = !s_.show_help;
  if (pressed(GLFW_KEY_ESCAPE)) s_.show_help = false;
  if (pressed(GLFW_KEY_T)) s_.show_test = !s_.show_test;
  if (pressed(GLFW_KEY_D)) s_.discretize = !s_.discretize;
  if (pressed(GLFW_KEY_F)) fit_view();
  if (pressed(GLFW_KEY_I)) show_inspector_ = !show_inspector_;
  if (pressed(GLFW_KEY_K)) show_tangent_ = !show_tangent_;
  if (pressed(GLFW_KEY_L)) show_gradient_flow_ = !show_gradient_flow_;
  if (pressed(GLFW_KEY_H)) show_hidden_ = !show_hidden_;
  if (pressed(GLFW_KEY_O)) show_landscape_ = !show_landscape_;
  if (pressed(GLFW_KEY_M)) show_manual_ = !show_manual_;
  if (show_inspector_ && inspector_.ready()) {
    explain::Stepper& st = inspector_.stepper();
    if (pressed(GLFW_KEY_RIGHT)) st.step();
    if (pressed(GLFW_KEY_LEFT)) st.step_back();
    if (pressed(GLFW_KEY_HOME)) st.restart();
    if (pressed(GLFW_KEY_END)) st.run_to_end();
    if (pressed(GLFW_KEY_ENTER)) inspector_.playing = !inspector_.playing;
  }
  if (io.KeyCtrl && pressed(GLFW_KEY_Z)) io.KeyShift ? (void)m_.redo() : (void)m_.undo();
  if (io.KeyCtrl && pressed(GLFW_KEY_Y)) m_.redo();
  for (int c = 0; c < 6; ++c)
    if (pressed(GLFW_KEY_1 + c) && c < std::max(2, m_.num_classes())) s_.selected_class = c;
}

void StudioApp::main_menu() {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open session...")) ask_path(PathAction::OpenSession, "session.json");
    if (!s_.autosave_folder.empty() && ImGui::MenuItem("Open autosaved session..."))
      ask_path(PathAction::OpenSession, "autosave.json", s_.autosave_folder);
    if (ImGui::MenuItem("Save session...")) ask_path(PathAction::SaveSession, "session.json");
    ImGui::Separator();
    if (ImGui::MenuItem("Import points (CSV)...")) ask_path(PathAction::ImportCsv, "points.csv");
    if (ImGui::MenuItem("Export points (CSV)...")) ask_path(PathAction::ExportCsv, "points.csv");
    if (ImGui::MenuItem("Save canvas as PNG...")) ask_path(PathAction::CanvasPng, "canvas.png");
    ImGui::Separator();
    if (ImGui::MenuItem("Open model...")) ask_path(PathAction::OpenModel, "model.json");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("a model file (backprop train --save), on the data it was trained on");
    if (ImGui::MenuItem("Export model...")) ask_path(PathAction::ExportModel, "model.json");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("the network as a model file, for backprop eval, train --init and graph --init");
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    if (ImGui::MenuItem("Undo", "Ctrl+Z", false, m_.can_undo())) m_.undo();
    if (ImGui::MenuItem("Redo", "Ctrl+Y", false, m_.can_redo())) m_.redo();
    if (ImGui::MenuItem("Clear all points")) m_.clear_points();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Presets")) {
    const auto list = presets();
    if (list.empty()) ImGui::TextDisabled("no presets found in %s/presets", assets_dir_.c_str());
    for (const std::string& p : list) {
      std::string name = std::filesystem::path(p).stem().string();
      std::replace(name.begin(), name.end(), '_', ' ');
      if (ImGui::MenuItem(name.c_str())) {
        try {
          m_.load_session(p);
          fit_view();
        } catch (const std::exception& e) {
          m_.set_message(e.what());
        }
      }
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Presenter mode", "P", &s_.presenter);
    ImGui::MenuItem("Show test data", "T", &s_.show_test);
    ImGui::MenuItem("Discretize output", "D", &s_.discretize);
    ImGui::MenuItem("Loss on log scale", nullptr, &s_.log_loss);
    if (ImGui::MenuItem("Fit view to data", "F")) fit_view();
    if (ImGui::MenuItem("Reset panel layout")) s_.reset_layout = true;
    ImGui::MenuItem("Graph inspector", "I", &show_inspector_);
    ImGui::MenuItem("Derivative as a tangent", "K", &show_tangent_);
    ImGui::MenuItem("Gradient flow", "L", &show_gradient_flow_);
    ImGui::MenuItem("Hidden space", "H", &show_hidden_);
    ImGui::MenuItem("Loss landscape and optimizer race", "O", &show_landscape_);
    ImGui::MenuItem("Manual classifier", "M", &show_manual_);
    ImGui::MenuItem("Size points by loss", nullptr, &s_.size_by_loss);
    ImGui::MenuItem("Ring the minibatch", nullptr, &s_.show_minibatch);
    if (ImGui::MenuItem("Trace the worst point")) trace_worst_point();
    ImGui::MenuItem("Links show gradients", nullptr, &s_.link_gradients);
    ImGui::MenuItem("Shortcuts", "F1", &s_.show_help);
    ImGui::EndMenu();
  }
  // The title, where it fits beside the menus (else the banner over the canvas shows it).
  const std::string title = m_.title();
  title_in_menu_ = !title.empty() && ImGui::GetCursorPosX() + ImGui::CalcTextSize(("  " + title).c_str()).x <= ImGui::GetWindowWidth() - 8;
  if (title_in_menu_) {
    if (s_.presenter) ImGui::Text("  %s", title.c_str());  // high contrast on a projector
    else ImGui::TextDisabled("  %s", title.c_str());
  }
  ImGui::EndMainMenuBar();
}

void StudioApp::message_banner() {
  // A floating strip across the top of the canvas: the title when the menu bar had no room for
  // it, and the latest message, wrapped (never cut off) with a close button. Messages expire by
  // themselves (AppModel::message).
  const std::string msg = m_.message();
  const std::string title = title_in_menu_ || m_.title() == dismissed_title_ ? std::string() : m_.title();
  if ((msg.empty() && title.empty()) || canvas_size_.x < 100) return;
  const float em = ImGui::GetFontSize();
  const float w = std::min(canvas_size_.x - em, em * 40);
  // Its height from the wrapped text, not fitted to last frame's contents (as an auto-resized
  // window is): views that appear in the same frame are placed below it (place_view_window).
  const ImGuiStyle& style = ImGui::GetStyle();
  // Wrapped between words (a number or a file's name stays whole), a path too wide for a line after a '/'.
  const float wrap = w - 2 * style.WindowPadding.x - ImGui::GetFrameHeight() - em * 0.5f;
  const auto measure = [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; };
  const std::string title_lines = wrap_at_spaces(title, wrap, measure, false), msg_lines = wrap_at_spaces(msg, wrap, measure, false);
  float text_h = 0;
  if (!title.empty()) text_h += ImGui::CalcTextSize(title_lines.c_str()).y;
  if (!msg.empty()) text_h += (title.empty() ? 0 : style.ItemSpacing.y) + ImGui::CalcTextSize(msg_lines.c_str()).y;
  const float h = 2 * style.WindowPadding.y + std::max(text_h, ImGui::GetFrameHeight());
  // At the top of the canvas. Where the graph inspector is docked over the top, a message goes
  // to the bottom (in front of the inspector it would hide its controls, and just below the
  // inspector lies the traced point), and the title alone waits behind the inspector.
  const float x = canvas_pos_.x + (canvas_size_.x - w) / 2;
  float y = canvas_pos_.y + em * 0.4f;
  if (auto it = last_windows_.find("Graph inspector"); show_inspector_ && it != last_windows_.end()) {
    const ImVec4& r = it->second.rect;
    auto covered = [&](float top) { return r.x < x + w && x < r.z && r.y < top + h && top < r.w; };
    const float low = canvas_pos_.y + canvas_size_.y - h - em * 0.4f;
    if (covered(y) && msg.empty()) return;
    if (covered(y) && !covered(low)) y = low;
  }
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::SetNextWindowBgAlpha(0.94f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;
  if (ImGui::Begin(kBanner, nullptr, flags)) {
    note_window(kBanner);
    if (!title.empty()) ImGui::TextUnformatted(title_lines.c_str());
    if (!msg.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, s_.presenter ? ImVec4(0.55f, 0.1f, 0.0f, 1) : ImVec4(0.7f, 0.2f, 0.0f, 1));
      ImGui::TextUnformatted(msg_lines.c_str());
      ImGui::PopStyleColor();
    }
    ImGui::SetCursorPos(ImVec2(ImGui::GetContentRegionMax().x - ImGui::GetFrameHeight(), ImGui::GetStyle().WindowPadding.y));
    if (ImGui::Button("\xC3\x97", ImVec2(ImGui::GetFrameHeight(), 0))) {  // ×
      m_.set_message("");
      if (!title.empty()) dismissed_title_ = title;  // until a preset or session with another title opens
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("dismiss");
  }
  ImGui::End();
}

void StudioApp::help_overlay() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.96f);
  ImGui::Begin("Shortcuts", &s_.show_help, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse);
  note_window("Shortcuts");
  const char* rows[][2] = {
      {"Space", "play / pause training"}, {"S", "one training step"}, {"R", "reset the weights"},
      {"G", "regenerate the data"}, {"P", "presenter mode (large, high contrast)"}, {"T", "show / hide test data"},
      {"D", "discretize the output"}, {"F", "fit the view to the data"}, {"1..6", "class that a click adds"},
      {"Ctrl+Z / Ctrl+Y", "undo / redo point edits"}, {"F1 or ?", "this help"},
      {"Click", "add a point of the selected class"}, {"Shift+click, right-click", "add a point of the other class"},
      {"Drag a point", "move it"}, {"Ctrl+click", "delete the nearest point"},
      {"Wheel / middle-drag", "zoom / pan the canvas"},
      {"I", "graph inspector"}, {"K", "derivative as a tangent"}, {"L", "gradient flow per layer"}, {"H", "hidden space"}, {"O", "loss landscape, optimizer race"}, {"M", "manual classifier"}, {"Right / Left", "inspector: step forward / back"},
      {"Home / End / Enter", "inspector: restart / finish / play"},
  };
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_NoSavedSettings)) {
    for (auto& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r[0]);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r[1]);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

void StudioApp::canvas_rect(int& x, int& y, int& w, int& h) const {
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  x = static_cast<int>(canvas_pos_.x * scale.x);
  y = static_cast<int>(canvas_pos_.y * scale.y);
  w = static_cast<int>(canvas_size_.x * scale.x);
  h = static_cast<int>(canvas_size_.y * scale.y);
}

std::string StudioApp::take_canvas_screenshot_request() {
  if (screenshot_request_.empty() || screenshot_countdown_ > 0) return {};
  return std::exchange(screenshot_request_, std::string());
}

bool StudioApp::apply_config(const TrainConfig& c) {
  try {
    return m_.set_config(c);
  } catch (const Error& e) {
    m_.set_message(e.what());
    return false;
  }
}

}  // namespace bp::studio
