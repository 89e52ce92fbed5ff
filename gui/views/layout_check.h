// Finds text that a frame draws cut off, from what ImGui rendered: a glyph that crosses the
// clip rectangle of its draw command (the GPU's scissor cuts it), a label shortened with "…",
// a window whose widgets reach past its right edge with no scroll bar, and a window that lies
// partly outside the display. The app runs it with --check-layout; tests at each projector size
// fail on any finding.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

namespace bp::studio {

struct LayoutProblem {
  std::string window;  ///< the window (or child window) whose draw list holds it
  std::string text;    ///< the text run it cuts, as far as it was drawn
  std::string what;    ///< a sentence: what is wrong and by how much
};

/// A part of a window that no window in front of it may cover but those named, e.g. the
/// Training panel's loss and accuracy: `rect` is x0, y0, x1, y1 in display pixels, as drawn
/// this frame.
struct KeptClear {
  std::string window;  ///< the window that draws it
  std::string what;    ///< what it is, for the finding ("the loss and accuracy")
  ImVec4 rect;
  std::vector<std::string> may_cover = {};  ///< windows that cover it by design
  /// All of it, as laid out (x0, y0, x1, y1), where `rect` is the part its window's scrolling
  /// leaves in view: a finding when they differ (its window is too short for it). Empty (0 wide):
  /// it may scroll.
  ImVec4 whole = {};
};

/// Checks the frame just rendered (call after ImGui::Render, with the current context).
/// Glyphs cut at the top or bottom of a window that scrolls vertically (or will from the next
/// frame: its contents grew past its bottom in this one) are not findings: the rest of the panel
/// is a scroll away. `floating` names the windows that float over others
/// (the app's teaching views): each one's title bar must show its left end, five times as long
/// as the bar is tall (or all of it), uncovered by the windows in front of it (popups, menus and
/// tooltips aside), so it can be told apart and dragged (model/view_spot.h). `unhidden` names
/// windows that no window in front of them may overlap at all (the app's message banner), as
/// no window may overlap an open popup (a menu, a combo box's list, a dialog). `kept_clear`
/// names parts of windows that no window in front of theirs may overlap and, where they give
/// their whole extent, that their window may not scroll out of view.
std::vector<LayoutProblem> check_layout(const ImDrawData& draw_data, const std::vector<std::string>& floating = {},
                                        const std::vector<std::string>& unhidden = {},
                                        const std::vector<KeptClear>& kept_clear = {});

/// The lines of text that `window` and its child windows drew in the frame just rendered, as
/// check_layout reads them from the glyphs (spaces from the gaps between them), in draw order.
std::vector<std::string> drawn_lines(const ImDrawData& draw_data, const std::string& window);

/// One line per problem, for the console and test failures.
std::string describe(const std::vector<LayoutProblem>& problems);

}  // namespace bp::studio
