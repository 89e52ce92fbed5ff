// The files the app keeps for itself in its state folder: the autosaved session, the window
// size and the panel layout. Each is read within a size limit (a FIFO, a device or a huge file
// left in its place is refused, never waited on or loaded whole) and written atomically; a file
// that cannot be read is kept aside under a new name, so that nothing is lost or overwritten.
#pragma once
#include <optional>
#include <set>
#include <string>

namespace bp::studio {

/// $XDG_STATE_HOME/backprop-studio, or ~/.local/state/backprop-studio.
std::string state_dir();

/// The session file this window autosaves to. Windows open at the same time each keep their own
/// session, so that the last one closed does not overwrite the others': the first takes
/// autosave.json, the next autosave-2.json, and so on. A window holds its file by a lock on
/// <file>.lock until it exits (the system releases it if the app crashes).
struct AutosaveSlot {
  std::string path;  ///< the session file to restore and save
  int number = 1;    ///< 1 for autosave.json; 0 when every slot is taken (nothing is saved)
};
constexpr int kMaxAutosaveSlots = 9;
/// Takes the first free slot (call once; the lock is kept for the process's life). Where the
/// state folder cannot be written, or a lock cannot be taken, slot 1 is returned: there is no
/// other window to coordinate with that could be found.
AutosaveSlot claim_autosave_slot();

/// Creates the state folder if needed and checks that a file can be written in it: "" if so,
/// else why not (the app then warns at start that the session will not be saved on exit).
std::string state_dir_problem();

/// Renames a state file that could not be read to <file>.bad-<date>-<time>, so that the app's
/// next save does not overwrite it. Returns the new name, or "" if it could not be moved.
std::string keep_bad_file(const std::string& path);

/// The largest panel layout read: ImGui writes a few KB for the app's windows.
constexpr size_t kMaxLayoutBytes = 1u << 20;

/// The panel layout in `path`, checked (checked_layout, model/layout_text.h) for the caller to
/// give ImGui (ImGui::LoadIniSettingsFromMemory, before the first frame); none if there is no
/// file or it was refused. A file that cannot be read or is not a layout this app writes is
/// kept aside (or, if it could not be moved, left alone and `path` cleared, so that save_layout
/// does not replace it), and `problem` says so in a sentence for the user.
std::optional<std::string> load_layout(std::string& path, std::string& problem);

/// Writes ImGui's panel layout to `path` atomically (nothing when `path` is empty): with `keep`,
/// only the windows it names (those laid out for the window size saved beside it). A layout
/// that cannot be written is not worth bothering the user: the next start lays the panels out.
void save_layout(const std::string& path, const std::set<std::string>* keep = nullptr);

}  // namespace bp::studio
