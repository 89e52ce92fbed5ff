#include "backprop/json_reader.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

namespace bp {

using json = nlohmann::json;

namespace {

// " is 2, outside 0 to 1": a number out of its bounds, for a field's error.
std::string outside(double d, double lo, double hi) {
  char buf[160];
  std::snprintf(buf, sizeof buf, " is %.6g, outside %.6g to %.6g", d, lo, hi);
  return buf;
}

// Deep nesting would make the recursive parser (and later dump()) overflow the stack.
void check_nesting(const std::string& text, const std::string& source, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') ++i;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > max_depth) throw IoError(source + ": nested more than " + std::to_string(max_depth) + " levels deep");
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
}

struct TooManyValues {};

// "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error ..." becomes
// "line 1, column 3: syntax error ...". The parser quotes what it last read (the whole token: all
// of an unterminated 10 MB string) with control characters escaped but other bytes raw; that
// part is quoted again, cut short, invalid UTF-8 as \xNN. It ends the message, or comes before
// "; expected <token>", whose names have quotes of their own ("'['").
std::string parse_error_words(const json::parse_error& e) {
  std::string_view w = e.what();
  if (auto p = w.find("] "); p != std::string_view::npos) w.remove_prefix(p + 2);
  if (w.rfind("parse error at ", 0) == 0) w.remove_prefix(15);
  constexpr std::string_view kLastRead = "last read: '";
  const size_t at = w.find(kLastRead);
  size_t end = w.rfind("'; expected ");
  if (end == std::string_view::npos && !w.empty() && w.back() == '\'') end = w.size() - 1;
  if (at == std::string_view::npos || end == std::string_view::npos || end < at + kLastRead.size()) return std::string(w);
  const std::string token(w.substr(at + kLastRead.size(), end - at - kLastRead.size()));
  return std::string(w.substr(0, at)) + "last read: " + quote_text(token) + std::string(w.substr(end + 1));
}

std::string type_words(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "true/false";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "a list";
  return "an object";
}

}  // namespace

json parse_json(const std::string& text, const std::string& source, const JsonLimits& limits) {
  refuse_utf16(text, source);
  check_nesting(text, source, limits.max_depth);
  size_t values = 0;
  json::parser_callback_t count = [&](int, json::parse_event_t event, json&) {
    if (event == json::parse_event_t::value || event == json::parse_event_t::object_start ||
        event == json::parse_event_t::array_start)
      if (++values > limits.max_values) throw TooManyValues{};
    return true;
  };
  try {
    return json::parse(text, count);
  } catch (const json::parse_error& e) {
    throw IoError(source + ": not valid JSON (" + parse_error_words(e) + ")");
  } catch (const json::exception& e) {
    throw IoError(source + ": not valid JSON (" + std::string(e.what()) + ")");
  } catch (const TooManyValues&) {
    throw IoError(source + ": more than " + std::to_string(limits.max_values) + " values, more than this kind of file can hold");
  }
}

void JsonReader::fail(const std::string& why) const { throw IoError(source + ": " + why); }

const json& JsonReader::field(const json& obj, const char* key, const std::string& where) const {
  if (!obj.is_object()) fail(where + " must be an object");
  auto it = obj.find(key);
  if (it == obj.end()) fail(where + " has no \"" + key + "\"");
  return *it;
}

const json* JsonReader::optional(const json& obj, const char* key) const {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string JsonReader::string(const json& v, const std::string& what) const {
  if (!v.is_string()) fail(what + " must be a string, not " + type_words(v));
  return v.get<std::string>();
}

bool JsonReader::boolean(const json& v, const std::string& what) const {
  if (!v.is_boolean()) fail(what + " must be true or false, not " + type_words(v));
  return v.get<bool>();
}

int64_t JsonReader::integer(const json& v, const std::string& what, int64_t lo, int64_t hi) const {
  const std::string range = " (allowed: " + std::to_string(lo) + " to " + std::to_string(hi) + ")";
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    // (nlohmann stores every non-negative integer as unsigned: the lower bound applies too)
    if (u > static_cast<uint64_t>(hi) || static_cast<int64_t>(u) < lo) fail(what + " is " + std::to_string(u) + ", outside" + range);
    return static_cast<int64_t>(u);
  }
  if (!v.is_number_integer()) fail(what + " must be a whole number, not " + (v.is_number() ? "a fraction" : type_words(v)));
  const auto x = v.get<int64_t>();
  if (x < lo || x > hi) fail(what + " is " + std::to_string(x) + ", outside" + range);
  return x;
}

uint64_t JsonReader::unsigned_integer(const json& v, const std::string& what) const {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) fail(what + " must not be negative");
  fail(what + " must be a whole number from 0 to 18446744073709551615, not " + (v.is_number() ? "a fraction" : type_words(v)));
}

double JsonReader::number_double(const json& v, const std::string& what, double lo, double hi) const {
  if (!v.is_number()) fail(what + " must be a number, not " + type_words(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) fail(what + " is not a finite number");
  if (d < lo || d > hi) fail(what + outside(d, lo, hi));
  return d;
}

float JsonReader::number(const json& v, const std::string& what, double lo, double hi) const {
  const double max = std::numeric_limits<double>::max();
  const double d = number_double(v, what, -max, max);
  if (std::fabs(d) > std::numeric_limits<float>::max()) fail(what + " is not a finite float (too large for float32)");
  // The bounds as float32 too: a value the app held as a float at its bound (1e-4f is
  // 9.99999975e-05, below the double 1e-4) reads back, as everything it writes must.
  const float f = static_cast<float>(d);
  if (f < static_cast<float>(lo) || f > static_cast<float>(hi)) fail(what + outside(d, lo, hi));
  return f;
}

}  // namespace bp
