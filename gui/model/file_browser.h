// The folder listing behind the app's file dialogs, with no ImGui in it: the folders and the
// files of one kind (by extension) in a folder, sorted, folders first. It never opens a file:
// FIFOs, devices and sockets are left out by their type (lstat/stat only), unreadable folders
// give a reason, and a huge folder is listed up to kMaxBrowserEntries.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace bp::studio {

constexpr size_t kMaxBrowserEntries = 5000;

class FileBrowser {
 public:
  struct Entry {
    std::string name;  ///< the file or folder name ("data.csv", "runs")
    bool folder = false;
  };

  /// Lists `folder` (made absolute) for files ending in one of `extensions` (".csv"; case is
  /// ignored; none = every file). On failure, entries() is empty and error() says why; the
  /// folder is still the one asked for.
  void list(const std::string& folder, const std::vector<std::string>& extensions);
  /// Lists again (after a save, or the parent folder).
  void refresh() { list(folder_, extensions_); }
  void up();
  /// `name` inside the listed folder, or `name` itself when it is an absolute path.
  std::string resolve(const std::string& name) const;

  const std::string& folder() const { return folder_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& error() const { return error_; }
  bool truncated() const { return truncated_; }

 private:
  std::string folder_;
  std::vector<std::string> extensions_;
  std::vector<Entry> entries_;
  std::string error_;
  bool truncated_ = false;
};

/// The file a save dialog writes for `path` (the name typed, resolved): `path` when it ends in one
/// of `extensions`, `path` with the first of them added when its name has no extension
/// ("lecture" → "lecture.json", which the open dialogs list). Another extension throws
/// ValueError ("canvas.jpg" for a PNG image), naming the one to use.
std::string save_path_for(const std::string& path, const std::vector<std::string>& extensions);

}  // namespace bp::studio
