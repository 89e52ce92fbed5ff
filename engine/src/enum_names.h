// Internal: the names of an enum's values as files and command lines spell them, and parsing
// them back, with one error message for every enum: "unknown optimizer 'sgdd' (expected one of:
// sgd, momentum, adam, adamw)". Each enum keeps one table of {value, name}.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>

#include "backprop/errors.h"

namespace bp {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

/// The name of `value` in `names` ("?" for a value not in the table).
template <class E, size_t N>
const char* enum_name(const EnumName<E> (&names)[N], E value) {
  for (const auto& n : names)
    if (n.value == value) return n.name;
  return "?";
}

/// The value named `text` in `names` or in `aliases` (other spellings, not listed in errors);
/// throws ValueError naming `what` and every name in `names`.
template <class E, size_t N>
E parse_enum(const EnumName<E> (&names)[N], const std::string& text, const char* what, std::initializer_list<EnumName<E>> aliases = {}) {
  for (const auto& n : names)
    if (text == n.name) return n.value;
  for (const auto& a : aliases)
    if (text == a.name) return a.value;
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + std::string(n.name);
  throw ValueError("unknown " + std::string(what) + " " + quote_text(text) + " (expected one of: " + known + ")");
}

}  // namespace bp
