// The CPU backend: a caching allocator (so a training step allocates nothing from the system
// once warm), strided elementwise loops with contiguous fast paths, reductions, SGEMM and the
// fused optimizer updates.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "../backend.h"
#include "fast_math.h"
#include "gemm.h"
#include "linear_grad.h"
#include "parallel.h"
#include "backprop/threads.h"

namespace bp {
namespace {

// ---- allocator -----------------------------------------------------------------------------

constexpr int kClasses = 48;
constexpr size_t kMaxCachedPerClass = 64;

int size_class(size_t count) {
  size_t c = 16;
  int cls = 0;
  while (c < count) {
    c <<= 1;
    ++cls;
  }
  return cls;
}

size_t class_count(int cls) { return size_t{16} << cls; }

// Set when this thread's pool is destroyed (at thread exit): frees after that bypass the cache.
// Per thread: one thread's exit must not turn the cache off for the others.
thread_local bool g_pool_dead = false;

struct Pool {
  std::array<std::vector<float*>, kClasses> free_lists;
  ~Pool() {
    for (auto& list : free_lists)
      for (float* p : list) std::free(p);
    g_pool_dead = true;
  }
};
thread_local Pool t_pool;

float* pool_allocate(size_t count) {
  const int cls = size_class(count);
  if (cls < kClasses && !g_pool_dead) {
    auto& list = t_pool.free_lists[static_cast<size_t>(cls)];
    if (!list.empty()) {
      float* p = list.back();
      list.pop_back();
      return p;
    }
  }
  const size_t bytes = class_count(cls) * sizeof(float);
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw std::bad_alloc();
  return static_cast<float*>(p);
}

void pool_free(float* p, size_t count) {
  if (!p) return;
  const int cls = size_class(count);
  if (cls < kClasses && !g_pool_dead) {
    auto& list = t_pool.free_lists[static_cast<size_t>(cls)];
    if (list.size() < kMaxCachedPerClass) {
      list.push_back(p);
      return;
    }
  }
  std::free(p);
}

// ---- strided iteration -------------------------------------------------------------------

bool is_dense(const StridedView& v) {
  int64_t expect = 1;
  for (int d = v.shape.size() - 1; d >= 0; --d) {
    if (v.shape[d] != 1 && v.strides[d] != expect) return false;
    expect *= v.shape[d];
  }
  return true;
}

// Calls row(ptrs, length, inner_strides) for every innermost row of `shape`. Dimensions of size
// 1 are dropped and neighbours that are contiguous in every view are merged first, so that e.g.
// a [200, 1] tensor is one row of 200.
template <size_t N, class Row>
void for_each_row(const Shape& shape, const std::array<const StridedView*, N>& views, Row&& row) {
  std::array<float*, N> p;
  for (size_t k = 0; k < N; ++k) p[k] = views[k]->data;
  if (shape.numel() == 0) return;
  int64_t dims[kMaxDims];
  int64_t strides[N][kMaxDims];
  int nd = 0;
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = nd > 0;
    for (size_t k = 0; k < N && merge; ++k)
      merge = strides[k][nd - 1] == views[k]->strides[d] * shape[d];
    if (merge) {
      dims[nd - 1] *= shape[d];
      for (size_t k = 0; k < N; ++k) strides[k][nd - 1] = views[k]->strides[d];
    } else {
      dims[nd] = shape[d];
      for (size_t k = 0; k < N; ++k) strides[k][nd] = views[k]->strides[d];
      ++nd;
    }
  }
  std::array<int64_t, N> inner_strides{};
  if (nd == 0) {
    row(p, int64_t{1}, inner_strides);
    return;
  }
  const int64_t inner = dims[nd - 1];
  for (size_t k = 0; k < N; ++k) inner_strides[k] = strides[k][nd - 1];
  int64_t outer = 1;
  for (int d = 0; d < nd - 1; ++d) outer *= dims[d];
  int64_t idx[kMaxDims] = {};
  for (int64_t o = 0; o < outer; ++o) {
    row(p, inner, inner_strides);
    for (int d = nd - 2; d >= 0; --d) {
      for (size_t k = 0; k < N; ++k) p[k] += strides[k][d];
      if (++idx[d] < dims[d]) break;
      for (size_t k = 0; k < N; ++k) p[k] -= strides[k][d] * dims[d];
      idx[d] = 0;
    }
  }
}

template <class F>
void map1(const StridedView& out, const StridedView& in, F f) {
  if (is_dense(out) && is_dense(in)) {
    float* o = out.data;
    const float* x = in.data;
    const int64_t n = out.shape.numel();
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
    return;
  }
  for_each_row<2>(out.shape, {&out, &in}, [&](auto& p, int64_t len, auto& s) {
    float* o = p[0];
    const float* x = p[1];
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < len; ++i) o[i] = f(x[i]);
    } else {
      for (int64_t i = 0; i < len; ++i) o[i * s[0]] = f(x[i * s[1]]);
    }
  });
}

template <class F>
void map2(const StridedView& out, const StridedView& a, const StridedView& b, F f) {
  if (is_dense(out) && is_dense(a) && is_dense(b)) {
    float* o = out.data;
    const float* x = a.data;
    const float* y = b.data;
    const int64_t n = out.shape.numel();
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    return;
  }
  for_each_row<3>(out.shape, {&out, &a, &b}, [&](auto& p, int64_t len, auto& s) {
    float* o = p[0];
    const float* x = p[1];
    const float* y = p[2];
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < len; ++i) o[i] = f(x[i], y[i]);
    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
      const float yv = *y;
      for (int64_t i = 0; i < len; ++i) o[i] = f(x[i], yv);
    } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
      const float xv = *x;
      for (int64_t i = 0; i < len; ++i) o[i] = f(xv, y[i]);
    } else {
      for (int64_t i = 0; i < len; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
    }
  });
}

template <class F>
void map3(const StridedView& out, const StridedView& a, const StridedView& b,
          const StridedView& c, F f) {
  if (is_dense(out) && is_dense(a) && is_dense(b) && is_dense(c)) {
    const int64_t n = out.shape.numel();
    for (int64_t i = 0; i < n; ++i) out.data[i] = f(a.data[i], b.data[i], c.data[i]);
    return;
  }
  for_each_row<4>(out.shape, {&out, &a, &b, &c}, [&](auto& p, int64_t len, auto& s) {
    for (int64_t i = 0; i < len; ++i)
      p[0][i * s[0]] = f(p[1][i * s[1]], p[2][i * s[2]], p[3][i * s[3]]);
  });
}

// Dense runs sixteen lanes at a time through f(v16); the tail is padded into one more vector.
// Strided views fall back to map1/map2 with f(float). f must accept both (a generic lambda).
template <class F>
void map1v(const StridedView& out, const StridedView& in, F f) {
  if (!(is_dense(out) && is_dense(in))) return map1(out, in, [&](float x) { return f(x); });
  const int64_t n = out.shape.numel();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) fastmath::store16(out.data + i, f(fastmath::load16(in.data + i)));
  if (i < n) fastmath::store_partial(out.data + i, f(fastmath::load_partial(in.data + i, n - i)), n - i);
}

template <class F>
void map2v(const StridedView& out, const StridedView& a, const StridedView& b, F f) {
  if (!(is_dense(out) && is_dense(a) && is_dense(b)))
    return map2(out, a, b, [&](float x, float y) { return f(x, y); });
  const int64_t n = out.shape.numel();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    fastmath::store16(out.data + i, f(fastmath::load16(a.data + i), fastmath::load16(b.data + i)));
  if (i < n)
    fastmath::store_partial(
        out.data + i, f(fastmath::load_partial(a.data + i, n - i), fastmath::load_partial(b.data + i, n - i)),
        n - i);
}

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// Φ(x) = erfc(−x/√2)/2, not (1 + erf(x/√2))/2: for negative x the latter cancels to a few
// correct bits (the conformance suite measured 1e-4 relative error at x = −5).
float gelu_f(float x) { return 0.5f * x * std::erfc(-x * kInvSqrt2); }
float gelu_d(float x) {
  return 0.5f * std::erfc(-x * kInvSqrt2) + x * kInvSqrt2Pi * std::exp(-0.5f * x * x);
}

float nan_max(float a, float b) { return (a > b || a != a) ? a : b; }
float nan_min(float a, float b) { return (a < b || a != a) ? a : b; }

using fastmath::v16;

// Sum of a dense run with 16 vector lanes (no reassociation flag needed for speed).
float dense_sum(const float* x, int64_t n) {
  v16 acc{};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v16 v;
    std::memcpy(&v, x + i, sizeof v);
    acc += v;
  }
  float t = 0.0f;
  for (int l = 0; l < 16; ++l) t += acc[l];
  for (; i < n; ++i) t += x[i];
  return t;
}

// Sums of a dense tensor over its leading dimensions (column sums, e.g. a bias gradient) or its
// trailing ones (row sums), into a dense output; false for any other pattern.
bool reduce_dense_sum(const StridedView& out, const StridedView& in, float scale) {
  const int nd = in.shape.size();
  int first_kept = nd, last_kept = -1;
  for (int d = 0; d < nd; ++d)
    if (out.shape[d] != 1 || in.shape[d] == 1) {
      first_kept = std::min(first_kept, d);
      last_kept = d;
    }
  int64_t kept = 1;
  for (int d = 0; d < nd; ++d) kept *= out.shape[d];
  const int64_t reduced = in.shape.numel() / std::max<int64_t>(kept, 1);
  if (kept == 0 || reduced == 0) return false;
  bool leading = true, trailing = true;  // the reduced dimensions (size > 1) form a prefix / suffix
  for (int d = 0; d < nd; ++d) {
    const bool reduced_dim = out.shape[d] == 1 && in.shape[d] != 1;
    if (reduced_dim && d > first_kept) leading = false;
    if (reduced_dim && d < last_kept) trailing = false;
  }
  float* o = out.data;
  const float* x = in.data;
  if (leading && kept > 1) {
    // Sixteen columns at a time, summed down the rows in registers with four accumulators
    // (adding into memory row after row would wait on a store every time).
    for (int64_t c0 = 0; c0 < kept; c0 += 16) {
      const int64_t w = std::min<int64_t>(16, kept - c0);
      auto row = [&](int64_t r) { return fastmath::load_upto16(x + r * kept + c0, w); };
      v16 acc[4] = {};
      int64_t r = 0;
      for (; r + 4 <= reduced; r += 4)
        for (int j = 0; j < 4; ++j) acc[j] += row(r + j);
      for (; r < reduced; ++r) acc[0] += row(r);
      const v16 total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
      fastmath::store_upto16(o + c0, total, w);
    }
  } else if (trailing) {
    for (int64_t i = 0; i < kept; ++i) o[i] = dense_sum(x + i * reduced, reduced);
  } else {
    return false;
  }
  if (scale != 1.0f)
    for (int64_t c = 0; c < kept; ++c) o[c] *= scale;
  return true;
}

// A gradient with L2 (and coupled weight decay) and L1 added: g + decay·w + l1·sign(w), with a
// branch-free sign so that the optimizer loops vectorise.
inline float regularized(float g, float w, float decay, float l1) {
  const float sign = static_cast<float>(w > 0.0f) - static_cast<float>(w < 0.0f);
  return g + decay * w + l1 * sign;
}

// ---- the backend ---------------------------------------------------------------------------

class CpuBackend final : public Backend {
 public:
  Device device() const override { return Device::cpu(); }
  std::string description() const override {
    const int n = num_threads();
    return "cpu (" + std::to_string(n) + (n == 1 ? " thread)" : " threads)");
  }
  float* allocate(size_t count) override { return pool_allocate(count); }
  void deallocate(float* p, size_t count) override { pool_free(p, count); }
  void to_host(float* host, const float* src, size_t count) override {
    if (count) std::memcpy(host, src, count * sizeof(float));
  }
  void from_host(float* dst, const float* host, size_t count) override {
    if (count) std::memcpy(dst, host, count * sizeof(float));
  }

  void fill(const StridedView& out, float value) override {
    map1(out, out, [value](float) { return value; });
  }

  void unary(UnaryOp op, const StridedView& out, const StridedView& in, float p0,
             float p1) override {
    switch (op) {
      case UnaryOp::Copy: return map1(out, in, [](float x) { return x; });
      case UnaryOp::Neg: return map1(out, in, [](float x) { return -x; });
      case UnaryOp::Exp: return map1v(out, in, [](auto x) { return fastmath::exp(x); });
      case UnaryOp::Log: return map1v(out, in, [](auto x) { return fastmath::log(x); });
      case UnaryOp::Sqrt: return map1(out, in, [](float x) { return std::sqrt(x); });
      case UnaryOp::Abs: return map1(out, in, [](float x) { return fastmath::abs(x); });
      case UnaryOp::Relu: return map1v(out, in, [](auto x) { return fastmath::relu(x); });
      case UnaryOp::LeakyRelu: return map1(out, in, [p0](float x) { return x > 0.0f ? x : p0 * x; });
      case UnaryOp::Elu:
        return map1(out, in, [p0](float x) { return x > 0.0f ? x : p0 * (fastmath::exp(x) - 1.0f); });
      case UnaryOp::Sigmoid: return map1v(out, in, [](auto x) { return fastmath::sigmoid(x); });
      case UnaryOp::Tanh: return map1v(out, in, [](auto x) { return fastmath::tanh(x); });
      case UnaryOp::Softplus: return map1v(out, in, [](auto x) { return fastmath::softplus(x); });
      case UnaryOp::Sin: return map1(out, in, [](float x) { return std::sin(x); });
      case UnaryOp::Cos: return map1(out, in, [](float x) { return std::cos(x); });
      case UnaryOp::Gelu: return map1(out, in, [](float x) { return gelu_f(x); });
      case UnaryOp::Silu: return map1v(out, in, [](auto x) { return x * fastmath::sigmoid(x); });
      case UnaryOp::Gaussian: return map1v(out, in, [](auto x) { return fastmath::exp(-x * x); });
      case UnaryOp::Pow:
        if (p0 == 2.0f) return map1(out, in, [](float x) { return x * x; });
        return map1(out, in, [p0](float x) { return std::pow(x, p0); });
      case UnaryOp::Clamp:
        return map1(out, in, [p0, p1](float x) { return x < p0 ? p0 : (x > p1 ? p1 : x); });
      case UnaryOp::AddScalar: return map1(out, in, [p0](float x) { return x + p0; });
      case UnaryOp::MulScalar: return map1(out, in, [p0](float x) { return x * p0; });
      case UnaryOp::RSubScalar: return map1(out, in, [p0](float x) { return p0 - x; });
      case UnaryOp::RDivScalar: return map1(out, in, [p0](float x) { return p0 / x; });
      case UnaryOp::NonFinite:
        return map1(out, in, [](float x) { return std::isfinite(x) ? 0.0f : 1.0f; });
    }
  }

  void unary_backward(UnaryOp op, const StridedView& gin, const StridedView& gout,
                      const StridedView& x, const StridedView& y, float p0, float p1) override {
    switch (op) {
      case UnaryOp::Copy:
      case UnaryOp::AddScalar: return map1(gin, gout, [](float g) { return g; });
      case UnaryOp::Neg: return map1(gin, gout, [](float g) { return -g; });
      case UnaryOp::MulScalar: return map1(gin, gout, [p0](float g) { return g * p0; });
      case UnaryOp::RSubScalar: return map1(gin, gout, [](float g) { return -g; });
      case UnaryOp::RDivScalar:  // d(p/x) = -p/x² = -y/x
        return map2(gin, gout, x, [p0](float g, float v) { return -g * p0 / (v * v); });
      case UnaryOp::Exp: return map2(gin, gout, y, [](float g, float e) { return g * e; });
      case UnaryOp::Log: return map2(gin, gout, x, [](float g, float v) { return g / v; });
      case UnaryOp::Sqrt: return map2(gin, gout, y, [](float g, float s) { return g * 0.5f / s; });
      case UnaryOp::Abs:
        return map2(gin, gout, x, [](float g, float v) {
          return v > 0.0f ? g : (v < 0.0f ? -g : 0.0f);
        });
      case UnaryOp::Relu:
        return map2v(gin, gout, x, [](auto g, auto v) { return fastmath::select(v > 0.0f, g, decltype(g){}); });
      case UnaryOp::LeakyRelu:
        return map2(gin, gout, x, [p0](float g, float v) { return v > 0.0f ? g : p0 * g; });
      case UnaryOp::Elu:
        return map3(gin, gout, x, y, [p0](float g, float v, float o) {
          return v > 0.0f ? g : g * (o + p0);
        });
      case UnaryOp::Sigmoid:
        return map2v(gin, gout, y, [](auto g, auto s) { return g * s * (1.0f - s); });
      case UnaryOp::Tanh:
        return map2v(gin, gout, y, [](auto g, auto t) { return g * (1.0f - t * t); });
      case UnaryOp::Softplus:
        return map2v(gin, gout, x, [](auto g, auto v) { return g * fastmath::sigmoid(v); });
      case UnaryOp::Sin: return map2(gin, gout, x, [](float g, float v) { return g * std::cos(v); });
      case UnaryOp::Cos: return map2(gin, gout, x, [](float g, float v) { return -g * std::sin(v); });
      case UnaryOp::Gelu: return map2(gin, gout, x, [](float g, float v) { return g * gelu_d(v); });
      case UnaryOp::Silu:
        return map2v(gin, gout, x, [](auto g, auto v) {
          const auto s = fastmath::sigmoid(v);
          return g * (s + v * s * (1.0f - s));
        });
      case UnaryOp::Gaussian:
        return map3(gin, gout, x, y, [](float g, float v, float o) { return g * -2.0f * v * o; });
      case UnaryOp::Pow:
        return map2(gin, gout, x, [p0](float g, float v) {
          return p0 == 0.0f ? 0.0f : g * p0 * (p0 == 2.0f ? v : std::pow(v, p0 - 1.0f));
        });
      case UnaryOp::Clamp:
        return map2(gin, gout, x, [p0, p1](float g, float v) {
          return (v >= p0 && v <= p1) ? g : 0.0f;
        });
      case UnaryOp::NonFinite: return fill(gin, 0.0f);
    }
  }

  void binary(BinaryOp op, const StridedView& out, const StridedView& a,
              const StridedView& b) override {
    switch (op) {
      case BinaryOp::Add: return map2(out, a, b, [](float x, float y) { return x + y; });
      case BinaryOp::Sub: return map2(out, a, b, [](float x, float y) { return x - y; });
      case BinaryOp::Mul: return map2(out, a, b, [](float x, float y) { return x * y; });
      case BinaryOp::Div: return map2(out, a, b, [](float x, float y) { return x / y; });
      case BinaryOp::Maximum: return map2(out, a, b, nan_max);
      case BinaryOp::Minimum: return map2(out, a, b, nan_min);
      case BinaryOp::Lt: return map2(out, a, b, [](float x, float y) { return x < y ? 1.0f : 0.0f; });
      case BinaryOp::Le: return map2(out, a, b, [](float x, float y) { return x <= y ? 1.0f : 0.0f; });
      case BinaryOp::Gt: return map2(out, a, b, [](float x, float y) { return x > y ? 1.0f : 0.0f; });
      case BinaryOp::Ge: return map2(out, a, b, [](float x, float y) { return x >= y ? 1.0f : 0.0f; });
      case BinaryOp::Eq: return map2(out, a, b, [](float x, float y) { return x == y ? 1.0f : 0.0f; });
      case BinaryOp::Ne: return map2(out, a, b, [](float x, float y) { return x != y ? 1.0f : 0.0f; });
    }
  }

  void where(const StridedView& out, const StridedView& cond, const StridedView& a,
             const StridedView& b) override {
    map3(out, cond, a, b, [](float c, float x, float y) { return c != 0.0f ? x : y; });
  }

  void reduce(ReduceOp op, const StridedView& out, const StridedView& in, float scale) override {
    // Iterate over `in`, with out's strides zeroed on reduced dimensions.
    StridedView o = out;
    o.shape = in.shape;
    for (int d = 0; d < in.shape.size(); ++d)
      if (out.shape[d] == 1 && in.shape[d] != 1) o.strides[d] = 0;
    const bool is_sum = op == ReduceOp::Sum;
    if (is_sum && is_dense(in) && is_dense(out) && reduce_dense_sum(out, in, scale)) return;
    fill(out, is_sum ? 0.0f : -INFINITY);
    for_each_row<2>(in.shape, {&o, &in}, [&](auto& p, int64_t len, auto& s) {
      float* dst = p[0];
      const float* src = p[1];
      if (s[0] == 0) {  // reducing along the row
        if (is_sum) {
          if (s[1] == 1) {
            *dst += dense_sum(src, len);
          } else {
            float t = 0.0f;
            for (int64_t i = 0; i < len; ++i) t += src[i * s[1]];
            *dst += t;
          }
        } else {
          float m = *dst;
          for (int64_t i = 0; i < len; ++i) m = nan_max(m, src[i * s[1]]);
          *dst = m;
        }
      } else if (is_sum) {
        if (s[0] == 1 && s[1] == 1)
          for (int64_t i = 0; i < len; ++i) dst[i] += src[i];
        else
          for (int64_t i = 0; i < len; ++i) dst[i * s[0]] += src[i * s[1]];
      } else {
        for (int64_t i = 0; i < len; ++i) dst[i * s[0]] = nan_max(dst[i * s[0]], src[i * s[1]]);
      }
    });
    if (scale != 1.0f) map1(out, out, [scale](float v) { return v * scale; });
  }

  void argmax(const StridedView& out, const StridedView& in, int axis) override {
    // out has in's shape with size 1 at `axis`.
    const int64_t len = in.shape[axis];
    const int64_t step = in.strides[axis];
    StridedView o = out;
    StridedView i = in;
    i.shape[axis] = 1;
    for_each_row<2>(o.shape, {&o, &i}, [&](auto& p, int64_t n, auto& s) {
      for (int64_t r = 0; r < n; ++r) {
        const float* src = p[1] + r * s[1];
        int64_t best = 0;
        float bv = src[0];
        for (int64_t j = 1; j < len; ++j) {
          const float v = src[j * step];
          if (v > bv || (v != v && bv == bv)) {
            bv = v;
            best = j;
          }
        }
        p[0][r * s[0]] = static_cast<float>(best);
      }
    });
  }

  void gather_rows(const StridedView& out, const StridedView& in, const StridedView& index) override {
    StridedView dst{out.data, out.shape, out.strides}, src{in.data, in.shape, in.strides};
    dst.shape.erase(0);
    dst.strides.erase(0);
    src.shape.erase(0);
    src.strides.erase(0);
    const int64_t rows = in.shape[0];
    for (int64_t i = 0; i < out.shape[0]; ++i) {
      const float r = index.data[i * index.strides[0]];
      dst.data = out.data + i * out.strides[0];
      if (r >= 0.0f && r < static_cast<float>(rows) && r == std::floor(r)) {
        src.data = in.data + static_cast<int64_t>(r) * in.strides[0];
        map1(dst, src, [](float x) { return x; });
      } else {
        fill(dst, NAN);
      }
    }
  }

  void matmul(const StridedView& out, const StridedView& a, const StridedView& b,
              bool accumulate) override {
    const int nd = out.shape.size();
    const int64_t m = out.shape[nd - 2], n = out.shape[nd - 1], k = a.shape[nd - 1];
    Shape batch;
    for (int d = 0; d < nd - 2; ++d) batch.push_back(out.shape[d]);
    const int64_t nb = batch.numel();
    std::array<int64_t, kMaxDims> idx{};
    for (int64_t bi = 0; bi < nb; ++bi) {
      int64_t oa = 0, ob = 0, oc = 0;
      for (int d = 0; d < nd - 2; ++d) {
        oa += idx[static_cast<size_t>(d)] * a.strides[d];
        ob += idx[static_cast<size_t>(d)] * b.strides[d];
        oc += idx[static_cast<size_t>(d)] * out.strides[d];
      }
      cpu::gemm(m, n, k, {a.data + oa, a.strides[nd - 2], a.strides[nd - 1]},
                {b.data + ob, b.strides[nd - 2], b.strides[nd - 1]}, out.data + oc,
                out.strides[nd - 2], out.strides[nd - 1], accumulate);
      for (int d = nd - 3; d >= 0; --d) {
        if (++idx[static_cast<size_t>(d)] < batch[d]) break;
        idx[static_cast<size_t>(d)] = 0;
      }
    }
  }

  void linear(const StridedView& out, const StridedView& x, const StridedView& wt,
              const float* bias, bool relu) override {
    cpu::gemm(out.shape[0], out.shape[1], x.shape[1], {x.data, x.strides[0], x.strides[1]},
              {wt.data, wt.strides[0], wt.strides[1]}, out.data, out.strides[0], out.strides[1],
              false, bias, relu);
  }

  void linear_backward(const StridedView* gx, float* gw, float* gb, const StridedView& gy,
                       const StridedView& x, const StridedView& w) override {
    const int64_t n = gy.shape[0], out = gy.shape[1], in = x.shape[1];
    // Narrow layers: one pass over the rows of gy (all of W1's layers take this path).
    if (gw && gy.strides[1] == 1 && x.strides[1] == 1 && w.strides[1] == 1 &&
        (!gx || gx->strides[1] == 1) &&
        cpu::linear_backward_rows(n, in, out, gy.data, gy.strides[0], x.data, x.strides[0], w.data,
                                  w.strides[0], gx ? gx->data : nullptr, gx ? gx->strides[0] : 0, gw, gb))
      return;
    if (gx)
      cpu::gemm(n, in, out, {gy.data, gy.strides[0], gy.strides[1]}, {w.data, w.strides[0], w.strides[1]},
                gx->data, gx->strides[0], gx->strides[1], false);
    if (gw)
      cpu::gemm(out, in, n, {gy.data, gy.strides[1], gy.strides[0]}, {x.data, x.strides[0], x.strides[1]},
                gw, in, 1, false);
    if (gb) reduce(ReduceOp::Sum, {gb, {1, out}, {out, 1}}, gy, 1.0f);
  }

  void bce_logits(float* out, const StridedView& z, const StridedView& y) override {
    double total = 0.0;
    const int64_t n = z.shape.numel();
    if (is_dense(z) && is_dense(y)) {  // one flat run, sixteen terms at a time (logits are [N, 1])
      float terms[256];
      for (int64_t i0 = 0; i0 < n; i0 += 256) {
        const int64_t m = std::min<int64_t>(256, n - i0);
        for (int64_t i = 0; i < m; i += 16) {
          const int w = static_cast<int>(std::min<int64_t>(16, m - i));
          const v16 zv = fastmath::load_upto16(z.data + i0 + i, w), yv = fastmath::load_upto16(y.data + i0 + i, w);
          fastmath::store_upto16(terms + i, fastmath::softplus(zv) - zv * yv, w);
        }
        total += static_cast<double>(dense_sum(terms, m));
      }
      *out = n ? static_cast<float>(total / static_cast<double>(n)) : NAN;
      return;
    }
    for_each_row<2>(z.shape, {&z, &y}, [&](auto& p, int64_t len, auto& s) {
      // Terms first (a loop the compiler vectorises), then a vector sum.
      float terms[256];
      for (int64_t i0 = 0; i0 < len; i0 += 256) {
        const int64_t m = std::min<int64_t>(256, len - i0);
        const float* zp = p[0] + i0 * s[0];
        const float* yp = p[1] + i0 * s[1];
        if (s[0] == 1 && s[1] == 1) {
          for (int64_t i = 0; i < m; ++i) terms[i] = fastmath::softplus(zp[i]) - zp[i] * yp[i];
        } else {
          for (int64_t i = 0; i < m; ++i) {
            const float zv = zp[i * s[0]], yv = yp[i * s[1]];
            terms[i] = fastmath::softplus(zv) - zv * yv;
          }
        }
        total += static_cast<double>(dense_sum(terms, m));
      }
    });
    *out = n ? static_cast<float>(total / static_cast<double>(n)) : NAN;
  }

  void bce_logits_backward(const StridedView& gz, const StridedView& z, const StridedView& y,
                           const float* gout, float scale) override {
    const float s = *gout * scale;
    map2v(gz, z, y, [s](auto zv, auto yv) { return s * (fastmath::sigmoid(zv) - yv); });
  }

  void run_chunks(int64_t n, const std::function<void(int64_t, int64_t)>& fn) override {
    cpu::parallel_for(n, 1, [&](int64_t b, int64_t e) { fn(b, e); });
  }

  // The optimizer steps copy their settings into locals and take restrict pointers: read
  // through `a`, every field was reloaded each element (a store to p[i] might have changed it)
  // and the loops stayed scalar; now they run sixteen lanes at a time. The flags become separate
  // loops.
  void sgd_step(float* __restrict p, const float* __restrict g, float* __restrict buf, size_t n, const SgdArgs& a) override {
    const float lr = a.lr, decay = a.weight_decay + a.l2, l1 = a.l1, mu = a.momentum, damp = 1.0f - a.dampening;
    if (mu == 0.0f) {  // plain SGD (with L2 / weight decay, L1)
      for (size_t i = 0; i < n; ++i) p[i] -= lr * regularized(g[i], p[i], decay, l1);
      return;
    }
    if (a.first_step) {
      for (size_t i = 0; i < n; ++i) buf[i] = regularized(g[i], p[i], decay, l1);
    } else {
      for (size_t i = 0; i < n; ++i) buf[i] = mu * buf[i] + damp * regularized(g[i], p[i], decay, l1);
    }
    if (a.nesterov) {
      for (size_t i = 0; i < n; ++i) p[i] -= lr * (regularized(g[i], p[i], decay, l1) + mu * buf[i]);
    } else {
      for (size_t i = 0; i < n; ++i) p[i] -= lr * buf[i];
    }
  }

  void adam_step(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
                 const AdamArgs& a) override {
    const float bc1 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta1), static_cast<double>(a.step)));
    const float bc2 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta2), static_cast<double>(a.step)));
    const float step_size = a.lr / bc1, bc2_sqrt = std::sqrt(bc2), eps = a.eps;
    const float b1 = a.beta1, b2 = a.beta2, c1 = 1.0f - a.beta1, c2 = 1.0f - a.beta2, l1 = a.l1, l2 = a.l2;
    // Decoupled (AdamW) decay shrinks the weight first; coupled decay joins the gradient.
    const float shrink = a.decoupled ? 1.0f - a.lr * a.weight_decay : 1.0f;
    const float decay = a.decoupled ? l2 : l2 + a.weight_decay;
    for (size_t i = 0; i < n; ++i) {
      const float w = p[i];
      const float d = regularized(g[i], w, decay, l1);
      const float mi = b1 * m[i] + c1 * d;
      const float vi = b2 * v[i] + c2 * d * d;
      m[i] = mi;
      v[i] = vi;
      p[i] = w * shrink - step_size * mi / (std::sqrt(vi) / bc2_sqrt + eps);
    }
  }
};

}  // namespace

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

}  // namespace bp
