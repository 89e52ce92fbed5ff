// Every text the inspector prints can be drawn: each code point is inside the ranges the app
// loads (views/glyph_ranges.h) and the font it loads has a glyph for it, so nothing appears as
// "?" (the tensor level's "Wᵀ" once did).
#include <gtest/gtest.h>
#include <stb/stb_truetype.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "formula_texts.h"
#include "views/glyph_ranges.h"

namespace bp::studio {
namespace {

std::set<uint32_t> code_points(const std::vector<std::string>& texts) {
  std::set<uint32_t> out;
  for (const std::string& t : texts) {
    for (size_t i = 0; i < t.size();) {
      const auto c = static_cast<unsigned char>(t[i]);
      const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
      uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
      for (size_t k = 1; k < len && i + k < t.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(t[i + k]) & 0x3F);
      out.insert(cp);
      i += len;
    }
  }
  return out;
}

bool loaded(uint32_t cp) {
  for (size_t i = 0; kGlyphRanges[i] != 0; i += 2)
    if (cp >= kGlyphRanges[i] && cp <= kGlyphRanges[i + 1]) return true;
  return false;
}

TEST(Glyphs, EveryInspectorTextIsInTheLoadedRangesAndTheFont) {
  std::vector<std::string> texts = bp::testing::inspector_texts();
  texts.push_back("W?");  // sanity: plain ASCII
  const std::set<uint32_t> cps = code_points(texts);
  EXPECT_TRUE(cps.count(0x1D40)) << "the tensor level prints Wᵀ";
  EXPECT_TRUE(cps.count(0x2212)) << "formulas print the minus sign −";
  for (uint32_t cp : cps)
    if (cp >= 0x20) EXPECT_TRUE(loaded(cp)) << "U+" << std::hex << cp << " is outside the app's font ranges";

  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (!std::filesystem::exists(font)) GTEST_SKIP() << "DejaVu Sans is not installed (fonts-dejavu-core)";
  std::ifstream in(font, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  stbtt_fontinfo info;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  ASSERT_TRUE(stbtt_InitFont(&info, data, stbtt_GetFontOffsetForIndex(data, 0)));
  for (uint32_t cp : cps)
    if (cp >= 0x20) EXPECT_NE(stbtt_FindGlyphIndex(&info, static_cast<int>(cp)), 0) << "DejaVu Sans has no glyph for U+" << std::hex << cp;
}

}  // namespace
}  // namespace bp::studio
