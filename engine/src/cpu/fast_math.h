// Branch-free float32 exp, log, tanh and sigmoid (Cephes polynomials with Cody-Waite range
// reduction), written once for one lane (float) and for sixteen (v16, a GCC vector that maps to
// one AVX-512 register or two AVX2 ones). Accurate to a few ulp over the float range, propagate
// NaN, and saturate like the libm functions.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace bp::fastmath {

typedef float v16 __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));

inline v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store16(float* p, v16 v) { std::memcpy(p, &v, sizeof v); }
/// The first n (< 16) lanes from p, the rest zero; and the store of the first n lanes. A masked
/// load/store with AVX-512 (a byte-wise copy through memory would stall the next vector load).
inline v16 load_partial(const float* p, int64_t n) {
#if defined(__AVX512F__)
  return reinterpret_cast<v16>(_mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1u), p));
#else
  v16 v{};
  std::memcpy(&v, p, static_cast<size_t>(n) * sizeof(float));
  return v;
#endif
}
inline void store_partial(float* p, v16 v, int64_t n) {
#if defined(__AVX512F__)
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), reinterpret_cast<__m512>(v));
#else
  std::memcpy(p, &v, static_cast<size_t>(n) * sizeof(float));
#endif
}
/// The first min(n, 16) lanes: a plain vector load/store when n ≥ 16, else the masked one.
inline v16 load_upto16(const float* p, int64_t n) { return n >= 16 ? load16(p) : load_partial(p, n); }
inline void store_upto16(float* p, v16 v, int64_t n) {
  if (n >= 16)
    store16(p, v);
  else
    store_partial(p, v, n);
}

/// Lanes p[0], p[stride], …, p[(n−1)·stride] (n ≤ 16 lanes read, the rest zero), as one gather
/// instruction with AVX-512 (16·stride must then fit in 31 bits), else one lane at a time.
inline v16 gather16(const float* p, int64_t stride, int64_t n) {
  if (n <= 0) return v16{};
#if defined(__AVX512F__)
  const __m512i idx =
      _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                         _mm512_set1_epi32(static_cast<int32_t>(stride)));
  const __mmask16 m = n >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << n) - 1u);
  return reinterpret_cast<v16>(_mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, p, 4));
#else
  v16 v{};
  for (int64_t j = 0; j < n && j < 16; ++j) v[j] = p[j * stride];
  return v;
#endif
}

#if defined(__AVX512F__)
/// Sixteen rows of sixteen in, their columns out (r[i][j] becomes r[j][i]): four rounds of
/// sixteen shuffles, pairs of floats, then of pairs, then of 128-bit lanes twice. (The masked
/// forms with a full mask, as in min/max below.)
inline void transpose16(v16 (&r)[16]) {
  __m512 t[16], u[16], h[16];
  for (int i = 0; i < 8; ++i) {
    const __m512 a = reinterpret_cast<__m512>(r[2 * i]), b = reinterpret_cast<__m512>(r[2 * i + 1]);
    t[2 * i] = _mm512_maskz_unpacklo_ps(0xffff, a, b);
    t[2 * i + 1] = _mm512_maskz_unpackhi_ps(0xffff, a, b);
  }
  // u[4g + c]: rows 4g..4g+3 of columns c, c+4, c+8, c+12 (one per 128-bit lane).
  for (int g = 0; g < 4; ++g) {
    const __m512d t0 = _mm512_castps_pd(t[4 * g]), t1 = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * g + 2]), t3 = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xff, t0, t2));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xff, t0, t2));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xff, t1, t3));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xff, t1, t3));
  }
  // h: rows 0–7 (then 8–15) of columns (c, c+8) and (c+4, c+12).
  for (int c = 0; c < 4; ++c) {
    h[c] = _mm512_maskz_shuffle_f32x4(0xffff, u[c], u[4 + c], 0x88);
    h[4 + c] = _mm512_maskz_shuffle_f32x4(0xffff, u[c], u[4 + c], 0xdd);
    h[8 + c] = _mm512_maskz_shuffle_f32x4(0xffff, u[8 + c], u[12 + c], 0x88);
    h[12 + c] = _mm512_maskz_shuffle_f32x4(0xffff, u[8 + c], u[12 + c], 0xdd);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = reinterpret_cast<v16>(_mm512_maskz_shuffle_f32x4(0xffff, h[c], h[8 + c], 0x88));
    r[c + 8] = reinterpret_cast<v16>(_mm512_maskz_shuffle_f32x4(0xffff, h[c], h[8 + c], 0xdd));
    r[c + 4] = reinterpret_cast<v16>(_mm512_maskz_shuffle_f32x4(0xffff, h[4 + c], h[12 + c], 0x88));
    r[c + 12] = reinterpret_cast<v16>(_mm512_maskz_shuffle_f32x4(0xffff, h[4 + c], h[12 + c], 0xdd));
  }
}
#endif

template <class V>
using IntOf = std::conditional_t<std::is_same_v<V, float>, int32_t, v16i>;

template <class V>
inline V splat(float f) {
  if constexpr (std::is_same_v<V, float>)
    return f;
  else
    return V{} + f;
}

// m ? a : b, lane by lane; m is a comparison's result (bool, or a lane mask of 0 / −1).
template <class M, class V>
inline V select(M m, V a, V b) {
  return m ? a : b;
}

template <class V>
inline IntOf<V> to_int(V x) {  // truncates
  if constexpr (std::is_same_v<V, float>)
    return static_cast<int32_t>(x);
  else
    return __builtin_convertvector(x, v16i);
}

template <class V>
inline V to_float(IntOf<V> i) {
  if constexpr (std::is_same_v<V, float>)
    return static_cast<float>(i);
  else
    return __builtin_convertvector(i, v16);
}

// a < b ? a : b and a > b ? a : b: exactly what minps and maxps compute (b when either is a
// NaN), which GCC does not see through, emitting a compare and a blend. (The masked forms with a
// full mask: the plain intrinsics trip a false uninitialised warning in GCC 12.)
template <class V>
inline V min(V a, V b) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<V, v16>)
    return reinterpret_cast<V>(
        _mm512_maskz_min_ps(0xffff, reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b)));
#endif
  return select(a < b, a, b);
}
template <class V>
inline V max(V a, V b) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<V, v16>)
    return reinterpret_cast<V>(
        _mm512_maskz_max_ps(0xffff, reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b)));
#endif
  return select(a > b, a, b);
}
template <class V>
inline V abs(V x) {
  return std::bit_cast<V>(std::bit_cast<IntOf<V>>(x) & 0x7fffffff);
}
template <class V>
inline V with_sign_of(V magnitude, V sign) {
  return std::bit_cast<V>((std::bit_cast<IntOf<V>>(magnitude) & 0x7fffffff) |
                          (std::bit_cast<IntOf<V>>(sign) & static_cast<int32_t>(0x80000000u)));
}
/// with_sign_of for a magnitude whose sign bit is already clear: the sign is OR-ed in, one
/// instruction where clearing it first makes two.
template <class V>
inline V with_sign_of_nonnegative(V magnitude, V sign) {
  return std::bit_cast<V>(std::bit_cast<IntOf<V>>(magnitude) |
                          (std::bit_cast<IntOf<V>>(sign) & static_cast<int32_t>(0x80000000u)));
}
template <class V>
inline V is_nan_select(V x, V r) {  // x where x is NaN, else r
  return select(x != x, x, r);
}

/// 1/d. Sixteen lanes with AVX-512 use the 14-bit reciprocal and one Newton step (about 1 ulp,
/// much faster than a division); d must be finite and normal there, or a NaN.
template <class V>
inline V recip(V d) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<V, v16>) {
    const V r = reinterpret_cast<V>(
        _mm512_maskz_rcp14_ps(static_cast<__mmask16>(0xffff), reinterpret_cast<__m512>(d)));
    const V e = 1.0f - d * r;
    return r + r * e;
  }
#endif
  return 1.0f / d;
}

template <class V>
inline V exp(V x) {
  const V xc = min(max(x, splat<V>(-87.33654f)), splat<V>(88.37626f));
  // Round to nearest by adding and subtracting 1.5·2^23 (std::floor is a library call here).
  const V n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  V r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = splat<V>(1.9875691500E-4f);
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  const IntOf<V> e = to_int(n) + 127;
  const V scale = std::bit_cast<V>(e << 23);
  V y = p * scale;
  y = select(x > 88.37626f, splat<V>(INFINITY), y);
  y = select(x < -87.33654f, splat<V>(0.0f), y);
  return is_nan_select(x, y);
}

template <class V>
inline V log(V x) {
  // Split x = m·2^e with m in [sqrt(1/2), sqrt(2)).
  const auto tiny = x < 1.17549435e-38f;
  const V xs = select(tiny, x * 8388608.0f, x);  // lift denormals
  const V ebias = select(tiny, splat<V>(23.0f), splat<V>(0.0f));
  const IntOf<V> bits = std::bit_cast<IntOf<V>>(xs);
  V e = to_float<V>(((bits >> 23) & 0xff) - 126) - ebias;
  V m = std::bit_cast<V>((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  const auto small = m < 0.707106781186547524f;
  e = select(small, e - 1.0f, e);
  m = select(small, m + m - 1.0f, m - 1.0f);
  const V z = m * m;
  V y = splat<V>(7.0376836292E-2f);
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
  V r = m + y + 0.693359375f * e;
  r = select(x == INFINITY, x, r);
  r = select(x == 0.0f, splat<V>(-INFINITY), r);
  r = select(x < 0.0f, splat<V>(NAN), r);
  return is_nan_select(x, r);
}

/// tanh(x) = x·P(x²)/Q(x²) on [−8.5, 8.5], P and Q of degree 4: a rational fit to relative
/// error (Lawson-weighted least squares iterated to minimax by tools/dev/fit_tanh.py: 1.2e-8 in
/// exact arithmetic, within 3.4e-7 evaluated in float); tanh rounds to ±1 in float from 9.01 on.
/// A NaN compares false, so it flows through.
template <class V>
inline V tanh(V x) {
  const V ax = abs(x);
  const V xc = min(splat<V>(8.5f), ax);  // (one min instruction; a NaN is kept)
  const V z = xc * xc;
  V p = splat<V>(1.4332349402e-08f);
  p = p * z + 2.1298940871e-05f;
  p = p * z + 3.5370533223e-03f;
  p = p * z + 1.3415838790e-01f;
  p = p * z + 1.0f;
  V q = splat<V>(8.1716253047e-07f);
  q = q * z + 3.3537299258e-04f;
  q = q * z + 2.6034396865e-02f;
  q = q * z + 4.6749165059e-01f;
  q = q * z + 1.0f;
  const V r = select(ax >= 9.0f, splat<V>(1.0f), xc * p * recip(q));
  return with_sign_of_nonnegative(r, x);  // r ≥ 0, or a NaN from x
}

template <class V>
inline V sigmoid(V x) {
  // Below −87 the result (< 1.7e-38) is returned as 0, and e^−x stays finite for the
  // reciprocal estimate. A NaN compares false and flows through.
  const V xc = select(x < -87.0f, splat<V>(-87.0f), x);
  return select(x < -87.0f, splat<V>(0.0f), recip(fastmath::exp(-xc) + 1.0f));
}

/// log(1 + u) accurate for tiny u too: w = 1 + u rounds, and log(w)·u/(w − 1) corrects for it.
/// (w − 1 is exact, and zero only where the result is u: the reciprocal's estimate serves.)
template <class V>
inline V log1p(V u) {
  const V w = 1.0f + u;
  const V r = fastmath::log(w) * (u * recip(w - 1.0f));
  return select(w == 1.0f, u, r);
}

/// log(1 + e^x) without overflow.
template <class V>
inline V softplus(V x) {
  return max(x, splat<V>(0.0f)) + fastmath::log1p(fastmath::exp(-abs(x)));
}

template <class V>
inline V relu(V x) {  // NaN stays NaN
  return select(x > 0.0f, x, is_nan_select(x, splat<V>(0.0f)));
}

}  // namespace bp::fastmath
