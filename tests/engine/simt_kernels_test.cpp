// The CUDA kernel bodies (engine/src/cuda/kernels/) run on the CPU under the SIMT emulator and
// are compared with the reference backend; the emulator must report each kind of kernel bug
// planted in a copy of the tiled matmul, and nothing on the correct kernels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "backend.h"
#include "backprop/backprop.h"
#include "cuda/kernel_backend.h"
#include "cuda/kernels/elementwise.h"
#include "cuda/kernels/loss.h"
#include "cuda/kernels/optim_steps.h"
#include "cuda/kernels/reduce.h"
#include "cuda/kernels/register_matmul.h"
#include "cuda/kernels/tiled_matmul.h"
#include "cuda/kernels/trig.h"
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

// A reduction as the CUDA backend launches it: in [4, 5, 6] (transposed in memory) reduced over
// the dimensions where out's size is 1, by either shape of work.
void check_reduce(ReduceOp op, const std::vector<int64_t>& out_shape, bool columns, int threads, Rng& rng) {
  const std::vector<int64_t> in_shape = {4, 5, 6};
  std::string name = std::string(op == ReduceOp::Sum ? "sum" : "max") + " to [";
  for (int64_t d : out_shape) name += std::to_string(d) + ",";
  SCOPED_TRACE(name + "] " + (columns ? "partials" : "blocks") + ", " + std::to_string(threads) + " threads");
  std::vector<float> in = random_values(120, rng);
  in[17] = op == ReduceOp::Max ? NAN : in[17];
  const KernelView iv = view(in_shape, {1, 4, 20});  // element (i, j, k) at i + 4j + 20k
  const Shape out_dims(out_shape.begin(), out_shape.end()), out_strides = contiguous_strides(out_dims);
  // The split the CUDA backend makes (kernel_backend.h); the expected sums come from the reference.
  const auto [kept, reduced, ov] = cuda::reduction_views({nullptr, out_dims, out_strides}, strided(in.data(), iv));
  const int64_t outputs = kept.numel(), n = reduced.numel();
  std::vector<float> out(static_cast<size_t>(outputs), NAN), again = out;
  for (std::vector<float>* o : {&out, &again}) {
    std::vector<float> input = in;
    if (columns) {
      const int64_t chunks = 3, chunk = (n + chunks - 1) / chunks;
      std::vector<float> scratch(static_cast<size_t>(chunks * outputs), NAN);
      Launch partials({2, static_cast<int>(chunks)}, {threads}, 0);
      EXPECT_TRUE(partials.run([&, gi = partials.global(input), gs = partials.global(scratch)](ThreadCtx& c) {
                    cuda::reduce_partials(c, op, gi, kept, reduced, gs, chunk);
                  }).clean());
      Launch finish({2}, {threads}, 0);
      EXPECT_TRUE(finish.run([&, gs = finish.global(scratch), go = finish.global(*o)](ThreadCtx& c) {
                    cuda::reduce_finish(c, op, gs, outputs, chunks, go, ov, 0.5f);
                  }).clean());
    } else {
      Launch launch({2}, {threads}, static_cast<size_t>(threads));
      const simt::Report r = launch.run([&, gi = launch.global(input), go = launch.global(*o)](ThreadCtx& c) {
        cuda::reduce_blocks(c, op, gi, kept, reduced, go, ov, 0.5f);
      });
      EXPECT_TRUE(r.clean()) << r.str();
    }
  }
  EXPECT_EQ(std::memcmp(out.data(), again.data(), out.size() * sizeof(float)), 0) << "reruns differ";
  RefBuffer ri(in), ro(std::vector<float>(static_cast<size_t>(outputs), 0.0f));
  ri.be.reduce(op, {ro.p, out_dims, out_strides}, strided(ri.p, iv), 0.5f);
  expect_close(out, ro.host(), 1e-9, "reduce");
}

TEST(SimtKernels, ReductionsOverAnyDimensionsMatchTheReferenceAndRerunBitIdentically) {
  Rng rng(4);
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Max})
    for (const std::vector<int64_t>& out : std::vector<std::vector<int64_t>>{{1, 1, 1}, {4, 1, 1}, {1, 5, 6}, {4, 1, 6}, {4, 5, 1}, {4, 5, 6}})
      for (bool columns : {false, true})
        for (int threads : {1, 8, 32}) check_reduce(op, out, columns, threads, rng);
}

TEST(SimtKernels, ArgmaxBceAndTheLinearEpilogueMatchTheReference) {
  Rng rng(12);
  RefBuffer probe(std::vector<float>{0});
  Backend& ref = probe.be;
  {  // argmax of a [3, 4, 5] view along each axis, with ties and a NaN
    std::vector<float> in = random_values(60, rng);
    in[7] = in[8], in[30] = NAN;
    const KernelView iv = view({3, 4, 5}, {20, 5, 1});
    for (int axis = 0; axis < 3; ++axis) {
      KernelView rest, ov;
      std::vector<int64_t> oshape;
      for (int d = 0; d < 3; ++d)
        if (d != axis) rest.push(iv.shape[d], iv.strides[d]), oshape.push_back(iv.shape[d]);
      ov = view(oshape, {oshape[1], 1});
      std::vector<float> out(static_cast<size_t>(rest.numel()), NAN);
      Launch launch({2}, {8}, 0);
      EXPECT_TRUE(launch.run([&, gi = launch.global(in), go = launch.global(out)](ThreadCtx& c) {
                    cuda::argmax_map(c, gi, rest, iv.shape[axis], iv.strides[axis], go, ov);
                  }).clean());
      RefBuffer ri(in), ro(std::vector<float>(out.size(), 0.0f));
      ref.argmax(strided(ro.p, ov), strided(ri.p, iv), axis);
      expect_close(out, ro.host(), 0.0, "argmax axis " + std::to_string(axis));
    }
  }
  for (int64_t n : {0, 1, 37, 1000}) {  // BCE mean and its gradient, z transposed
    std::vector<float> z = random_values(static_cast<size_t>(n), rng, -30, 30), y(static_cast<size_t>(n)), loss = {NAN}, gout = {0.7f};
    for (float& t : y) t = static_cast<float>(rng.below(2));
    const int64_t rows = n == 1000 ? 40 : 1, cols = n / rows;
    const KernelView zv = view({rows, cols}, {1, rows}), yv = view({rows, cols}, {cols, 1});
    Launch launch({1}, {32}, 32);
    EXPECT_TRUE(launch.run([&, gz = launch.global(z), gy = launch.global(y), gl = launch.global(loss)](ThreadCtx& c) {
                  cuda::bce_logits_mean(c, gz, zv, gy, yv, gl);
                }).clean());
    RefBuffer rz(z), ry(y), rl(std::vector<float>{0}), rg(gout);
    ref.bce_logits(rl.p, strided(rz.p, zv), strided(ry.p, yv));
    expect_close(loss, rl.host(), 1e-10, "bce_logits_mean of " + std::to_string(n));
    std::vector<float> gz(static_cast<size_t>(n), NAN);
    const KernelView gv = view({rows, cols}, {cols, 1});
    Launch back({2}, {16}, 0);
    EXPECT_TRUE(back.run([&, gg = back.global(gz), z2 = back.global(z), y2 = back.global(y), go = back.global(gout)](ThreadCtx& c) {
                  cuda::bce_logits_backward_map(c, gg, gv, z2, zv, y2, yv, go, 0.25f);
                }).clean());
    RefBuffer rgz(std::vector<float>(static_cast<size_t>(n), 0.0f));
    if (n) ref.bce_logits_backward(strided(rgz.p, gv), strided(rz.p, zv), strided(ry.p, yv), rg.p, 0.25f);
    expect_close(gz, rgz.host(), 1e-12, "bce_logits_backward_map");
  }
  for (int mode = 0; mode < 4; ++mode) {  // bias and ReLU after a product, against linear()
    const bool has_bias = mode & 1, relu = mode & 2;
    std::vector<float> x = random_values(5 * 3, rng), wt = random_values(3 * 7, rng), bias = random_values(7, rng), out(5 * 7, 0.0f);
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = 0; j < 7; ++j)
        for (int64_t q = 0; q < 3; ++q) out[static_cast<size_t>(i * 7 + j)] += x[static_cast<size_t>(i * 3 + q)] * wt[static_cast<size_t>(q * 7 + j)];
    const KernelView ov = view({5, 7}, {7, 1});
    Launch launch({2}, {16}, 0);
    EXPECT_TRUE(launch.run([&, go = launch.global(out), gb = launch.global(bias)](ThreadCtx& c) {
                  cuda::bias_activation_map(c, go, ov, gb, has_bias, relu);
                }).clean());
    RefBuffer rx(x), rw(wt), rb(bias), ro(std::vector<float>(35, 0.0f));
    ref.linear(strided(ro.p, ov), strided(rx.p, view({5, 3}, {3, 1})), strided(rw.p, view({3, 7}, {7, 1})), has_bias ? rb.p : nullptr, relu);
    expect_close(out, ro.host(), 1e-11, "bias_activation_map mode " + std::to_string(mode));
  }
}

TEST(SimtKernels, SinAndCosAreRoundedFromTheDoublePrecisionValues) {
  // Within one float ulp of sin and cos in double (the polynomial's error is far below the
  // float rounding), over the ranges training sees and far beyond, and at multiples of π/2.
  Rng rng(13);
  std::vector<float> xs = {0.0f, -0.0f, 1e-30f, 1.5707964f, 3.1415927f, 4.712389f, 6.2831855f, 1e4f, 12345.678f, 1e6f, 3e8f, 1e12f};
  for (int i = 0; i < 20000; ++i) xs.push_back(rng.uniform(-20, 20));
  for (int i = 0; i < 2000; ++i) xs.push_back(std::ldexp(rng.uniform(0.5f, 1.0f), static_cast<int>(rng.below(80)) - 40));
  int not_nearest = 0;
  for (float x : xs) {
    for (int which = 0; which < 2; ++which) {
      const double want = which ? std::cos(static_cast<double>(x)) : std::sin(static_cast<double>(x));
      const float got = which ? cuda::cos_f(x) : cuda::sin_f(x), nearest = static_cast<float>(want);
      ASSERT_LE(std::abs(static_cast<double>(got) - want), std::abs(static_cast<double>(std::nextafter(nearest, 2.0f)) - nearest))
          << (which ? "cos(" : "sin(") << x << ") = " << got << ", want " << want;
      not_nearest += got != nearest;
    }
  }
  EXPECT_LE(not_nearest, 2) << "results not the float nearest to the double value";
  EXPECT_TRUE(std::isnan(cuda::sin_f(INFINITY)) && std::isnan(cuda::cos_f(-INFINITY)) && std::isnan(cuda::sin_f(NAN)));
  EXPECT_EQ(cuda::sin_f(0.0f), 0.0f);
  EXPECT_EQ(cuda::cos_f(0.0f), 1.0f);
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

void check_register_matmul(int64_t m, int64_t n, int64_t k, bool transposed_b, bool accumulate, Rng& rng) {
  SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + " · " + std::to_string(k) + "x" + std::to_string(n) + (transposed_b ? ", B transposed" : "") +
               (accumulate ? ", accumulate" : ""));
  std::vector<float> a = random_values(static_cast<size_t>(m * k), rng), b = random_values(static_cast<size_t>(k * n), rng);
  std::vector<float> c = random_values(static_cast<size_t>(m * n + 3), rng);
  const KernelView av = view({m, k}, {k, 1}), bv = transposed_b ? view({k, n}, {1, k}) : view({k, n}, {n, 1}), cv = view({m, n}, {n, 1}, 3);
  const std::vector<float> c0 = c;
  using cuda::kRegTile;
  Launch launch({static_cast<int>((n + kRegTile - 1) / kRegTile), static_cast<int>((m + kRegTile - 1) / kRegTile)},
                {cuda::kRegThreads, cuda::kRegThreads}, 2 * cuda::kRegK * kRegTile);
  const simt::Report r = launch.run([&, ga = launch.global(a), gb = launch.global(b), gc = launch.global(c)](ThreadCtx& ctx) {
    cuda::register_matmul(ctx, ga, av, gb, bv, gc, cv, accumulate);
  });
  EXPECT_TRUE(r.clean()) << r.str();
  RefBuffer ra(a), rb(b), rc(c0);
  ra.be.matmul(strided(rc.p, cv), strided(ra.p, av), strided(rb.p, bv), accumulate);
  std::vector<float> want = rc.host();
  EXPECT_EQ(c[0], c0[0]);  // nothing written before the view
  expect_close(std::vector<float>(c.begin() + 3, c.end()), std::vector<float>(want.begin() + 3, want.end()), 1e-11, "register_matmul");
}

TEST(SimtKernels, RegisterTiledMatmulMatchesTheReferenceAtSizesThatAreNotTileMultiples) {
  Rng rng(14);
  check_register_matmul(1, 1, 1, false, false, rng);
  check_register_matmul(70, 65, 17, false, true, rng);   // two blocks each way, a partial k slice
  check_register_matmul(64, 64, 32, true, false, rng);  // exact tiles, B transposed
  check_register_matmul(5, 130, 0, false, true, rng);   // k = 0: C unchanged when accumulating
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
