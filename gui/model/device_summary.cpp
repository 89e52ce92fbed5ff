#include "model/device_summary.h"

#include <algorithm>
#include <string_view>

namespace bp::studio {

std::string device_summary(const std::string& note) {
  constexpr std::string_view kAuto = "auto: ";
  const size_t from = note.rfind(kAuto, 0) == 0 ? kAuto.size() : 0;
  size_t cut = note.size();
  for (const char* mark : {" (", "; ", ": "}) cut = std::min(cut, note.find(mark, from));
  return note.substr(0, cut);
}

}  // namespace bp::studio
