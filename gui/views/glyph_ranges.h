// The Unicode ranges the app loads from its font: Latin, and what the formulas and labels use —
// Greek (σ, Σ, φ), punctuation (–, …), superscripts (², ᵀ for transposes), arrows (→, ←) and maths
// operators (−, ∂, ×). A test checks that every text the inspector prints stays inside them and
// that the font has each glyph, so nothing is drawn as "?".
#pragma once
#include <cstdint>

namespace bp::studio {

/// Pairs of first and last code point, ending with 0 (ImGui's glyph-range format).
inline constexpr uint32_t kGlyphRanges[] = {
    0x0020, 0x00FF,  // Basic Latin and Latin-1 (·, ×, ±, ², µ)
    0x0370, 0x03FF,  // Greek
    0x1D00, 0x1D7F,  // Phonetic extensions: modifier letters such as ᵀ
    0x2000, 0x206F,  // General punctuation
    0x2070, 0x209F,  // Superscripts and subscripts
    0x2190, 0x21FF,  // Arrows
    0x2200, 0x22FF,  // Mathematical operators
    0,
};

}  // namespace bp::studio
