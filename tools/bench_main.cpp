// backprop-bench: runs the standard workloads and prints one line each (see README).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/workloads.h"

int main(int argc, char** argv) {
  bool json = false;
  std::vector<std::string> ids;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) json = true;
    else ids.emplace_back(argv[i]);
  }
  std::fputs(bp::tools::format_results(bp::tools::run_workloads(ids, 0.25, 5), json).c_str(), stdout);
  return 0;
}
