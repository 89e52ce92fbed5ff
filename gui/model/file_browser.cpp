#include "file_browser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "backprop/data.h"
#include "backprop/errors.h"

namespace bp::studio {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has_extension(const std::string& name, const std::vector<std::string>& extensions) {
  if (extensions.empty()) return true;
  return std::any_of(extensions.begin(), extensions.end(),
                     [&](const std::string& e) { return name.size() > e.size() && ends_in_extension(name, e); });  // a name, then it
}

}  // namespace

void FileBrowser::list(const std::string& folder, const std::vector<std::string>& extensions) {
  std::error_code ec;
  fs::path dir = folder.empty() ? fs::current_path(ec) : fs::path(folder);
  if (dir.is_relative()) dir = fs::absolute(dir, ec);
  folder_ = dir.lexically_normal().string();
  if (folder_.size() > 1 && folder_.back() == '/') folder_.pop_back();
  extensions_ = extensions;
  entries_.clear();
  error_.clear();
  truncated_ = false;
  // Not skip_permission_denied: with it, a folder that cannot be read lists as empty, no reason given.
  fs::directory_iterator it(dir, ec);
  if (ec) {
    error_ = "cannot list " + folder_ + ": " + ec.message();
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) {
      error_ = "the listing stopped early: " + ec.message();
      break;
    }
    if (entries_.size() >= kMaxBrowserEntries) {
      truncated_ = true;
      break;
    }
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // hidden files
    std::error_code st;
    const fs::file_status s = it->status(st);  // stat follows links; it never opens the file
    if (st) continue;                             // a dangling link
    if (fs::is_directory(s)) entries_.push_back({name, true});
    else if (fs::is_regular_file(s) && has_extension(name, extensions_)) entries_.push_back({name, false});
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.folder != b.folder) return a.folder;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
}

void FileBrowser::up() {
  const fs::path parent = fs::path(folder_).parent_path();
  list(parent.empty() ? folder_ : parent.string(), extensions_);
}

std::string FileBrowser::resolve(const std::string& name) const {
  if (name.empty()) return name;
  const fs::path p(name);
  if (p.is_absolute()) return name;
  return (fs::path(folder_) / p).lexically_normal().string();
}

std::string save_path_for(const std::string& path, const std::vector<std::string>& extensions) {
  if (extensions.empty() || path.empty() || has_extension(path, extensions)) return path;
  const std::string ext = other_extension(path, extensions);
  if (ext.empty()) return path + extensions.front();  // no extension (or a bare ".json": a hidden name)
  std::string list;
  for (size_t i = 0; i < extensions.size(); ++i) list += (i == 0 ? "" : i + 1 == extensions.size() ? " or " : ", ") + extensions[i];
  throw ValueError("name the file with " + list + ", not " + ext + " (or with no extension: " + extensions.front() + " is added)");
}

}  // namespace bp::studio
