// Conformance of every backend with the reference backend, in the spirit of ggml's
// test-backend-ops: every method of the Backend table and every UnaryOp, BinaryOp and ReduceOp,
// over random shapes of rank 0 to 6, broadcast (stride 0), transposed and sliced views and the
// CPU kernels' edge sizes, compared by normalised error with NaN and Inf required to agree.
// Outputs start as NaN poison, and every memory cell outside a view holds a guard value that
// must survive the call (no stray writes); inputs must come back unchanged.
//
// The suite runs once per device (cpu, cuda:0, and the CUDA backend under the SIMT emulator);
// a device that is not available is skipped with the reason. The worst normalised error per op is printed at the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "backprop/backprop.h"
#include "emulated_cuda.h"

namespace bp {
namespace {

constexpr float kGuard = 777.25f;  // every cell outside a view
constexpr double kTolerance = 1e-10;  // normalised error sum((a-b)²) / sum(b²)

std::map<std::string, double>& worst_errors() {
  static std::map<std::string, double> m;
  return m;
}

struct Layout {
  Shape shape, strides;
  int64_t offset = 0;
  size_t alloc = 0;
};

enum class Kind { Contiguous, Transposed, Sliced, Broadcast };
const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Contiguous: return "contiguous";
    case Kind::Transposed: return "transposed";
    case Kind::Sliced: return "sliced";
    case Kind::Broadcast: return "broadcast";
  }
  return "?";
}

// Offsets of a layout's elements, row-major.
std::vector<int64_t> cells(const Layout& l) {
  const int64_t n = l.shape.numel();
  std::vector<int64_t> c(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t rest = i, off = l.offset;
    for (int d = l.shape.size() - 1; d >= 0; --d) {
      off += (rest % l.shape[d]) * l.strides[d];
      rest /= l.shape[d];
    }
    c[static_cast<size_t>(i)] = off;
  }
  return c;
}

// A layout of `shape`: row-major, column-major (a transposed view), every other element of a
// larger buffer (a slice with step 2), or with some dimensions broadcast (stride 0). Each starts
// a few cells into its buffer and ends a few before its end: the guards.
Layout make_layout(const Shape& shape, Kind kind, Rng& rng) {
  Layout l;
  l.shape = shape;
  l.strides = shape;
  const int nd = shape.size();
  int64_t acc = 1;
  auto assign = [&](int d, int64_t step) {
    l.strides[d] = acc * step;
    acc *= shape[d] * step + (step > 1 ? 1 : 0);
  };
  if (kind == Kind::Transposed) {
    for (int d = 0; d < nd; ++d) assign(d, 1);
  } else {
    for (int d = nd - 1; d >= 0; --d) assign(d, kind == Kind::Sliced ? 2 : 1);
  }
  if (kind == Kind::Broadcast)
    for (int d = 0; d < nd; ++d)
      if (rng.below(2) == 0) l.strides[d] = 0;
  l.offset = 3 + static_cast<int64_t>(rng.below(3));
  int64_t last = l.offset;
  for (int d = 0; d < nd; ++d) last += std::max<int64_t>(shape[d] - 1, 0) * l.strides[d];
  l.alloc = static_cast<size_t>(last + 4);
  return l;
}

Shape random_shape(Rng& rng, int rank, int64_t max_numel = 4096) {
  static const int64_t kSizes[] = {1, 2, 3, 5, 15, 16, 17, 33};
  Shape s;
  for (int d = 0; d < rank; ++d) s.push_back(kSizes[rng.below(8)]);
  while (s.numel() > max_numel) {
    int d = static_cast<int>(rng.below(static_cast<uint64_t>(rank)));
    s[d] = std::max<int64_t>(1, s[d] / 4);
  }
  return s;
}

/// A buffer on one backend, freed with it.
struct Buffer {
  Backend* be;
  float* p;
  size_t n;
  Buffer(Backend& b, const std::vector<float>& host) : be(&b), p(b.allocate(host.size())), n(host.size()) {
    b.from_host(p, host.data(), n);
  }
  ~Buffer() { be->deallocate(p, n); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  std::vector<float> host() const {
    std::vector<float> v(n);
    be->to_host(v.data(), p, n);
    return v;
  }
};

bool same_special(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return true;
}

/// One call on the device under test and on the reference: operands with identical contents on
/// both, then a comparison of every output and a check of every guard and input.
class Case {
 public:
  Case(Backend& dut, Backend& ref, std::string op, std::string what)
      : dut_(dut), ref_(ref), op_(std::move(op)), what_(std::move(what)) {}

  /// An input with values from gen() (one per memory cell, so broadcast views stay consistent).
  int input(const Layout& l, const std::function<float()>& gen) {
    std::vector<float> host(l.alloc, kGuard);
    for (int64_t c : cells(l)) host[static_cast<size_t>(c)] = gen();
    return add(l, host, Role::In);
  }
  /// An output: NaN poison in its cells.
  int output(const Layout& l) {
    std::vector<float> host(l.alloc, kGuard);
    for (int64_t c : cells(l)) host[static_cast<size_t>(c)] = NAN;
    return add(l, host, Role::Out);
  }
  /// Read and written (an optimizer's parameter and state).
  int inout(const Layout& l, const std::function<float()>& gen) {
    std::vector<float> host(l.alloc, kGuard);
    for (int64_t c : cells(l)) host[static_cast<size_t>(c)] = gen();
    return add(l, host, Role::InOut);
  }

  StridedView dut(int id) const { return view(id, *ops_[static_cast<size_t>(id)].dut); }
  StridedView ref(int id) const { return view(id, *ops_[static_cast<size_t>(id)].ref); }

  /// Compares outputs; records the worst normalised error for the op.
  void check(double tolerance = kTolerance) {
    double num = 0.0, den = 0.0;
    for (const Operand& o : ops_) {
      const std::vector<float> a = o.dut->host(), b = o.ref->host();
      const std::vector<int64_t> c = cells(o.layout);
      std::vector<bool> in_view(o.host.size(), false);
      for (int64_t k : c) in_view[static_cast<size_t>(k)] = true;
      for (size_t k = 0; k < o.host.size(); ++k) {
        if (in_view[k] && o.role != Role::In) continue;
        // Guards always, and inputs everywhere, must be exactly what was written.
        if (std::memcmp(&a[k], &o.host[k], sizeof(float)) != 0) {
          ADD_FAILURE() << op_ << " (" << what_ << "): " << (in_view[k] ? "input" : "guard") << " cell " << k
                        << " changed from " << o.host[k] << " to " << a[k] << " on " << dut_.device().str();
          return;
        }
      }
      if (o.role == Role::In) continue;
      for (size_t i = 0; i < c.size(); ++i) {
        const float x = a[static_cast<size_t>(c[i])], y = b[static_cast<size_t>(c[i])];
        if (!same_special(x, y)) {
          ADD_FAILURE() << op_ << " (" << what_ << "): element " << i << " is " << x << " on " << dut_.device().str()
                        << " but " << y << " on the reference";
          return;
        }
        if (std::isfinite(y)) {
          num += (static_cast<double>(x) - y) * (static_cast<double>(x) - y);
          den += static_cast<double>(y) * y;
        }
      }
    }
    const double err = den > 0.0 ? num / den : num;
    double& w = worst_errors()[op_];
    w = std::max(w, err);
    EXPECT_LE(err, tolerance) << op_ << " (" << what_ << ") on " << dut_.device().str();
  }

 private:
  enum class Role { In, Out, InOut };
  struct Operand {
    Layout layout;
    std::vector<float> host;
    Role role;
    std::unique_ptr<Buffer> dut, ref;
  };
  int add(const Layout& l, const std::vector<float>& host, Role role) {
    ops_.push_back({l, host, role, std::make_unique<Buffer>(dut_, host), std::make_unique<Buffer>(ref_, host)});
    return static_cast<int>(ops_.size()) - 1;
  }
  StridedView view(int id, const Buffer& b) const {
    const Layout& l = ops_[static_cast<size_t>(id)].layout;
    return {b.p + l.offset, l.shape, l.strides};
  }

  Backend& dut_;
  Backend& ref_;
  std::string op_, what_;
  std::vector<Operand> ops_;
};

std::string describe(const Shape& s, Kind k) { return s.str() + " " + kind_name(k); }

// ---- the suite --------------------------------------------------------------------------------

class BackendOps : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ref_ = &backend_for(Device::reference());
    if (GetParam().rfind("emulated_cuda", 0) == 0) {  // the CUDA backend's host logic and kernels, on the CPU
      if (std::string why; !testing::emulated_cuda_allowed(&why)) GTEST_SKIP() << why;
      saved_ = cuda_options();
      set_cuda_options({GetParam() == "emulated_cuda_tiled" ? CudaGemm::SharedTiled : CudaGemm::RegisterTiled, false});
      dut_ = &testing::emulated_cuda_backend();
      return;
    }
    const Device d = GetParam() == "cpu" ? Device::cpu() : Device::cuda(0);
    if (!d.is_cpu() && !cuda_available()) GTEST_SKIP() << "no CUDA device: " << cuda_unavailable_reason();
    dut_ = &backend_for(d);
  }
  void TearDown() override {
    if (GetParam().rfind("emulated_cuda", 0) == 0 && dut_) set_cuda_options(saved_);
  }
  CudaOptions saved_;
  Case make(const std::string& op, const std::string& what) { return Case(*dut_, *ref_, op, what); }
  Backend* dut_ = nullptr;
  Backend* ref_ = nullptr;
  Rng rng_{20261129};
};

// Input layouts worth trying, and output layouts (never broadcast).
const Kind kInputKinds[] = {Kind::Contiguous, Kind::Transposed, Kind::Sliced, Kind::Broadcast};
const Kind kOutputKinds[] = {Kind::Contiguous, Kind::Transposed, Kind::Sliced};

// Shapes: every rank 0..6 at random, and the edge sizes of the CPU kernels in rank 1 and 2.
std::vector<Shape> test_shapes(Rng& rng) {
  std::vector<Shape> v;
  for (int rank = 0; rank <= 6; ++rank)
    for (int k = 0; k < 3; ++k) v.push_back(random_shape(rng, rank));
  for (int64_t n : {1, 15, 16, 17, 33, 257}) {
    v.push_back({n});
    v.push_back({n, 3});
    v.push_back({2, n});
  }
  return v;
}

struct UnaryCase {
  UnaryOp op;
  const char* name;
  float p0, p1;
  float low, high;  // input range
};
const UnaryCase kUnary[] = {
    {UnaryOp::Copy, "copy", 0, 0, -3, 3},          {UnaryOp::Neg, "neg", 0, 0, -3, 3},
    {UnaryOp::Exp, "exp", 0, 0, -10, 10},          {UnaryOp::Log, "log", 0, 0, 0.01f, 10},
    {UnaryOp::Sqrt, "sqrt", 0, 0, 0.01f, 10},      {UnaryOp::Abs, "abs", 0, 0, -3, 3},
    {UnaryOp::Relu, "relu", 0, 0, -3, 3},          {UnaryOp::LeakyRelu, "leaky_relu", 0.1f, 0, -3, 3},
    {UnaryOp::Elu, "elu", 0.7f, 0, -3, 3},         {UnaryOp::Sigmoid, "sigmoid", 0, 0, -12, 12},
    {UnaryOp::Tanh, "tanh", 0, 0, -6, 6},          {UnaryOp::Softplus, "softplus", 0, 0, -12, 12},
    {UnaryOp::Sin, "sin", 0, 0, -6, 6},            {UnaryOp::Cos, "cos", 0, 0, -6, 6},
    {UnaryOp::Gelu, "gelu", 0, 0, -5, 5},          {UnaryOp::Silu, "silu", 0, 0, -8, 8},
    {UnaryOp::Gaussian, "gaussian", 0, 0, -3, 3},  {UnaryOp::Pow, "pow 2", 2, 0, -3, 3},
    {UnaryOp::Pow, "pow 3", 3, 0, -3, 3},          {UnaryOp::Pow, "pow 0.5", 0.5f, 0, 0.01f, 5},
    {UnaryOp::Pow, "pow -1", -1, 0, 0.2f, 5},      {UnaryOp::Pow, "pow 0", 0, 0, -3, 3},
    {UnaryOp::Clamp, "clamp", -0.5f, 0.7f, -2, 2}, {UnaryOp::AddScalar, "add_scalar", 1.25f, 0, -3, 3},
    {UnaryOp::MulScalar, "mul_scalar", -0.75f, 0, -3, 3}, {UnaryOp::RSubScalar, "rsub_scalar", 2.5f, 0, -3, 3},
    {UnaryOp::RDivScalar, "rdiv_scalar", 1.5f, 0, 0.2f, 4}, {UnaryOp::NonFinite, "not_finite", 0, 0, -3, 3},
};
static_assert(sizeof(kUnary) / sizeof(kUnary[0]) >= static_cast<size_t>(UnaryOp::NonFinite) + 1,
              "every UnaryOp has a case");

TEST_P(BackendOps, Fill) {
  for (const Shape& s : test_shapes(rng_))
    for (Kind k : kOutputKinds) {
      Case c = make("fill", describe(s, k));
      const int o = c.output(make_layout(s, k, rng_));
      dut_->fill(c.dut(o), -1.5f);
      ref_->fill(c.ref(o), -1.5f);
      c.check();
    }
}

TEST_P(BackendOps, HostTransfersRoundTrip) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{17}, size_t{4099}}) {
    std::vector<float> v(n);
    for (float& x : v) x = rng_.uniform(-5, 5);
    if (n > 2) v[1] = NAN, v[2] = -INFINITY;
    Buffer b(*dut_, v);
    const std::vector<float> back = b.host();
    ASSERT_EQ(back.size(), n);
    if (n > 0) {
      EXPECT_EQ(std::memcmp(back.data(), v.data(), n * sizeof(float)), 0) << n << " values";
    }
  }
}

TEST_P(BackendOps, EveryUnaryOp) {
  for (const UnaryCase& u : kUnary)
    for (const Shape& s : test_shapes(rng_)) {
      const Kind ik = kInputKinds[rng_.below(4)], ok = kOutputKinds[rng_.below(3)];
      Case c = make(u.name, describe(s, ik) + " -> " + kind_name(ok));
      const int x = c.input(make_layout(s, ik, rng_), [&] { return rng_.uniform(u.low, u.high); });
      const int o = c.output(make_layout(s, ok, rng_));
      dut_->unary(u.op, c.dut(o), c.dut(x), u.p0, u.p1);
      ref_->unary(u.op, c.ref(o), c.ref(x), u.p0, u.p1);
      c.check();
    }
}

TEST_P(BackendOps, UnaryOpsAgreeOnSpecialValues) {
  const float special[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 100.0f, -100.0f, 1e-30f, 1.0f, -1.0f, 20.0f, -20.0f};
  const Shape s{static_cast<int64_t>(std::size(special))};
  for (const UnaryCase& u : kUnary) {
    size_t i = 0;
    Case c = make(std::string(u.name) + " (special values)", "NaN, ±Inf, ±0, ±100, ±20");
    const int x = c.input(make_layout(s, Kind::Contiguous, rng_), [&] { return special[i++]; });
    const int o = c.output(make_layout(s, Kind::Contiguous, rng_));
    dut_->unary(u.op, c.dut(o), c.dut(x), u.p0, u.p1);
    ref_->unary(u.op, c.ref(o), c.ref(x), u.p0, u.p1);
    c.check(1e-8);
  }
}

TEST_P(BackendOps, EveryUnaryBackward) {
  for (const UnaryCase& u : kUnary)
    for (const Shape& s : test_shapes(rng_)) {
      const Kind gk = kInputKinds[rng_.below(4)], xk = kInputKinds[rng_.below(3)], ok = kOutputKinds[rng_.below(3)];
      Case c = make(std::string(u.name) + " backward", describe(s, xk) + ", gout " + kind_name(gk));
      const Layout xl = make_layout(s, xk, rng_);
      const int x = c.input(xl, [&] { return rng_.uniform(u.low, u.high); });
      const int g = c.input(make_layout(s, gk, rng_), [&] { return rng_.uniform(-2, 2); });
      // y = op(x), computed by each backend itself (some derivatives read it).
      const int y = c.output(make_layout(s, Kind::Contiguous, rng_));
      dut_->unary(u.op, c.dut(y), c.dut(x), u.p0, u.p1);
      ref_->unary(u.op, c.ref(y), c.ref(x), u.p0, u.p1);
      const int gi = c.output(make_layout(s, ok, rng_));
      dut_->unary_backward(u.op, c.dut(gi), c.dut(g), c.dut(x), c.dut(y), u.p0, u.p1);
      ref_->unary_backward(u.op, c.ref(gi), c.ref(g), c.ref(x), c.ref(y), u.p0, u.p1);
      c.check();
    }
}

struct BinaryCase {
  BinaryOp op;
  const char* name;
};
const BinaryCase kBinary[] = {
    {BinaryOp::Add, "add"}, {BinaryOp::Sub, "sub"}, {BinaryOp::Mul, "mul"},         {BinaryOp::Div, "div"},
    {BinaryOp::Maximum, "maximum"}, {BinaryOp::Minimum, "minimum"}, {BinaryOp::Lt, "lt"}, {BinaryOp::Le, "le"},
    {BinaryOp::Gt, "gt"},   {BinaryOp::Ge, "ge"},   {BinaryOp::Eq, "eq"},           {BinaryOp::Ne, "ne"},
};
static_assert(sizeof(kBinary) / sizeof(kBinary[0]) == static_cast<size_t>(BinaryOp::Ne) + 1, "every BinaryOp has a case");

TEST_P(BackendOps, EveryBinaryOp) {
  // Values on a grid of halves, so that comparisons meet ties; NaN now and then.
  auto value = [&] {
    if (rng_.below(40) == 0) return NAN;
    return static_cast<float>(static_cast<int>(rng_.below(13)) - 6) * 0.5f + (rng_.below(2) ? 0.0f : 0.25f);
  };
  for (const BinaryCase& bc : kBinary)
    for (const Shape& s : test_shapes(rng_)) {
      const Kind ak = kInputKinds[rng_.below(4)], bk = kInputKinds[rng_.below(4)], ok = kOutputKinds[rng_.below(3)];
      Case c = make(bc.name, describe(s, ak) + " with " + kind_name(bk));
      const int a = c.input(make_layout(s, ak, rng_), value);
      const int b = c.input(make_layout(s, bk, rng_), value);
      const int o = c.output(make_layout(s, ok, rng_));
      dut_->binary(bc.op, c.dut(o), c.dut(a), c.dut(b));
      ref_->binary(bc.op, c.ref(o), c.ref(a), c.ref(b));
      c.check();
    }
}

TEST_P(BackendOps, Where) {
  for (const Shape& s : test_shapes(rng_)) {
    const Kind ck = kInputKinds[rng_.below(4)], ak = kInputKinds[rng_.below(4)], ok = kOutputKinds[rng_.below(3)];
    Case c = make("where", describe(s, ck));
    const int cond = c.input(make_layout(s, ck, rng_), [&] { return static_cast<float>(rng_.below(2)); });
    const int a = c.input(make_layout(s, ak, rng_), [&] { return rng_.uniform(-3, 3); });
    const int b = c.input(make_layout(s, kInputKinds[rng_.below(4)], rng_), [&] { return rng_.uniform(-3, 3); });
    const int o = c.output(make_layout(s, ok, rng_));
    dut_->where(c.dut(o), c.dut(cond), c.dut(a), c.dut(b));
    ref_->where(c.ref(o), c.ref(cond), c.ref(a), c.ref(b));
    c.check();
  }
}

TEST_P(BackendOps, EveryReduceOp) {
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Max})
    for (const Shape& s : test_shapes(rng_))
      for (int trial = 0; trial < 3; ++trial) {
        // Reduce a random subset of the dimensions (all of them on the first trial).
        Shape out = s;
        for (int d = 0; d < s.size(); ++d)
          if (trial == 0 || rng_.below(2)) out[d] = 1;
        const Kind ik = kInputKinds[rng_.below(3)], ok = kOutputKinds[rng_.below(3)];
        const float scale = trial == 1 ? 1.0f : rng_.uniform(-2, 2);
        Case c = make(op == ReduceOp::Sum ? "reduce sum" : "reduce max", describe(s, ik) + " to " + out.str());
        const int x = c.input(make_layout(s, ik, rng_), [&] { return rng_.below(50) == 0 && op == ReduceOp::Max ? NAN : rng_.uniform(-2, 2); });
        const int o = c.output(make_layout(out, ok, rng_));
        dut_->reduce(op, c.dut(o), c.dut(x), scale);
        ref_->reduce(op, c.ref(o), c.ref(x), scale);
        c.check(1e-9);
      }
}

TEST_P(BackendOps, Argmax) {
  for (const Shape& s : test_shapes(rng_)) {
    if (s.size() == 0) continue;
    const int axis = static_cast<int>(rng_.below(static_cast<uint64_t>(s.size())));
    Shape out = s;
    out[axis] = 1;
    const Kind ik = kInputKinds[rng_.below(4)];
    Case c = make("argmax", describe(s, ik) + " axis " + std::to_string(axis));
    const int x = c.input(make_layout(s, ik, rng_), [&] {
      return rng_.below(60) == 0 ? NAN : static_cast<float>(rng_.below(5));  // ties
    });
    const int o = c.output(make_layout(out, kOutputKinds[rng_.below(3)], rng_));
    dut_->argmax(c.dut(o), c.dut(x), axis);
    ref_->argmax(c.ref(o), c.ref(x), axis);
    c.check(0.0);
  }
}

TEST_P(BackendOps, GatherRows) {
  for (const Shape& s : test_shapes(rng_)) {
    if (s.size() == 0) continue;
    const int64_t m = static_cast<int64_t>(rng_.below(40));
    Shape out = s;
    out[0] = m;
    const Kind ik = kInputKinds[rng_.below(3)];
    Case c = make("gather_rows", describe(s, ik) + " rows " + std::to_string(m));
    const int x = c.input(make_layout(s, ik, rng_), [&] { return rng_.uniform(-3, 3); });
    // Mostly valid row numbers; now and then one out of range, negative, fractional or NaN.
    const int idx = c.input(make_layout({m}, kInputKinds[rng_.below(3)], rng_), [&] {
      const uint64_t r = rng_.below(20);
      if (r == 0) return static_cast<float>(s[0]);
      if (r == 1) return -1.0f;
      if (r == 2) return 0.5f;
      if (r == 3) return NAN;
      return static_cast<float>(rng_.below(static_cast<uint64_t>(s[0])));
    });
    const int o = c.output(make_layout(out, kOutputKinds[rng_.below(3)], rng_));
    dut_->gather_rows(c.dut(o), c.dut(x), c.dut(idx));
    ref_->gather_rows(c.ref(o), c.ref(x), c.ref(idx));
    c.check(0.0);
  }
}

TEST_P(BackendOps, Matmul) {
  const int64_t kDims[] = {1, 2, 15, 16, 17, 33, 65};
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t m = kDims[rng_.below(7)], n = kDims[rng_.below(7)], k = kDims[rng_.below(7)];
    Shape batch;
    const int batch_rank = static_cast<int>(rng_.below(3));
    for (int d = 0; d < batch_rank; ++d) batch.push_back(static_cast<int64_t>(1 + rng_.below(3)));
    Shape as = batch, bs = batch, os = batch;
    as.push_back(m), as.push_back(k), bs.push_back(k), bs.push_back(n), os.push_back(m), os.push_back(n);
    const bool accumulate = trial % 2 == 1;
    const Kind ak = kInputKinds[rng_.below(4)], bk = kInputKinds[rng_.below(4)], ok = kOutputKinds[rng_.below(3)];
    Case c = make("matmul", as.str() + kind_name(ak) + " x " + bs.str() + kind_name(bk) + (accumulate ? " accumulate" : ""));
    const int a = c.input(make_layout(as, ak, rng_), [&] { return rng_.uniform(-1, 1); });
    const int b = c.input(make_layout(bs, bk, rng_), [&] { return rng_.uniform(-1, 1); });
    const Layout ol = make_layout(os, ok, rng_);
    const int o = accumulate ? c.inout(ol, [&] { return rng_.uniform(-1, 1); }) : c.output(ol);
    dut_->matmul(c.dut(o), c.dut(a), c.dut(b), accumulate);
    ref_->matmul(c.ref(o), c.ref(a), c.ref(b), accumulate);
    c.check(1e-9);
  }
}

TEST_P(BackendOps, Linear) {
  const int64_t kDims[] = {1, 2, 3, 8, 15, 16, 17, 33, 64, 257};
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t n = kDims[rng_.below(10)], in = kDims[rng_.below(9)], out = kDims[rng_.below(9)];
    const bool with_bias = trial % 3 != 0, relu = trial % 2 == 0;
    // wt is [in, out]: usually the transposed view of a [out, in] weight.
    const Kind xk = kInputKinds[rng_.below(3)], wk = trial % 4 == 0 ? Kind::Contiguous : Kind::Transposed;
    Case c = make("linear", "x " + Shape{n, in}.str() + " " + kind_name(xk) + ", wt " + kind_name(wk) + (with_bias ? ", bias" : "") +
                                (relu ? ", relu" : ""));
    const int x = c.input(make_layout({n, in}, xk, rng_), [&] { return rng_.uniform(-1, 1); });
    const int wt = c.input(make_layout({in, out}, wk, rng_), [&] { return rng_.uniform(-1, 1); });
    const int b = c.input(make_layout({out}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
    const int o = c.output(make_layout({n, out}, kOutputKinds[rng_.below(2)], rng_));
    dut_->linear(c.dut(o), c.dut(x), c.dut(wt), with_bias ? c.dut(b).data : nullptr, relu);
    ref_->linear(c.ref(o), c.ref(x), c.ref(wt), with_bias ? c.ref(b).data : nullptr, relu);
    c.check(1e-9);
  }
}

TEST_P(BackendOps, LinearBackwardBothPaths) {
  const int64_t kDims[] = {1, 2, 3, 8, 15, 16, 17, 33, 64, 257};
  for (int trial = 0; trial < 80; ++trial) {
    const int64_t n = kDims[rng_.below(10)], in = kDims[rng_.below(9)], out = kDims[rng_.below(9)];
    // Contiguous rows take the CPU's one-pass path; a transposed gy or x takes the GEMM path.
    const bool rows_path = trial % 2 == 0;
    const bool want_gx = trial % 3 != 2, want_gw = trial % 5 != 4, want_gb = trial % 7 != 6;
    const Kind k = rows_path ? Kind::Contiguous : kInputKinds[1 + rng_.below(2)];
    Case c = make("linear_backward", std::string(rows_path ? "rows path" : "gemm path") + " gy " + Shape{n, out}.str() + " x " +
                                         Shape{n, in}.str() + (want_gx ? " gx" : "") + (want_gw ? " gw" : "") + (want_gb ? " gb" : ""));
    const int gy = c.input(make_layout({n, out}, k, rng_), [&] { return rng_.uniform(-1, 1); });
    const int x = c.input(make_layout({n, in}, rows_path ? Kind::Contiguous : kInputKinds[rng_.below(3)], rng_),
                          [&] { return rng_.uniform(-1, 1); });
    const int w = c.input(make_layout({out, in}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
    const int gx = c.output(make_layout({n, in}, rows_path ? Kind::Contiguous : kOutputKinds[rng_.below(3)], rng_));
    const int gw = c.output(make_layout({out, in}, Kind::Contiguous, rng_));
    const int gb = c.output(make_layout({out}, Kind::Contiguous, rng_));
    for (Backend* be : {dut_, ref_}) {
      auto v = [&](int id) { return be == dut_ ? c.dut(id) : c.ref(id); };
      const StridedView gxv = v(gx);
      be->linear_backward(want_gx ? &gxv : nullptr, want_gw ? v(gw).data : nullptr, want_gb ? v(gb).data : nullptr, v(gy), v(x),
                          v(w));
    }
    // A skipped gradient must stay NaN poison on both (the reference never writes it).
    c.check(1e-9);
  }
}

TEST_P(BackendOps, BceLogitsAndBackward) {
  for (int64_t n : {1, 2, 15, 16, 17, 33, 257, 1000}) {
    for (Kind zk : {Kind::Contiguous, Kind::Sliced, Kind::Broadcast}) {
      Case c = make("bce_logits", std::to_string(n) + " " + kind_name(zk));
      const int z = c.input(make_layout({n, 1}, zk, rng_), [&] { return rng_.uniform(-30, 30); });
      const int y = c.input(make_layout({n, 1}, kInputKinds[rng_.below(3)], rng_), [&] { return static_cast<float>(rng_.below(2)); });
      const int loss = c.output(make_layout({}, Kind::Contiguous, rng_));
      dut_->bce_logits(c.dut(loss).data, c.dut(z), c.dut(y));
      ref_->bce_logits(c.ref(loss).data, c.ref(z), c.ref(y));
      const int gout = c.input(make_layout({}, Kind::Contiguous, rng_), [&] { return rng_.uniform(0.5f, 2.0f); });
      const int gz = c.output(make_layout({n, 1}, kOutputKinds[rng_.below(3)], rng_));
      const float scale = 1.0f / static_cast<float>(n);
      dut_->bce_logits_backward(c.dut(gz), c.dut(z), c.dut(y), c.dut(gout).data, scale);
      ref_->bce_logits_backward(c.ref(gz), c.ref(z), c.ref(y), c.ref(gout).data, scale);
      c.check(1e-9);
    }
  }
}

TEST_P(BackendOps, SgdWithEveryFlag) {
  for (size_t n : {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, size_t{257}})
    for (int flags = 0; flags < 32; ++flags) {
      Backend::SgdArgs a{};
      a.lr = 0.05f;
      a.momentum = flags & 1 ? 0.9f : 0.0f;
      a.nesterov = (flags & 2) && a.momentum != 0.0f;
      a.dampening = flags & 4 ? 0.25f : 0.0f;
      a.weight_decay = flags & 8 ? 0.01f : 0.0f;
      a.l1 = flags & 16 ? 0.003f : 0.0f;
      a.l2 = flags & 4 ? 0.002f : 0.0f;
      for (bool first : {true, false}) {
        a.first_step = first;
        Case c = make("sgd_step", std::to_string(n) + " values, flags " + std::to_string(flags) + (first ? ", first step" : ""));
        const Layout l = make_layout({static_cast<int64_t>(n)}, Kind::Contiguous, rng_);
        const int p = c.inout(l, [&] { return rng_.below(10) == 0 ? 0.0f : rng_.uniform(-1, 1); });
        const int g = c.input(make_layout({static_cast<int64_t>(n)}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
        const int buf = c.inout(make_layout({static_cast<int64_t>(n)}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
        dut_->sgd_step(c.dut(p).data, c.dut(g).data, c.dut(buf).data, n, a);
        ref_->sgd_step(c.ref(p).data, c.ref(g).data, c.ref(buf).data, n, a);
        c.check(1e-12);
      }
    }
}

TEST_P(BackendOps, AdamWithEveryFlag) {
  for (size_t n : {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, size_t{257}})
    for (int flags = 0; flags < 16; ++flags)
      for (int64_t step : {1, 2, 10, 1000}) {
        Backend::AdamArgs a{};
        a.lr = 0.01f;
        a.beta1 = 0.9f;
        a.beta2 = flags & 1 ? 0.99f : 0.999f;
        a.eps = 1e-8f;
        a.weight_decay = flags & 2 ? 0.05f : 0.0f;
        a.decoupled = flags & 4;
        a.l1 = flags & 8 ? 0.003f : 0.0f;
        a.l2 = flags & 8 ? 0.002f : 0.0f;
        a.step = step;
        Case c = make("adam_step", std::to_string(n) + " values, flags " + std::to_string(flags) + ", step " + std::to_string(step));
        const auto len = static_cast<int64_t>(n);
        const int p = c.inout(make_layout({len}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
        const int g = c.input(make_layout({len}, Kind::Contiguous, rng_), [&] { return rng_.uniform(-1, 1); });
        const int m = c.inout(make_layout({len}, Kind::Contiguous, rng_), [&] { return step == 1 ? 0.0f : rng_.uniform(-0.1f, 0.1f); });
        const int v = c.inout(make_layout({len}, Kind::Contiguous, rng_), [&] { return step == 1 ? 0.0f : rng_.uniform(0.0f, 0.05f); });
        dut_->adam_step(c.dut(p).data, c.dut(g).data, c.dut(m).data, c.dut(v).data, n, a);
        ref_->adam_step(c.ref(p).data, c.ref(g).data, c.ref(m).data, c.ref(v).data, n, a);
        c.check(1e-11);
      }
}

TEST_P(BackendOps, RunChunksCoversEveryPieceOnce) {
  EXPECT_TRUE(dut_->device() == (GetParam() == "cpu" ? Device::cpu() : Device::cuda(0)));  // emulated CUDA is cuda:0 too
  for (int64_t n : {0, 1, 2, 17, 1000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    for (Backend* be : {dut_, ref_}) {
      be->run_chunks(n, [&](int64_t b, int64_t e) {
        ASSERT_LE(0, b);
        ASSERT_LE(b, e);
        ASSERT_LE(e, n);
        for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
      });
    }
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(hits[static_cast<size_t>(i)].load(), 2) << "piece " << i << " of " << n;
  }
}

// emulated_cuda: the CUDA backend (engine/src/cuda/kernel_backend.h and every kernel body) over
// the SIMT emulator, so the whole suite checks it without a GPU; _tiled with MiniTorch's kernel
// for every matrix product instead of the register-tiled one.
INSTANTIATE_TEST_SUITE_P(Devices, BackendOps, ::testing::Values("cpu", "cuda", "emulated_cuda", "emulated_cuda_tiled"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// The worst normalised error per op over the whole run, for the notes.
class WorstErrorReport : public ::testing::Environment {
 public:
  void TearDown() override {
    if (worst_errors().empty()) return;
    std::printf("\nworst normalised error per op (sum((a-b)^2) / sum(b^2) against the reference):\n");
    for (const auto& [op, err] : worst_errors()) std::printf("  %-28s %.3g\n", op.c_str(), err);
  }
};
const auto* const kReport = ::testing::AddGlobalTestEnvironment(new WorstErrorReport);

}  // namespace
}  // namespace bp
