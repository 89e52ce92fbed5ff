// The panel layout file (layout.ini, in Dear ImGui's format), checked before ImGui reads it.
// ImGui's reader trusts its file: a [Table] section claiming two billion columns made it
// allocate past the range of an int and crash the app at every start. Only what this app
// writes gets through: [Window][name] sections with Pos=x,y, Size=w,h and Collapsed=0|1, in
// the ranges ImGui keeps them in (16-bit). No ImGui here, so that tests check it alone.
#pragma once
#include <functional>
#include <set>
#include <string>

namespace bp::studio {

/// The most panels (and views) a layout file names: the app has about twenty.
constexpr size_t kMaxLayoutWindows = 1000;
/// The longest panel name read (the app's are a few words).
constexpr size_t kMaxLayoutNameBytes = 256;

/// The layout in `text` rewritten with the checked lines alone (blank and comment lines
/// dropped), for ImGui::LoadIniSettingsFromMemory; throws IoError naming the first line that
/// is not part of a layout this app writes and what is wrong with it. checked_layout of its
/// own result returns that result unchanged.
std::string checked_layout(const std::string& text);

/// The names of the windows (panels and views) a layout places.
std::set<std::string> window_names(const std::string& text);

/// The windows (panels and views) of a checked layout that do not lie wholly within a window of
/// w × h screen units (a unit of rounding allowed): placed there, a panel could be out of reach.
std::set<std::string> windows_outside(const std::string& checked, int w, int h);

/// The layout with only the [Window] sections whose names `keep` says to keep (other sections
/// dropped too): the app saves the windows laid out for the window size it saves with.
std::string filter_windows(const std::string& text, const std::function<bool(const std::string&)>& keep);

}  // namespace bp::studio
