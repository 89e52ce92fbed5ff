// Reading JSON files that may be hostile: parsing within limits (nesting depth, number of values)
// and typed, range-checked field access whose errors name the file and the field in words. The
// model file and the app's session file both read through this.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "backprop/errors.h"

namespace bp {

struct JsonLimits {
  int max_depth = 32;             ///< deeper nesting is refused before parsing (no stack overflow)
  size_t max_values = 50'000'000;  ///< parsing stops past this many values (memory stays bounded)
};

/// Parses `text`, throwing IoError naming `source` for invalid JSON, deep nesting or too many
/// values. Never lets a raw library exception escape.
nlohmann::json parse_json(const std::string& text, const std::string& source, const JsonLimits& limits = {});

/// Typed access to the fields of a parsed document. `where` names the object in messages
/// (e.g. "\"training\"", "layer 3"); every failure throws IoError("<source>: <where>: ...").
struct JsonReader {
  std::string source;

  [[noreturn]] void fail(const std::string& why) const;
  const nlohmann::json& field(const nlohmann::json& obj, const char* key, const std::string& where) const;
  const nlohmann::json* optional(const nlohmann::json& obj, const char* key) const;
  std::string string(const nlohmann::json& v, const std::string& what) const;
  bool boolean(const nlohmann::json& v, const std::string& what) const;
  /// An integer in [lo, hi]; checked before conversion (1e300, -1.5 and 2^64 are refused).
  int64_t integer(const nlohmann::json& v, const std::string& what, int64_t lo, int64_t hi) const;
  uint64_t unsigned_integer(const nlohmann::json& v, const std::string& what) const;
  /// A finite number that is also finite as a float, in [lo, hi] as floats (so that a float
  /// written at a bound, such as 1e-4f, reads back).
  float number(const nlohmann::json& v, const std::string& what, double lo = -3.4028234663852886e38,
               double hi = 3.4028234663852886e38) const;
  double number_double(const nlohmann::json& v, const std::string& what, double lo, double hi) const;
  /// A name parsed by `parse` (which throws ValueError for unknown names).
  template <class T, class Parse>
  T named(const nlohmann::json& v, const std::string& what, Parse parse) const {
    const std::string s = string(v, what);
    try {
      return parse(s);
    } catch (const ValueError& e) {
      fail(what + ": " + e.what());
    }
  }
};

}  // namespace bp
