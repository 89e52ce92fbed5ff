// sin and cos of a float for kernel bodies, without the CUDA library's slow path. The library's
// sinf/cosf reduce huge arguments with a table walk that needs a local-memory array (ptxas:
// 32-byte stack frame), which the build refuses. Here the argument is reduced in double by
// Cody-Waite with π/2 split into three doubles (each product k·pᵢ taken with one fma), and sin
// or cos of the remainder comes from its Taylor polynomial in double, rounded once to float.
// Accurate to the float result (tests/engine/simt_kernels_test.cpp checks 0.5 ulp plus double
// rounding against the double-precision library) for |x| < 2^53·π/2; beyond that the
// remainder's error grows and the result is only bounded by 1.
#pragma once
#include <cmath>

#include "kernel_api.h"

namespace bp::cuda {

/// sin(r) for |r| ≤ π/4 (and a little more): Taylor to r^21, error below 1e-19.
BP_HOST_DEVICE inline double sin_poly(double r) {
  const double r2 = r * r;
  double s = 1.0 / 51090942171709440000.0;  // 1/21!
  s = s * r2 - 1.0 / 121645100408832000.0;  // 1/19!
  s = s * r2 + 1.0 / 355687428096000.0;
  s = s * r2 - 1.0 / 1307674368000.0;
  s = s * r2 + 1.0 / 6227020800.0;
  s = s * r2 - 1.0 / 39916800.0;
  s = s * r2 + 1.0 / 362880.0;
  s = s * r2 - 1.0 / 5040.0;
  s = s * r2 + 1.0 / 120.0;
  s = s * r2 - 1.0 / 6.0;
  return r + r * r2 * s;
}

/// cos(r) for |r| ≤ π/4: Taylor to r^22.
BP_HOST_DEVICE inline double cos_poly(double r) {
  const double r2 = r * r;
  double c = -1.0 / 1124000727777607680000.0;  // -1/22!
  c = c * r2 + 1.0 / 2432902008176640000.0;   // 1/20!
  c = c * r2 - 1.0 / 6402373705728000.0;
  c = c * r2 + 1.0 / 20922789888000.0;
  c = c * r2 - 1.0 / 87178291200.0;
  c = c * r2 + 1.0 / 479001600.0;
  c = c * r2 - 1.0 / 3628800.0;
  c = c * r2 + 1.0 / 40320.0;
  c = c * r2 - 1.0 / 720.0;
  c = c * r2 + 1.0 / 24.0;
  c = c * r2 - 0.5;
  return 1.0 + r2 * c;
}

/// sin(x) (quadrant_shift 0) or cos(x) (quadrant_shift 1) = sin(x + shift·π/2).
BP_HOST_DEVICE inline float sin_quadrant(float x, int quadrant_shift) {
  if (!(fabsf(x) <= 3.4028234663852886e38f)) return x - x;  // NaN for NaN and ±Inf
  const double xd = static_cast<double>(x);
  const double k = rint(xd * 0.63661977236758134308);  // x·2/π to the nearest whole number
  double r = fma(-k, 1.5707963267948966, xd);          // π/2 = p1 + p2 + p3
  r = fma(-k, 6.123233995736766e-17, r);
  r = fma(-k, -1.4973849048591698e-33, r);
  const int q = (static_cast<int>(fmod(k, 4.0)) + 4 + quadrant_shift) & 3;
  const double v = q == 0 ? sin_poly(r) : q == 1 ? cos_poly(r) : q == 2 ? -sin_poly(r) : -cos_poly(r);
  return static_cast<float>(v);
}

BP_HOST_DEVICE inline float sin_f(float x) { return sin_quadrant(x, 0); }
BP_HOST_DEVICE inline float cos_f(float x) { return sin_quadrant(x, 1); }

}  // namespace bp::cuda
