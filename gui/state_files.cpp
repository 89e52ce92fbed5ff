#include "state_files.h"

#include <fcntl.h>
#include <imgui.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "model/layout_text.h"

namespace fs = std::filesystem;

namespace bp::studio {

std::string state_dir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  const std::string base = xdg && *xdg ? xdg : (home && *home ? std::string(home) + "/.local/state" : "/tmp");
  return base + "/backprop-studio";
}

AutosaveSlot claim_autosave_slot() {
  const std::string dir = state_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (int n = 1; n <= kMaxAutosaveSlots; ++n) {
    const std::string path = dir + (n == 1 ? "/autosave.json" : "/autosave-" + std::to_string(n) + ".json");
    // O_NONBLOCK: a FIFO or device left at the lock's name never blocks the start.
    const int fd = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    if (fd < 0) return {dir + "/autosave.json", 1};  // no lock here: nobody to coordinate with
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return {path, n};  // fd stays open: the lock is held until exit
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return {dir + "/autosave.json", 1};
  }
  return {"", 0};
}

std::string state_dir_problem() {
  const std::string dir = state_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create " + quote_text(dir) + ": " + ec.message();
  // A real write: permissions alone do not tell (root, read-only mounts). A disk that fills up
  // later is still only found at exit.
  const std::string probe = dir + "/.write-check";
  try {
    write_file_atomic(probe, "");
  } catch (const std::exception& e) {
    return e.what();
  }
  fs::remove(probe, ec);
  return "";
}

std::string keep_bad_file(const std::string& path) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  const std::string kept = path + ".bad-" + stamp;
  std::error_code ec;
  fs::rename(path, kept, ec);
  return ec ? std::string() : kept;
}

std::optional<std::string> load_layout(std::string& path, std::string& problem) {
  problem.clear();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::nullopt;
  try {
    // Not ImGui's own reader: it loads any file whole (a large sparse one crashed the app), and
    // trusts what it reads (a [Table] section of two billion columns crashed it too).
    return checked_layout(read_file(path, kMaxLayoutBytes));
  } catch (const std::exception& e) {
    const std::string why = e.what();
    const std::string kept = keep_bad_file(path);
    if (kept.empty()) path.clear();
    problem = "The panel layout could not be read (" + why + "); " +
              (kept.empty() ? "the default layout is used, and the file is left as it is."
                            : "it was kept as " + fs::path(kept).filename().string() + " and the default layout is used.");
    return std::nullopt;
  }
}

void save_layout(const std::string& path, const std::set<std::string>* keep) {
  if (path.empty()) return;
  size_t size = 0;
  const char* text = ImGui::SaveIniSettingsToMemory(&size);
  try {
    std::string layout(text, size);
    if (keep) layout = filter_windows(layout, [&](const std::string& name) { return keep->count(name) > 0; });
    write_file_atomic(path, layout);
  } catch (const std::exception&) {
    // Not worth bothering the user (see the header).
  }
}

}  // namespace bp::studio
