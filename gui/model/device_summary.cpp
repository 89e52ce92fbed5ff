#include "model/device_summary.h"

#include <string_view>

namespace bp::studio {

std::string device_summary(const std::string& note) {
  constexpr std::string_view kAuto = "auto: ";
  const size_t from = note.rfind(kAuto, 0) == 0 ? kAuto.size() : 0;
  // The first clause: up to "; " (what to do about it follows).
  std::string s = note.substr(0, note.find("; ", from));
  // Without the parenthesised details, wherever they stand ("the GPU X (compute 5.0) is not ...").
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(' && i >= from) {
      if (depth++ == 0 && !out.empty() && out.back() == ' ') out.pop_back();
    } else if (s[i] == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += s[i];
    }
  }
  // Up to the colon that introduces the particulars ("too old: it supports CUDA 12.2, ...").
  return out.substr(0, out.find(": ", from));
}

}  // namespace bp::studio
