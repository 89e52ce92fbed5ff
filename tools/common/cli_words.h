// Mistyped words on a command line, for the CLI and the app: the flag a user meant when they
// typed one that does not exist ("unknown flag '--stepz' (did you mean '--steps'?)"). CLI11 alone
// says only "The following arguments were not expected: 10 --stepz".
#pragma once
#include <string>

namespace CLI {
class App;
}

namespace bp::tools {

/// The first of argv[first..argc) that looks like a flag (not a value such as -1 or -.5, not
/// after "--") but is none of `app`'s, as a sentence that names the long flag nearest to it
/// (did_you_mean); "" when every flag is one of `app`'s.
std::string unknown_flag(const CLI::App& app, int first, int argc, char** argv);

}  // namespace bp::tools
