#include "common/cli_words.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <CLI/CLI.hpp>

#include "backprop/errors.h"

namespace bp::tools {

std::string unknown_flag(const CLI::App& app, int first, int argc, char** argv) {
  std::vector<std::string> longs, all;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& n : o->get_lnames()) longs.push_back("--" + n), all.push_back("--" + n);
    for (const std::string& n : o->get_snames()) all.push_back("-" + n);
  }
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;  // what follows is not flags
    if (a.size() < 2 || a[0] != '-' || std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.') continue;  // a value: -1, -.5
    a = a.substr(0, a.find('='));
    if (a.rfind("--", 0) != 0 && a.size() > 2) continue;  // -n400: a short flag with its value
    if (std::find(all.begin(), all.end(), a) != all.end()) continue;
    return "unknown flag " + quote_text(a) + did_you_mean(a, longs);
  }
  return "";
}

}  // namespace bp::tools
