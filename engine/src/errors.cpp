#include "backprop/errors.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace bp {

std::string quote_text(const std::string& text, size_t max_chars) {
  std::string out = "'";
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    // A whole UTF-8 sequence (valid lead and continuation bytes) passes as one character.
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= text.size();
    for (size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid && len == 1 && (c < 0x20 || c == 0x7F)) valid = false;
    if (valid) {
      out.append(text, i, len);
      i += len - 1;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
    ++shown;
  }
  return out + "'";
}

namespace {

// Edits from a to b: insertions, deletions, substitutions and swaps of two neighbours (optimal
// string alignment), ignoring ASCII case.
size_t edit_distance(const std::string& a, const std::string& b) {
  auto same = [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1])) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
  if (word.empty() || word.size() > 64) return "";  // a slip, not a paragraph
  const size_t allowed = 1 + (word.size() > 5 ? (word.size() - 2) / 4 : 0);
  const std::string* best = nullptr;
  size_t best_d = allowed + 1;
  for (const std::string& n : names)
    if (const size_t d = edit_distance(word, n); d < best_d) best_d = d, best = &n;
  return best ? " (did you mean " + quote_text(*best) + "?)" : "";
}

std::string counted(int64_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::string comma_separated(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void refuse_utf16(const std::string& text, const std::string& source, const std::string& how) {
  if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0) throw IoError(source + ": is UTF-16 text; save it as UTF-8" + how);
}

}  // namespace bp
