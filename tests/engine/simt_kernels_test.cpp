// The CUDA kernel bodies (engine/src/cuda/kernels/) run on the CPU under the SIMT emulator and
// are compared with the reference backend; the emulator must report each kind of kernel bug
// planted in a copy of the tiled matmul, and nothing on the correct kernels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "backend.h"
#include "backprop/backprop.h"
#include "cuda/kernels/elementwise.h"
#include "cuda/kernels/optim_steps.h"
#include "cuda/kernels/reduce_sum.h"
#include "cuda/kernels/tiled_matmul.h"
#include "simt_emulator.h"

namespace bp {
namespace {

using cuda::KernelView;
using simt::CheckedGlobal;
using simt::CheckedShared;
using simt::Dim;
using simt::Launch;
using simt::ThreadCtx;

KernelView view(std::vector<int64_t> shape, std::vector<int64_t> strides, int64_t offset = 0) {
  KernelView v;
  v.rank = static_cast<int>(shape.size());
  v.offset = offset;
  for (int d = 0; d < v.rank; ++d) v.shape[d] = shape[static_cast<size_t>(d)], v.strides[d] = strides[static_cast<size_t>(d)];
  return v;
}

StridedView strided(float* base, const KernelView& v) {
  StridedView s{base + v.offset, {}, {}};
  for (int d = 0; d < v.rank; ++d) s.shape.push_back(v.shape[d]), s.strides.push_back(v.strides[d]);
  return s;
}

// A host buffer mirrored on the reference device, for the expected results.
struct RefBuffer {
  Backend& be = backend_for(Device::reference());
  float* p;
  size_t n;
  explicit RefBuffer(const std::vector<float>& host) : p(be.allocate(host.size())), n(host.size()) { be.from_host(p, host.data(), n); }
  ~RefBuffer() { be.deallocate(p, n); }
  std::vector<float> host() const {
    std::vector<float> v(n);
    be.to_host(v.data(), p, n);
    return v;
  }
};

std::vector<float> random_values(size_t n, Rng& rng, float lo = -2, float hi = 2) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(lo, hi);
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, double tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  double num = 0, den = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const bool gn = std::isnan(got[i]), wn = std::isnan(want[i]);
    ASSERT_EQ(gn, wn) << what << ": element " << i << " is " << got[i] << ", the reference " << want[i];
    if (gn) continue;
    if (std::isinf(want[i])) {
      ASSERT_EQ(got[i], want[i]) << what << ": element " << i;
      continue;
    }
    num += (static_cast<double>(got[i]) - want[i]) * (static_cast<double>(got[i]) - want[i]);
    den += static_cast<double>(want[i]) * want[i];
  }
  EXPECT_LE(den > 0 ? num / den : num, tol) << what;
}

// ---- the correct kernels against the reference ------------------------------------------------

TEST(SimtKernels, UnaryMapOverStridedViewsMatchesTheReference) {
  Rng rng(3);
  const UnaryOp ops[] = {UnaryOp::Copy, UnaryOp::Neg,     UnaryOp::Exp,  UnaryOp::Log,        UnaryOp::Sqrt,       UnaryOp::Abs,
                         UnaryOp::Relu, UnaryOp::LeakyRelu, UnaryOp::Elu, UnaryOp::Sigmoid,   UnaryOp::Tanh,       UnaryOp::Softplus,
                         UnaryOp::Sin,  UnaryOp::Cos,     UnaryOp::Gelu, UnaryOp::Silu,       UnaryOp::Gaussian,   UnaryOp::Pow,
                         UnaryOp::Clamp, UnaryOp::AddScalar, UnaryOp::MulScalar, UnaryOp::RSubScalar, UnaryOp::RDivScalar,
                         UnaryOp::NonFinite};
  static_assert(sizeof(ops) / sizeof(ops[0]) == static_cast<size_t>(UnaryOp::NonFinite) + 1, "every UnaryOp");
  for (UnaryOp op : ops) {
    SCOPED_TRACE(static_cast<int>(op));
    // A [5, 7] input read through a transposed view of a [7, 5] buffer, written into every other
    // element of a [5, 14] buffer; positive inputs where the op needs them, and special values.
    std::vector<float> in = random_values(35, rng, 0.1f, 3.0f);
    for (size_t i = 0; i < in.size(); i += 2) in[i] = -in[i];
    if (op == UnaryOp::Log || op == UnaryOp::Sqrt || op == UnaryOp::Pow)
      for (float& x : in) x = std::fabs(x);
    in[3] = NAN, in[11] = INFINITY, in[17] = -INFINITY;
    const KernelView iv = view({5, 7}, {1, 5}), ov = view({5, 7}, {14, 2});
    const float p0 = op == UnaryOp::Pow ? 0.5f : op == UnaryOp::Clamp ? -0.5f : 0.3f, p1 = 0.7f;
    std::vector<float> out(70, 0.0f);
    Launch launch({2}, {16}, 0);
    const simt::Report r = launch.run([&, g_in = launch.global(in), g_out = launch.global(out)](ThreadCtx& c) {
      cuda::unary_map(c, op, g_in, iv, g_out, ov, p0, p1);
    });
    EXPECT_TRUE(r.clean()) << r.str();
    RefBuffer ri(in), ro(std::vector<float>(70, 0.0f));
    ri.be.unary(op, strided(ro.p, ov), strided(ri.p, iv), p0, p1);
    expect_close(out, ro.host(), 1e-10, "unary_map");
  }
}

TEST(SimtKernels, RowSumsMatchTheReferenceAndRerunBitIdentically) {
  Rng rng(4);
  for (int64_t rows : {1, 3, 17})
    for (int64_t cols : {1, 15, 16, 17, 257})
      for (int threads : {8, 32}) {
        SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols) + ", " + std::to_string(threads) + " threads");
        const std::vector<float> in = random_values(static_cast<size_t>(rows * cols), rng);
        const KernelView iv = view({rows, cols}, {cols, 1}), ov = view({rows}, {1});
        std::vector<float> out(static_cast<size_t>(rows), NAN), again(static_cast<size_t>(rows), NAN);
        for (std::vector<float>* o : {&out, &again}) {
          std::vector<float> input = in;
          Launch launch({2}, {threads}, static_cast<size_t>(threads));
          const simt::Report r = launch.run([&, g_in = launch.global(input), g_out = launch.global(*o)](ThreadCtx& c) {
            cuda::reduce_rows_sum(c, g_in, iv, g_out, ov, 0.5f);
          });
          EXPECT_TRUE(r.clean()) << r.str();
        }
        EXPECT_EQ(std::memcmp(out.data(), again.data(), out.size() * sizeof(float)), 0) << "reruns differ";
        RefBuffer ri(in), ro(std::vector<float>(static_cast<size_t>(rows), 0.0f));
        ri.be.reduce(ReduceOp::Sum, {ro.p, {rows, 1}, {1, 1}}, strided(ri.p, iv), 0.5f);
        expect_close(out, ro.host(), 1e-9, "reduce_rows_sum");
      }
}

template <int TILE>
void check_tiled_matmul(int64_t m, int64_t n, int64_t k, bool transposed_a, bool accumulate, Rng& rng) {
  SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + " · " + std::to_string(k) + "x" + std::to_string(n) + ", tile " +
               std::to_string(TILE) + (transposed_a ? ", A transposed" : "") + (accumulate ? ", accumulate" : ""));
  std::vector<float> a = random_values(static_cast<size_t>(m * k), rng), b = random_values(static_cast<size_t>(k * n), rng);
  std::vector<float> c = random_values(static_cast<size_t>(m * n), rng);
  const KernelView av = transposed_a ? view({m, k}, {1, m}) : view({m, k}, {k, 1}), bv = view({k, n}, {n, 1}), cv = view({m, n}, {n, 1});
  const std::vector<float> c0 = c;
  Launch launch({static_cast<int>((n + TILE - 1) / TILE), static_cast<int>((m + TILE - 1) / TILE)}, {TILE, TILE}, 2 * TILE * TILE);
  const simt::Report r = launch.run([&, ga = launch.global(a), gb = launch.global(b), gc = launch.global(c)](ThreadCtx& ctx) {
    cuda::tiled_matmul<TILE>(ctx, ga, av, gb, bv, gc, cv, accumulate);
  });
  EXPECT_TRUE(r.clean()) << r.str();
  RefBuffer ra(a), rb(b), rc(c0);
  ra.be.matmul(strided(rc.p, cv), strided(ra.p, av), strided(rb.p, bv), accumulate);
  expect_close(c, rc.host(), 1e-11, "tiled_matmul");
}

TEST(SimtKernels, TiledMatmulMatchesTheReferenceAtSizesThatAreNotTileMultiples) {
  Rng rng(5);
  check_tiled_matmul<4>(1, 1, 1, false, false, rng);
  check_tiled_matmul<4>(7, 5, 9, false, false, rng);
  check_tiled_matmul<4>(8, 8, 8, true, true, rng);
  check_tiled_matmul<8>(17, 9, 13, true, false, rng);
  check_tiled_matmul<8>(16, 33, 8, false, true, rng);
}

TEST(SimtKernels, BinaryWhereFillGatherAndUnaryBackwardMatchTheReference) {
  Rng rng(8);
  RefBuffer probe(std::vector<float>{0});
  Backend& ref = probe.be;
  // [4, 6] views: a transposed, b broadcast along rows (stride 0), out with gaps.
  const KernelView av = view({4, 6}, {1, 4}), bv = view({4, 6}, {0, 1}), ov = view({4, 6}, {12, 2}), cv = view({4, 6}, {6, 1});
  for (int k = 0; k <= static_cast<int>(BinaryOp::Ne); ++k) {
    const auto op = static_cast<BinaryOp>(k);
    std::vector<float> a = random_values(24, rng), b = random_values(6, rng), out(48, 0.0f);
    a[5] = NAN, b[2] = a[7];  // NaN and a tie
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, ga = launch.global(a), gb = launch.global(b), go = launch.global(out)](ThreadCtx& c) {
                  cuda::binary_map(c, op, go, ov, ga, av, gb, bv);
                }).clean());
    RefBuffer ra(a), rb(b), ro(std::vector<float>(48, 0.0f));
    ref.binary(op, strided(ro.p, ov), strided(ra.p, av), strided(rb.p, bv));
    expect_close(out, ro.host(), 0.0, "binary_map " + std::to_string(k));
  }
  {  // where and fill
    std::vector<float> cond(24), a = random_values(24, rng), b = random_values(6, rng), out(48, 0.0f), filled(48, 0.0f);
    for (float& c : cond) c = static_cast<float>(rng.below(2));
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, gc = launch.global(cond), ga = launch.global(a), gb = launch.global(b), go = launch.global(out),
                            gf = launch.global(filled)](ThreadCtx& c) {
                  cuda::where_map(c, go, ov, gc, cv, ga, av, gb, bv);
                  cuda::fill_map(c, gf, ov, -2.5f);
                }).clean());
    RefBuffer rc(cond), ra(a), rb(b), ro(std::vector<float>(48, 0.0f)), rf(std::vector<float>(48, 0.0f));
    ref.where(strided(ro.p, ov), strided(rc.p, cv), strided(ra.p, av), strided(rb.p, bv));
    ref.fill(strided(rf.p, ov), -2.5f);
    expect_close(out, ro.host(), 0.0, "where_map");
    expect_close(filled, rf.host(), 0.0, "fill_map");
  }
  {  // gather_rows: [5, 3] rows picked by 7 indices, two of them invalid
    std::vector<float> in = random_values(15, rng), index = {4, 0, 2, 2, 5, 1.5f, 3}, out(7 * 3, 0.0f);
    const KernelView iv = view({5, 3}, {3, 1}), xv = view({7}, {1}), gv = view({7, 3}, {3, 1});
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, gi = launch.global(in), gx = launch.global(index), go = launch.global(out)](ThreadCtx& c) {
                  cuda::gather_rows_map(c, go, gv, gi, iv, gx, xv);
                }).clean());
    RefBuffer ri(in), rx(index), ro(std::vector<float>(21, 0.0f));
    ref.gather_rows(strided(ro.p, gv), strided(ri.p, iv), strided(rx.p, xv));
    expect_close(out, ro.host(), 0.0, "gather_rows_map");
  }
  for (int k = 0; k <= static_cast<int>(UnaryOp::NonFinite); ++k) {  // every derivative
    const auto op = static_cast<UnaryOp>(k);
    std::vector<float> x = random_values(24, rng, 0.2f, 2.0f), g = random_values(24, rng), y(24), gin(48, 0.0f);
    const float p0 = op == UnaryOp::Pow ? 3.0f : op == UnaryOp::Clamp ? 0.5f : 0.3f, p1 = 1.5f;
    for (size_t i = 0; i < y.size(); ++i) y[i] = cuda::unary_value(op, x[i], p0, p1);
    const KernelView xv = view({4, 6}, {6, 1});
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, gx = launch.global(x), gg = launch.global(g), gy = launch.global(y), go = launch.global(gin)](ThreadCtx& c) {
                  cuda::unary_backward_map(c, op, go, ov, gg, xv, gx, xv, gy, xv, p0, p1);
                }).clean());
    RefBuffer rx(x), rg(g), ry(y), ro(std::vector<float>(48, 0.0f));
    ref.unary_backward(op, strided(ro.p, ov), strided(rg.p, xv), strided(rx.p, xv), strided(ry.p, xv), p0, p1);
    expect_close(gin, ro.host(), 1e-10, "unary_backward_map " + std::to_string(k));
  }
}

TEST(SimtKernels, SgdAndAdamStepsMatchTheReference) {
  Rng rng(9);
  RefBuffer probe(std::vector<float>{0});
  Backend& ref = probe.be;
  const int64_t n = 37;
  for (int flags = 0; flags < 16; ++flags) {
    Backend::SgdArgs s{0.05f, flags & 1 ? 0.9f : 0.0f, flags & 2 ? 0.2f : 0.0f, flags & 4 ? 0.01f : 0.0f, flags & 8 ? 0.003f : 0.0f,
                       0.002f, (flags & 1) && !(flags & 2), (flags & 3) == 1};
    std::vector<float> p = random_values(n, rng), g = random_values(n, rng), buf = random_values(n, rng);
    p[3] = 0.0f;  // sign(0) for L1
    RefBuffer rp(p), rg(g), rb(buf);
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, gp = launch.global(p), gg = launch.global(g), gb = launch.global(buf)](ThreadCtx& c) {
                  cuda::sgd_step(c, gp, gg, gb, n, s);
                }).clean());
    ref.sgd_step(rp.p, rg.p, rb.p, n, s);
    expect_close(p, rp.host(), 1e-12, "sgd_step flags " + std::to_string(flags));
    if (s.momentum != 0.0f) expect_close(buf, rb.host(), 1e-12, "sgd momentum buffer");
    Backend::AdamArgs a{0.01f, 0.9f, 0.999f, 1e-8f, flags & 4 ? 0.05f : 0.0f, flags & 8 ? 0.003f : 0.0f, flags & 2 ? 0.002f : 0.0f,
                        (flags & 1) != 0, 1 + flags};
    std::vector<float> q = random_values(n, rng), m = random_values(n, rng, -0.1f, 0.1f), v = random_values(n, rng, 0.0f, 0.05f);
    RefBuffer rq(q), rm(m), rv(v);
    const float bc1 = 1.0f - static_cast<float>(std::pow(0.9, a.step)), bc2 = std::sqrt(1.0f - static_cast<float>(std::pow(0.999, a.step)));
    Launch launch2({2}, {16}, 0);
    EXPECT_TRUE(launch2.run([&, gq = launch2.global(q), gg = launch2.global(g), gm = launch2.global(m), gv = launch2.global(v)](ThreadCtx& c) {
                  cuda::adam_step(c, gq, gg, gm, gv, n, a, bc1, bc2);
                }).clean());
    ref.adam_step(rq.p, rg.p, rm.p, rv.p, n, a);
    expect_close(q, rq.host(), 1e-11, "adam_step flags " + std::to_string(flags));
    expect_close(m, rm.host(), 1e-11, "adam m");
    expect_close(v, rv.host(), 1e-11, "adam v");
  }
}

// ---- planted bugs: each must be reported --------------------------------------------------------

enum class Bug { None, MissingBarrier, EarlyReturn, OffByOne };

// A copy of tiled_matmul with one bug planted.
template <int TILE>
void buggy_matmul(ThreadCtx& ctx, Bug bug, CheckedGlobal a, KernelView av, CheckedGlobal b, KernelView bv, CheckedGlobal c, KernelView cv) {
  const int64_t m = cv.shape[0], n = cv.shape[1], k = av.shape[1];
  const int tx = ctx.thread_x(), ty = ctx.thread_y();
  const int64_t row = static_cast<int64_t>(ctx.block_y()) * TILE + ty, col = static_cast<int64_t>(ctx.block_x()) * TILE + tx;
  if (bug == Bug::EarlyReturn && (row >= m || col >= n)) return;  // before the barriers below
  CheckedShared shared = ctx.shared();
  float acc = 0.0f;
  for (int64_t k0 = 0; k0 < k; k0 += TILE) {
    const int64_t ak = k0 + tx, bk = k0 + ty;
    const bool in_a = bug == Bug::OffByOne ? row <= m && ak <= k : row < m && ak < k;
    shared.store(ty * TILE + tx, in_a ? a.load(row * av.strides[0] + ak * av.strides[1]) : 0.0f);
    shared.store(TILE * TILE + ty * TILE + tx, bk < k && col < n ? b.load(bk * bv.strides[0] + col * bv.strides[1]) : 0.0f);
    if (bug != Bug::MissingBarrier) ctx.sync();
    for (int q = 0; q < TILE; ++q) acc += shared.load(ty * TILE + q) * shared.load(TILE * TILE + q * TILE + tx);
    ctx.sync();
  }
  if (row < m && col < n) c.store(row * cv.strides[0] + col * cv.strides[1], acc);
}

simt::Report run_buggy(Bug bug) {
  constexpr int kTile = 4;
  const int64_t m = 6, n = 7, k = 5;  // not tile multiples: edge threads exist
  Rng rng(6);
  std::vector<float> a = random_values(static_cast<size_t>(m * k), rng), b = random_values(static_cast<size_t>(k * n), rng);
  std::vector<float> c(static_cast<size_t>(m * n), 0.0f);
  const KernelView av = view({m, k}, {k, 1}), bv = view({k, n}, {n, 1}), cv = view({m, n}, {n, 1});
  Launch launch({2, 2}, {kTile, kTile}, 2 * kTile * kTile);
  return launch.run([&, ga = launch.global(a), gb = launch.global(b), gc = launch.global(c)](ThreadCtx& ctx) {
    buggy_matmul<kTile>(ctx, bug, ga, av, gb, bv, gc, cv);
  });
}

bool mentions(const simt::Report& r, const std::string& what) { return r.str().find(what) != std::string::npos; }

TEST(SimtEmulator, ReportsEachPlantedBugAndNothingOnTheCorrectKernel) {
  const simt::Report clean = run_buggy(Bug::None);
  EXPECT_TRUE(clean.clean()) << clean.str();

  const simt::Report missing = run_buggy(Bug::MissingBarrier);
  EXPECT_TRUE(mentions(missing, "shared memory race")) << missing.str();

  const simt::Report early = run_buggy(Bug::EarlyReturn);
  EXPECT_TRUE(mentions(early, "divergent barrier")) << early.str();
  EXPECT_TRUE(mentions(early, "read of unwritten shared memory")) << early.str();

  const simt::Report off = run_buggy(Bug::OffByOne);
  EXPECT_TRUE(mentions(off, "global memory index out of range")) << off.str();
  std::printf("what the emulator said:\n-- missing barrier\n%s-- early return\n%s-- off by one\n%s", missing.str().c_str(), early.str().c_str(),
              off.str().c_str());
}

}  // namespace
}  // namespace bp
