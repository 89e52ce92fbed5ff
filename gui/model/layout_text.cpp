#include "model/layout_text.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "backprop/errors.h"

namespace bp::studio {

namespace {

[[noreturn]] void refuse(size_t line, const std::string& text, const std::string& why) {
  throw IoError("line " + std::to_string(line) + ": " + quote_text(text) + " " + why);
}

// A whole number in [lo, hi] as ImGui writes one ("%d"): an optional minus, then digits.
bool whole_in(std::string_view s, int lo, int hi, int& out) {
  if (s.empty() || s.front() == '+') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= lo && out <= hi;
}

// "x,y" with both in [lo, hi].
bool pair_in(std::string_view s, int lo, int hi, int& x, int& y) {
  const size_t comma = s.find(',');
  return comma != std::string_view::npos && whole_in(s.substr(0, comma), lo, hi, x) && whole_in(s.substr(comma + 1), lo, hi, y);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

constexpr std::string_view kHeader = "[Window][";

// Calls each(line, number) for every line of text: lines end at '\n' or '\r', as ImGui reads
// them, and are numbered as an editor shows them ("\r\n" is one end).
template <class F>
void for_lines(const std::string& text, F each) {
  size_t number = 1;
  for (size_t begin = 0, end = 0; begin < text.size(); begin = end + 1) {
    end = std::min(text.find_first_of("\r\n", begin), text.size());
    each(std::string_view(text.data() + begin, end - begin), number);
    if (end < text.size() && (text[end] == '\n' || end + 1 == text.size() || text[end + 1] != '\n')) ++number;
  }
}

// The window a section header names, or none (another kind of section).
std::optional<std::string> window_name(std::string_view line) {
  if (!starts_with(line, kHeader) || line.back() != ']') return std::nullopt;
  return std::string(line.substr(kHeader.size(), line.size() - kHeader.size() - 1));
}

// A window's Pos= and Size= lines, in the ranges ImGui keeps them in.
bool position_line(std::string_view line, int& x, int& y) { return starts_with(line, "Pos=") && pair_in(line.substr(4), -32768, 32767, x, y); }
bool size_line(std::string_view line, int& w, int& h) { return starts_with(line, "Size=") && pair_in(line.substr(5), 0, 32767, w, h); }

}  // namespace

std::string checked_layout(const std::string& text) {
  std::string out;
  std::set<std::string> names;
  bool in_window = false;
  for_lines(text, [&](std::string_view line, size_t at) {
    if (line.empty() || line.front() == ';') return;
    const std::string shown(line.substr(0, 80));
    if (line.front() == '[') {
      const std::optional<std::string> name = window_name(line);
      if (!name || name->empty()) refuse(at, shown, "is not a panel's section: this app writes [Window][name] sections only");
      if (name->size() > kMaxLayoutNameBytes) refuse(at, shown, "names a panel longer than " + std::to_string(kMaxLayoutNameBytes) + " bytes");
      for (const char c : *name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '[' || c == ']')
          refuse(at, shown, "names a panel with a control character or a bracket");
      if (names.insert(*name).second && names.size() > kMaxLayoutWindows)
        refuse(at, shown, "is one panel more than the " + std::to_string(kMaxLayoutWindows) + " a layout holds");
      if (!out.empty()) out += '\n';
      out.append(line).append("\n");
      in_window = true;
      return;
    }
    if (!in_window) refuse(at, shown, "comes before any [Window][name] section");
    int a = 0, b = 0;
    if (starts_with(line, "Pos=")) {
      if (!position_line(line, a, b)) refuse(at, shown, "is not a position: two whole numbers from -32768 to 32767");
    } else if (starts_with(line, "Size=")) {
      if (!size_line(line, a, b)) refuse(at, shown, "is not a size: two whole numbers from 0 to 32767");
    } else if (starts_with(line, "Collapsed=")) {
      if (!whole_in(line.substr(10), 0, 1, a)) refuse(at, shown, "is not Collapsed=0 or Collapsed=1");
    } else {
      refuse(at, shown, "is not a panel's Pos=, Size= or Collapsed= line");
    }
    out.append(line).append("\n");
  });
  return out;
}

std::set<std::string> window_names(const std::string& text) {
  std::set<std::string> names;
  for_lines(text, [&](std::string_view line, size_t) {
    if (auto name = window_name(line)) names.insert(std::move(*name));
  });
  return names;
}

std::set<std::string> windows_outside(const std::string& checked, int w, int h) {
  struct Rect {
    std::optional<std::pair<int, int>> pos, size;
  };
  std::map<std::string, Rect> windows;  // a name again is the same window, its later lines winning (as in ImGui)
  Rect* current = nullptr;
  for_lines(checked, [&](std::string_view line, size_t) {
    int a = 0, b = 0;
    if (const auto name = window_name(line)) current = &windows[*name];
    else if (current && position_line(line, a, b)) current->pos = {a, b};
    else if (current && size_line(line, a, b)) current->size = {a, b};
  });
  std::set<std::string> outside;
  for (const auto& [name, r] : windows) {
    const auto [x, y] = r.pos.value_or(std::pair{0, 0});
    const auto [sw, sh] = r.size.value_or(std::pair{0, 0});
    if (x < 0 || y < 0 || x + sw > w + 1 || y + sh > h + 1) outside.insert(name);
  }
  return outside;
}

std::string filter_windows(const std::string& text, const std::function<bool(const std::string&)>& keep) {
  std::string out;
  bool keeping = false;
  for_lines(text, [&](std::string_view line, size_t) {
    if (line.empty()) return;
    if (line.front() == '[') {
      const auto name = window_name(line);
      keeping = name && keep(*name);
      if (keeping && !out.empty()) out += '\n';
    }
    if (keeping) out.append(line).append("\n");
  });
  return out;
}

}  // namespace bp::studio
