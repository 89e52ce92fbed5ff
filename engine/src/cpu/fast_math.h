// Branch-free float32 exp, log, tanh and sigmoid that the compiler can vectorise (Cephes
// polynomials with Cody-Waite range reduction). Accurate to a few ulp over the float range,
// propagate NaN, and saturate like the libm functions.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

namespace bp::fastmath {

// Selects instead of std::fmin/fmax/copysign: those become library calls without -ffast-math
// and stop the loops from vectorising.
inline float min(float a, float b) { return a < b ? a : b; }
inline float max(float a, float b) { return a > b ? a : b; }
inline float abs(float x) { return std::bit_cast<float>(std::bit_cast<uint32_t>(x) & 0x7fffffffu); }
inline float with_sign_of(float magnitude, float sign) {
  return std::bit_cast<float>((std::bit_cast<uint32_t>(magnitude) & 0x7fffffffu) |
                              (std::bit_cast<uint32_t>(sign) & 0x80000000u));
}

inline float exp(float x) {
  const float xc = min(max(x, -87.33654f), 88.37626f);
  // Round to nearest by adding and subtracting 1.5·2^23 (std::floor is a library call here).
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  const int32_t e = static_cast<int32_t>(n) + 127;
  const float scale = std::bit_cast<float>(e << 23);
  float y = p * scale;
  y = x > 88.37626f ? INFINITY : y;
  y = x < -87.33654f ? 0.0f : y;
  return x != x ? x : y;
}

inline float log(float x) {
  // Split x = m·2^e with m in [sqrt(1/2), sqrt(2)).
  const float xs = x < 1.17549435e-38f ? x * 8388608.0f : x;  // lift denormals
  const float ebias = x < 1.17549435e-38f ? 23.0f : 0.0f;
  const int32_t bits = std::bit_cast<int32_t>(xs);
  float e = static_cast<float>(((bits >> 23) & 0xff) - 126) - ebias;
  float m = std::bit_cast<float>((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  const bool small = m < 0.707106781186547524f;
  e = small ? e - 1.0f : e;
  m = small ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292E-2f;
  y = y * m - 1.1514610310E-1f;
  y = y * m + 1.1676998740E-1f;
  y = y * m - 1.2420140846E-1f;
  y = y * m + 1.4249322787E-1f;
  y = y * m - 1.6668057665E-1f;
  y = y * m + 2.0000714765E-1f;
  y = y * m - 2.4999993993E-1f;
  y = y * m + 3.3333331174E-1f;
  y = y * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  float r = m + y + 0.693359375f * e;
  r = x == INFINITY ? x : r;
  r = x == 0.0f ? -INFINITY : r;
  r = x < 0.0f ? NAN : r;
  return x != x ? x : r;
}

inline float tanh(float x) {
  const float ax = abs(x);
  // Small |x|: odd polynomial keeps full relative precision near zero.
  const float z = x * x;
  float p = -5.70498872745E-3f;
  p = p * z + 2.06390887954E-2f;
  p = p * z - 5.37397155531E-2f;
  p = p * z + 1.33314422036E-1f;
  p = p * z - 3.33332819422E-1f;
  const float small = p * z * x + x;
  // Large |x|: 1 − 2/(e^{2|x|} + 1), saturating to ±1.
  const float big = 1.0f - 2.0f / (fastmath::exp(2.0f * min(ax, 20.0f)) + 1.0f);
  const float signed_big = with_sign_of(big, x);
  const float r = ax < 0.625f ? small : signed_big;
  return x != x ? x : r;
}

inline float sigmoid(float x) { return 1.0f / (1.0f + fastmath::exp(-x)); }

/// log(1 + u) accurate for tiny u too: w = 1 + u rounds, and log(w)·u/(w − 1) corrects for it.
inline float log1p(float u) {
  const float w = 1.0f + u;
  const float r = fastmath::log(w) * (u / (w - 1.0f));
  return w == 1.0f ? u : r;
}

/// log(1 + e^x) without overflow.
inline float softplus(float x) { return max(x, 0.0f) + fastmath::log1p(fastmath::exp(-abs(x))); }

}  // namespace bp::fastmath
