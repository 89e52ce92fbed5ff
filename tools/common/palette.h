// Colours shared by the plot renderer and the app: the Okabe-Ito colour-blind-safe palette for
// classes, and the diverging map for binary probabilities and regression values.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

namespace bp::tools {

struct Rgb {
  float r, g, b;  // 0..1
};

/// Class colours (Okabe-Ito): orange, blue, bluish green, vermillion, reddish purple, sky blue,
/// then yellow and black for classes 6 and 7; further classes repeat.
inline Rgb class_color(int c) {
  static constexpr std::array<Rgb, 8> k = {{{0.902f, 0.624f, 0.0f},
                                            {0.0f, 0.447f, 0.698f},
                                            {0.0f, 0.620f, 0.451f},
                                            {0.835f, 0.369f, 0.0f},
                                            {0.800f, 0.475f, 0.655f},
                                            {0.337f, 0.706f, 0.914f},
                                            {0.941f, 0.894f, 0.259f},
                                            {0.0f, 0.0f, 0.0f}}};
  return k[static_cast<size_t>(c < 0 ? 0 : c) % k.size()];
}

inline Rgb mix(Rgb a, Rgb b, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

constexpr Rgb kWhite{1.0f, 1.0f, 1.0f};

/// Background for a value v in [-1, 1]: class-0 orange at −1, white at 0, class-1 blue at +1,
/// washed out so that points stay readable on top.
inline Rgb diverging(float v, float strength = 0.75f) {
  v = std::clamp(v, -1.0f, 1.0f);
  return v < 0 ? mix(kWhite, class_color(0), -v * strength) : mix(kWhite, class_color(1), v * strength);
}

inline std::array<uint8_t, 3> to_bytes(Rgb c) {
  auto b = [](float x) { return static_cast<uint8_t>(std::clamp(x, 0.0f, 1.0f) * 255.0f + 0.5f); };
  return {b(c.r), b(c.g), b(c.b)};
}

}  // namespace bp::tools
