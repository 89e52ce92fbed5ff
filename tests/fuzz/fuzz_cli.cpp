// Fuzz target: the command line's option parsing. The input is argv, one argument per line.
// With check_only the commands validate every flag and stop before touching a file, so the
// fuzzer cannot write anywhere; the exit status is always 0, 1 or 2 and nothing escapes.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/backprop_cli.h"
#include "fuzz_check.h"

BP_FUZZ_TARGET(cli) {
  std::vector<std::string> args{"backprop"};
  std::string cur;
  for (size_t i = 0; i < size && args.size() < 64; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\n') {
      args.push_back(cur);
      cur.clear();
    } else if (c != '\0' && cur.size() < 1000) {
      cur += c;
    }
  }
  if (!cur.empty()) args.push_back(cur);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int status = -1;
  try {
    status = bp::tools::run_backprop(static_cast<int>(args.size()), argv.data(), true);
  } catch (...) {
    BP_FUZZ_CHECK(false, "an exception escaped run_backprop");
  }
  BP_FUZZ_CHECK(status == 0 || status == 1 || status == 2, "exit status is 0, 1 or 2, got " + std::to_string(status));
}
