// Mistyped words on a command line, for the CLI and the app: the flag a user meant when they
// typed one that does not exist ("unknown flag '--stepz' (did you mean '--steps'?)"). CLI11 alone
// says only "The following arguments were not expected: 10 --stepz".
#pragma once
#include <string>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace bp::tools {

/// The first of argv[first..argc) that looks like a flag (not a value such as -1 or -.5, not
/// after "--") but is none of `app`'s, as a sentence that names the long flag nearest to it
/// (did_you_mean); "" when every flag is one of `app`'s.
std::string unknown_flag(const CLI::App& app, int first, int argc, char** argv);

/// CLI11's parse error as one plain sentence for "<program>: error: ...": a mistyped flag of
/// `app` named with the one meant (unknown_flag; `app` may be null where the command is not
/// known), a flag given twice ("--steps is given 2 times; give it once") or without its value
/// ("--steps needs a value: a whole number") in words, not CLI11's "At Most 1 required but
/// received 2" or "1 required INT missing"; control characters quoted.
std::string parse_error_sentence(const CLI::ParseError& e, const CLI::App* app, int first, int argc, char** argv);

/// For a flag that writes a PNG image (`what`: "the plot"): "" when `path` is named .png or has
/// no extension, else "the plot is a PNG image; name it .png, not '.jpg'".
std::string png_name_problem(const std::string& what, const std::string& path);

}  // namespace bp::tools
