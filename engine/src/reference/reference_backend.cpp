// The reference backend: the oracle the other backends are checked against, and a device that
// proves the engine never reads tensor memory behind a backend's back.
//
// - Every method is a plain loop in double precision over row-major element indices, written to
//   be obviously right rather than fast. Values are stored as doubles too, so a chain of ops
//   rounds only where float32 crosses the host boundary (to_host/from_host, the op scalars).
// - Its pointers are not host memory. They are addresses inside a reserved range that is mapped
//   PROT_NONE: reading or writing one from the host faults (and ASan reports it), so code that
//   bypasses to_host/from_host crashes instead of passing by accident. The backend decodes a
//   pointer into (allocation, element) itself, and every element access is bounds-checked
//   against its allocation: a stray read or write past a tensor's storage throws.
// - Every method reads all of its inputs before writing any output, so outputs may alias inputs.
//
// Threading: allocation bookkeeping is guarded by a mutex; element storage belongs to the
// allocation (the engine never shares memory that one thread writes), as backend.h asks.
#include <sys/mman.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "../backend.h"

namespace bp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// One allocation: its values, and how many floats of address space it spans.
struct Block {
  std::vector<double> values;
};

// A decoded pointer: an allocation and the element the pointer names in it.
struct Cell {
  Block* block;
  int64_t index;
  double& at(int64_t offset) const {
    const int64_t i = index + offset;
    if (i < 0 || i >= static_cast<int64_t>(block->values.size()))
      throw std::logic_error("reference backend: element " + std::to_string(i) + " is outside its allocation of " +
                             std::to_string(block->values.size()));
    return block->values[static_cast<size_t>(i)];
  }
};

// The storage offset of element `linear` (row-major over v.shape).
int64_t offset_of(const StridedView& v, int64_t linear) {
  int64_t off = 0;
  for (int d = v.shape.size() - 1; d >= 0; --d) {
    const int64_t n = v.shape[d];
    off += (linear % n) * v.strides[d];
    linear /= n;
  }
  return off;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }
double sign(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }
double nan_max(double a, double b) { return (a > b || a != a) ? a : b; }
double nan_min(double a, double b) { return (a < b || a != a) ? a : b; }
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

class ReferenceBackend final : public Backend {
 public:
  ReferenceBackend() {
    void* p = ::mmap(nullptr, kReservedBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    base_ = reinterpret_cast<uintptr_t>(p);
  }
  ~ReferenceBackend() override { ::munmap(reinterpret_cast<void*>(base_), kReservedBytes); }
  ReferenceBackend(const ReferenceBackend&) = delete;
  ReferenceBackend& operator=(const ReferenceBackend&) = delete;

  Device device() const override { return Device::reference(); }
  std::string description() const override { return "reference (double precision, for tests)"; }

  float* allocate(size_t count) override {
    const size_t span = std::max<size_t>(count, 1);
    std::lock_guard<std::mutex> lock(mu_);
    uintptr_t addr = 0;
    auto spare = spare_.find(span);
    if (spare != spare_.end() && !spare->second.empty()) {
      addr = spare->second.back();
      spare->second.pop_back();
    } else {
      if (next_ + span * sizeof(float) > kReservedBytes) throw std::bad_alloc();
      addr = base_ + next_;
      next_ += (span * sizeof(float) + 63) / 64 * 64;
    }
    auto block = std::make_unique<Block>();
    block->values.assign(count, kNaN);  // fresh memory reads as NaN, never as stale zeros
    blocks_[addr] = Span{std::move(block), span};
    return reinterpret_cast<float*>(addr);
  }

  void deallocate(float* p, size_t count) override {
    const auto addr = reinterpret_cast<uintptr_t>(p);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.find(addr);
    if (it == blocks_.end() || it->second.block->values.size() != count)
      throw std::logic_error("reference backend: deallocate of a pointer it did not allocate");
    spare_[it->second.span].push_back(addr);
    blocks_.erase(it);
  }

  void to_host(float* host, const float* src, size_t count) override {
    if (!count) return;
    const Cell c = decode(src);
    for (size_t i = 0; i < count; ++i) host[i] = static_cast<float>(c.at(static_cast<int64_t>(i)));
  }
  void from_host(float* dst, const float* host, size_t count) override {
    if (!count) return;
    const Cell c = decode(dst);
    for (size_t i = 0; i < count; ++i) c.at(static_cast<int64_t>(i)) = static_cast<double>(host[i]);
  }

  void fill(const StridedView& out, float value) override {
    write(out, std::vector<double>(static_cast<size_t>(out.shape.numel()), static_cast<double>(value)));
  }

  void unary(UnaryOp op, const StridedView& out, const StridedView& in, float p0f, float p1f) override {
    const double p0 = p0f, p1 = p1f;
    std::vector<double> v = read(in);
    for (double& x : v) x = forward(op, x, p0, p1);
    write(out, v);
  }

  void unary_backward(UnaryOp op, const StridedView& gin, const StridedView& gout, const StridedView& xv,
                      const StridedView& yv, float p0f, float p1f) override {
    const double p0 = p0f, p1 = p1f;
    const std::vector<double> g = read(gout), x = read(xv), y = read(yv);
    std::vector<double> r(g.size());
    for (size_t i = 0; i < g.size(); ++i) r[i] = g[i] * derivative(op, x[i], y[i], p0, p1);
    write(gin, r);
  }

  void binary(BinaryOp op, const StridedView& out, const StridedView& av, const StridedView& bv) override {
    const std::vector<double> a = read(av), b = read(bv);
    std::vector<double> r(a.size());
    for (size_t i = 0; i < a.size(); ++i) r[i] = binary_value(op, a[i], b[i]);
    write(out, r);
  }

  void where(const StridedView& out, const StridedView& cv, const StridedView& av, const StridedView& bv) override {
    const std::vector<double> c = read(cv), a = read(av), b = read(bv);
    std::vector<double> r(c.size());
    for (size_t i = 0; i < c.size(); ++i) r[i] = c[i] != 0.0 ? a[i] : b[i];
    write(out, r);
  }

  void reduce(ReduceOp op, const StridedView& out, const StridedView& in, float scale) override {
    const std::vector<double> x = read(in);
    std::vector<double> r(static_cast<size_t>(out.shape.numel()), op == ReduceOp::Sum ? 0.0 : -kInf);
    const int nd = in.shape.size();
    for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
      // The output element: in's index with every reduced dimension set to 0.
      int64_t rest = i, o = 0, mult = 1;
      for (int d = nd - 1; d >= 0; --d) {
        const int64_t k = rest % in.shape[d];
        rest /= in.shape[d];
        if (out.shape[d] != 1) o += k * mult;
        mult *= out.shape[d];
      }
      double& acc = r[static_cast<size_t>(o)];
      acc = op == ReduceOp::Sum ? acc + x[static_cast<size_t>(i)] : nan_max(acc, x[static_cast<size_t>(i)]);
    }
    for (double& v : r) v *= static_cast<double>(scale);
    write(out, r);
  }

  void argmax(const StridedView& out, const StridedView& in, int axis) override {
    const std::vector<double> x = read(in);
    const int64_t len = in.shape[axis];
    int64_t inner = 1;
    for (int d = axis + 1; d < in.shape.size(); ++d) inner *= in.shape[d];
    std::vector<double> r(static_cast<size_t>(out.shape.numel()));
    for (size_t o = 0; o < r.size(); ++o) {
      const int64_t outer_i = static_cast<int64_t>(o) / inner, inner_i = static_cast<int64_t>(o) % inner;
      int64_t best = 0;
      double bv = 0.0;
      for (int64_t j = 0; j < len; ++j) {
        const double v = x[static_cast<size_t>((outer_i * len + j) * inner + inner_i)];
        if (j == 0 || v > bv || (v != v && bv == bv)) {  // the first largest; the first NaN wins
          bv = v;
          best = j;
        }
      }
      r[o] = static_cast<double>(best);
    }
    write(out, r);
  }

  void gather_rows(const StridedView& out, const StridedView& in, const StridedView& index) override {
    const std::vector<double> x = read(in), idx = read(index);
    const int64_t rows = in.shape[0], width = rows ? static_cast<int64_t>(x.size()) / rows : 0;
    std::vector<double> r(static_cast<size_t>(out.shape.numel()));
    for (int64_t i = 0; i < out.shape[0]; ++i) {
      const double k = idx[static_cast<size_t>(i)];
      const bool ok = k >= 0.0 && k < static_cast<double>(rows) && k == std::floor(k);
      for (int64_t j = 0; j < width; ++j)
        r[static_cast<size_t>(i * width + j)] = ok ? x[static_cast<size_t>(static_cast<int64_t>(k) * width + j)] : kNaN;
    }
    write(out, r);
  }

  void matmul(const StridedView& out, const StridedView& av, const StridedView& bv, bool accumulate) override {
    const int nd = out.shape.size();
    const int64_t m = out.shape[nd - 2], n = out.shape[nd - 1], k = av.shape[nd - 1];
    const std::vector<double> a = read(av), b = read(bv);
    std::vector<double> r = accumulate ? read(out) : std::vector<double>(static_cast<size_t>(out.shape.numel()), 0.0);
    const int64_t batches = m != 0 && n != 0 ? static_cast<int64_t>(r.size()) / (m * n) : 0;
    for (int64_t t = 0; t < batches; ++t)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double s = 0.0;
          for (int64_t q = 0; q < k; ++q)
            s += a[static_cast<size_t>((t * m + i) * k + q)] * b[static_cast<size_t>((t * k + q) * n + j)];
          r[static_cast<size_t>((t * m + i) * n + j)] += s;
        }
    write(out, r);
  }

  void linear(const StridedView& out, const StridedView& xv, const StridedView& wtv, const float* bias,
              bool relu) override {
    const int64_t n = out.shape[0], m = out.shape[1], k = xv.shape[1];
    const std::vector<double> x = read(xv), wt = read(wtv);
    const std::vector<double> b = bias ? read({const_cast<float*>(bias), {m}, {1}}) : std::vector<double>(static_cast<size_t>(m), 0.0);
    std::vector<double> r(static_cast<size_t>(n * m));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) {
        double s = b[static_cast<size_t>(j)];
        for (int64_t q = 0; q < k; ++q) s += x[static_cast<size_t>(i * k + q)] * wt[static_cast<size_t>(q * m + j)];
        r[static_cast<size_t>(i * m + j)] = relu ? (s > 0.0 || s != s ? s : 0.0) : s;
      }
    write(out, r);
  }

  void linear_backward(const StridedView* gx, float* gw, float* gb, const StridedView& gyv, const StridedView& xv,
                       const StridedView& wv) override {
    const int64_t n = gyv.shape[0], outs = gyv.shape[1], ins = xv.shape[1];
    const std::vector<double> gy = read(gyv), x = read(xv), w = read(wv);
    if (gx) {
      std::vector<double> r(static_cast<size_t>(n * ins), 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < ins; ++j)
          for (int64_t o = 0; o < outs; ++o)
            r[static_cast<size_t>(i * ins + j)] += gy[static_cast<size_t>(i * outs + o)] * w[static_cast<size_t>(o * ins + j)];
      write(*gx, r);
    }
    if (gw) {
      std::vector<double> r(static_cast<size_t>(outs * ins), 0.0);
      for (int64_t o = 0; o < outs; ++o)
        for (int64_t j = 0; j < ins; ++j)
          for (int64_t i = 0; i < n; ++i)
            r[static_cast<size_t>(o * ins + j)] += gy[static_cast<size_t>(i * outs + o)] * x[static_cast<size_t>(i * ins + j)];
      write({gw, {outs, ins}, {ins, 1}}, r);
    }
    if (gb) {
      std::vector<double> r(static_cast<size_t>(outs), 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t o = 0; o < outs; ++o) r[static_cast<size_t>(o)] += gy[static_cast<size_t>(i * outs + o)];
      write({gb, {outs}, {1}}, r);
    }
  }

  void bce_logits(float* out, const StridedView& zv, const StridedView& yv) override {
    const std::vector<double> z = read(zv), y = read(yv);
    double total = 0.0;
    for (size_t i = 0; i < z.size(); ++i) total += softplus(z[i]) - z[i] * y[i];
    write({out, {}, {}}, {z.empty() ? kNaN : total / static_cast<double>(z.size())});
  }

  void bce_logits_backward(const StridedView& gzv, const StridedView& zv, const StridedView& yv, const float* gout,
                           float scale) override {
    const std::vector<double> z = read(zv), y = read(yv);
    const double s = read({const_cast<float*>(gout), {}, {}})[0] * static_cast<double>(scale);
    std::vector<double> r(z.size());
    for (size_t i = 0; i < z.size(); ++i) r[i] = s * (sigmoid(z[i]) - y[i]);
    write(gzv, r);
  }

  void sgd_step(float* param, const float* grad, float* buf, size_t n, const SgdArgs& a) override {
    std::vector<double> p = read_flat(param, n), m = a.momentum != 0.0f ? read_flat(buf, n) : std::vector<double>();
    const std::vector<double> g = read_flat(grad, n);
    const double lr = a.lr, mu = a.momentum, damp = a.dampening, wd = a.weight_decay, l1 = a.l1, l2 = a.l2;
    for (size_t i = 0; i < n; ++i) {
      double d = g[i] + wd * p[i] + l2 * p[i] + l1 * sign(p[i]);
      if (mu != 0.0) {
        m[i] = a.first_step ? d : mu * m[i] + (1.0 - damp) * d;
        d = a.nesterov ? d + mu * m[i] : m[i];
      }
      p[i] -= lr * d;
    }
    write_flat(param, p);
    if (mu != 0.0) write_flat(buf, m);
  }

  void adam_step(float* param, const float* grad, float* mp, float* vp, size_t n, const AdamArgs& a) override {
    std::vector<double> p = read_flat(param, n), m = read_flat(mp, n), v = read_flat(vp, n);
    const std::vector<double> g = read_flat(grad, n);
    const double lr = a.lr, b1 = a.beta1, b2 = a.beta2, eps = a.eps, wd = a.weight_decay, l1 = a.l1, l2 = a.l2;
    const double t = static_cast<double>(a.step);
    const double bc1 = 1.0 - std::pow(b1, t), bc2 = 1.0 - std::pow(b2, t);
    for (size_t i = 0; i < n; ++i) {
      double d = g[i] + l2 * p[i] + l1 * sign(p[i]);
      if (a.decoupled)
        p[i] *= 1.0 - lr * wd;
      else
        d += wd * p[i];
      m[i] = b1 * m[i] + (1.0 - b1) * d;
      v[i] = b2 * v[i] + (1.0 - b2) * d * d;
      const double m_hat = m[i] / bc1, v_hat = v[i] / bc2;
      p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
    }
    write_flat(param, p);
    write_flat(mp, m);
    write_flat(vp, v);
  }

 private:
  static constexpr size_t kReservedBytes = size_t{1} << 36;  // 64 GiB of address space, no memory

  struct Span {
    std::unique_ptr<Block> block;
    size_t span;  // floats of address space
  };

  Cell decode(const float* p) {
    const auto addr = reinterpret_cast<uintptr_t>(p);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.upper_bound(addr);
    if (addr < base_ || addr >= base_ + kReservedBytes || it == blocks_.begin())
      throw std::logic_error("reference backend: pointer is not reference-device memory (a host pointer?)");
    --it;
    const uintptr_t delta = addr - it->first;
    if (delta % sizeof(float) != 0) throw std::logic_error("reference backend: misaligned pointer");
    return {it->second.block.get(), static_cast<int64_t>(delta / sizeof(float))};
  }

  std::vector<double> read(const StridedView& v) {
    const int64_t n = v.shape.numel();
    std::vector<double> r(static_cast<size_t>(n));
    if (n == 0) return r;
    const Cell c = decode(v.data);
    for (int64_t i = 0; i < n; ++i) r[static_cast<size_t>(i)] = c.at(offset_of(v, i));
    return r;
  }
  void write(const StridedView& v, const std::vector<double>& values) {
    const int64_t n = v.shape.numel();
    if (n == 0) return;
    const Cell c = decode(v.data);
    for (int64_t i = 0; i < n; ++i) c.at(offset_of(v, i)) = values[static_cast<size_t>(i)];
  }
  std::vector<double> read_flat(const float* p, size_t n) {
    return read({const_cast<float*>(p), {static_cast<int64_t>(n)}, {1}});
  }
  void write_flat(float* p, const std::vector<double>& v) { write({p, {static_cast<int64_t>(v.size())}, {1}}, v); }

  static double forward(UnaryOp op, double x, double p0, double p1) {
    switch (op) {
      case UnaryOp::Copy: return x;
      case UnaryOp::Neg: return -x;
      case UnaryOp::Exp: return std::exp(x);
      case UnaryOp::Log: return std::log(x);
      case UnaryOp::Sqrt: return std::sqrt(x);
      case UnaryOp::Abs: return std::fabs(x);
      case UnaryOp::Relu: return x > 0.0 || x != x ? x : 0.0;
      case UnaryOp::LeakyRelu: return x > 0.0 ? x : p0 * x;
      case UnaryOp::Elu: return x > 0.0 ? x : p0 * (std::exp(x) - 1.0);
      case UnaryOp::Sigmoid: return sigmoid(x);
      case UnaryOp::Tanh: return std::tanh(x);
      case UnaryOp::Softplus: return softplus(x);
      case UnaryOp::Sin: return std::sin(x);
      case UnaryOp::Cos: return std::cos(x);
      case UnaryOp::Gelu: return 0.5 * x * std::erfc(-x * kInvSqrt2);
      case UnaryOp::Silu: return x * sigmoid(x);
      case UnaryOp::Gaussian: return std::exp(-x * x);
      case UnaryOp::Pow: return std::pow(x, p0);
      case UnaryOp::Clamp: return x < p0 ? p0 : (x > p1 ? p1 : x);
      case UnaryOp::AddScalar: return x + p0;
      case UnaryOp::MulScalar: return x * p0;
      case UnaryOp::RSubScalar: return p0 - x;
      case UnaryOp::RDivScalar: return p0 / x;
      case UnaryOp::NonFinite: return std::isfinite(x) ? 0.0 : 1.0;
    }
    return kNaN;
  }

  // d op(x) / dx, given x and y = op(x).
  static double derivative(UnaryOp op, double x, double y, double p0, double p1) {
    switch (op) {
      case UnaryOp::Copy:
      case UnaryOp::AddScalar: return 1.0;
      case UnaryOp::Neg:
      case UnaryOp::RSubScalar: return -1.0;
      case UnaryOp::MulScalar: return p0;
      case UnaryOp::RDivScalar: return -p0 / (x * x);
      case UnaryOp::Exp: return y;
      case UnaryOp::Log: return 1.0 / x;
      case UnaryOp::Sqrt: return 0.5 / y;
      case UnaryOp::Abs: return sign(x);
      case UnaryOp::Relu: return x > 0.0 ? 1.0 : 0.0;
      case UnaryOp::LeakyRelu: return x > 0.0 ? 1.0 : p0;
      case UnaryOp::Elu: return x > 0.0 ? 1.0 : y + p0;
      case UnaryOp::Sigmoid: return y * (1.0 - y);
      case UnaryOp::Tanh: return 1.0 - y * y;
      case UnaryOp::Softplus: return sigmoid(x);
      case UnaryOp::Sin: return std::cos(x);
      case UnaryOp::Cos: return -std::sin(x);
      case UnaryOp::Gelu: return 0.5 * std::erfc(-x * kInvSqrt2) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
      case UnaryOp::Silu: {
        const double s = sigmoid(x);
        return s + x * s * (1.0 - s);
      }
      case UnaryOp::Gaussian: return -2.0 * x * y;
      case UnaryOp::Pow: return p0 == 0.0 ? 0.0 : p0 * std::pow(x, p0 - 1.0);
      case UnaryOp::Clamp: return x >= p0 && x <= p1 ? 1.0 : 0.0;
      case UnaryOp::NonFinite: return 0.0;
    }
    return kNaN;
  }

  static double binary_value(BinaryOp op, double a, double b) {
    switch (op) {
      case BinaryOp::Add: return a + b;
      case BinaryOp::Sub: return a - b;
      case BinaryOp::Mul: return a * b;
      case BinaryOp::Div: return a / b;
      case BinaryOp::Maximum: return nan_max(a, b);
      case BinaryOp::Minimum: return nan_min(a, b);
      case BinaryOp::Lt: return a < b;
      case BinaryOp::Le: return a <= b;
      case BinaryOp::Gt: return a > b;
      case BinaryOp::Ge: return a >= b;
      case BinaryOp::Eq: return a == b;
      case BinaryOp::Ne: return a != b;
    }
    return kNaN;
  }

  std::mutex mu_;
  uintptr_t base_ = 0;
  size_t next_ = 0;
  std::map<uintptr_t, Span> blocks_;
  std::map<size_t, std::vector<uintptr_t>> spare_;  // freed address ranges, by span
};

}  // namespace

Backend& reference_backend() {
  static ReferenceBackend backend;
  return backend;
}

}  // namespace bp
