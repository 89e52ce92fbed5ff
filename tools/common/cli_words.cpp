#include "common/cli_words.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include <CLI/CLI.hpp>

#include "backprop/data.h"
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

namespace {

// CLI11's list of choices, "a,b,c", as its names.
std::vector<std::string> choices_of(const std::string& list) {
  std::vector<std::string> names;
  for (size_t at = 0; at <= list.size();) {
    const size_t end = std::min(list.find(',', at), list.size());
    names.push_back(list.substr(at, end - at));
    at = end + 1;
  }
  return names;
}

// "a, b, c".
std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// What a value of CLI11's type name is, in words: INT, FLOAT, TEXT:{a,b} ...
std::string kind_of_value(const std::string& type) {
  if (type == "INT" || type == "UINT") return ": a whole number";
  if (type == "FLOAT") return ": a number";
  if (type == "FILE") return ": a file name";
  const size_t brace = type.find(":{");
  if (brace != std::string::npos && type.back() == '}') return ": one of " + listed(choices_of(type.substr(brace + 2, type.size() - brace - 3)));
  return "";
}

// " (-n is the same flag)" for an option that also has short names.
std::string other_names(const CLI::App* app, const std::string& name) {
  if (!app) return "";
  const CLI::Option* o = app->get_option_no_throw(name);
  if (!o || o->get_snames().empty()) return "";
  std::string names;
  for (const std::string& s : o->get_snames()) names += (names.empty() ? "-" : " and -") + s;
  return " (" + names + (o->get_snames().size() > 1 ? " are" : " is") + " the same flag)";
}

// CLI11 2.1's ArgumentMismatch messages in words; "" for others.
std::string mismatch_in_words(const std::string& what, const CLI::App* app) {
  std::smatch m;
  static const std::regex at_most(R"(^(\S+): At Most 1 required but received (\d+)$)");
  static const std::regex at_least(R"(^(\S+): At least (\d+) required but received (\d+)$)");
  static const std::regex missing(R"(^(\S+): (\d+) required (\S+) missing$)");
  if (std::regex_match(what, m, at_most))
    return m[1].str() + " is given " + m[2].str() + " times" + other_names(app, m[1].str()) + "; give it once";
  if (std::regex_match(what, m, at_least))
    return m[1].str() + " needs " + m[2].str() + " values, got " + m[3].str();
  if (std::regex_match(what, m, missing))
    return m[1].str() + " needs " + (m[2].str() == "1" ? "a value" : m[2].str() + " values") + kind_of_value(m[3].str());
  return "";
}

// CLI11's IsMember message ("--view: foo not in {manual,tangent}") in words, with the name
// meant; "" for others.
std::string not_a_member_in_words(const std::string& what) {
  std::smatch m;
  static const std::regex not_in(R"(^(\S+): (.+) not in \{(.*)\}$)");
  if (!std::regex_match(what, m, not_in)) return "";
  const std::vector<std::string> names = choices_of(m[3].str());
  return m[1].str() + ": " + quote_text(m[2].str()) + " is not one of " + listed(names) + did_you_mean(m[2].str(), names);
}

}  // namespace

std::string parse_error_sentence(const CLI::ParseError& e, const CLI::App* app, int first, int argc, char** argv) {
  // CLI11 echoes what it could not parse: quote_text keeps control characters off the terminal.
  std::string what = quote_text(e.what(), 300);
  what = what.substr(1, what.size() - 2);
  if (dynamic_cast<const CLI::ExtrasError*>(&e) && app) {  // name a mistyped flag, and the one meant
    if (std::string flag = unknown_flag(*app, first, argc, argv); !flag.empty()) return flag;
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    if (std::string words = mismatch_in_words(what, app); !words.empty()) return words;
  } else if (dynamic_cast<const CLI::ValidationError*>(&e)) {
    if (std::string words = not_a_member_in_words(e.what()); !words.empty()) return words;  // quotes the value itself
  }
  return what;
}

std::string png_name_problem(const std::string& what, const std::string& path) {
  const std::string ext = other_extension(path, {".png"});
  return ext.empty() ? "" : what + " is a PNG image; name it .png, not " + quote_text(ext);
}

}  // namespace bp::tools
