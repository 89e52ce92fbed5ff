// The CUDA backend's host logic, written once over a runtime: how each Backend operation becomes
// kernel launches (launch shapes, views split for reductions, batches and Linear layers turned
// into GEMMs). Plain C++ with no CUDA header, so that it runs two ways:
// - on a GPU, over CudaContext (cuda_context.h): launches go to the GPU's stream, memory is
//   device memory, GEMMs go to cuBLAS when it can take them;
// - in the tests, over the SIMT emulator's runtime (tests/engine/emulated_cuda.h): every launch
//   runs its kernel body on the CPU with checked memory, so the backend_ops conformance suite
//   checks this file and the kernels together against the reference backend without a GPU.
//
// A runtime provides: device(), description(), enter(), allocate(count) (throws DeviceError when
// out of memory), deallocate(p, count), to_host, from_host, launch(name, LaunchShape, kernel)
// with a kernel struct of kernels/launches.h, and blas_gemm(c, a, b, accumulate), false when it
// cannot take that product (no cuBLAS, a view cuBLAS cannot read, or the built-in kernels chosen).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "../backend.h"
#include "backprop/device.h"
#include "kernels/launches.h"

namespace bp::cuda {

struct LaunchShape {
  int grid_x = 1, grid_y = 1, block_x = 1, block_y = 1;
  size_t shared_floats = 0;
};

/// A matrix: rows × cols with element strides (rs, cs).
struct MatrixView {
  float* data;
  int64_t rows, cols, rs, cs;
};

inline KernelView kernel_view(const StridedView& v) {
  KernelView k;
  k.rank = v.shape.size();
  int64_t expect = 1;
  k.contiguous = true;
  for (int d = k.rank - 1; d >= 0; --d) {
    k.shape[d] = v.shape[d], k.strides[d] = v.strides[d];
    if (v.shape[d] != 1 && v.strides[d] != expect) k.contiguous = false;
    expect *= v.shape[d];
  }
  return k;
}

inline KernelView matrix_kernel_view(const MatrixView& m) {
  KernelView v;
  v.push(m.rows, m.rs);
  v.push(m.cols, m.cs);
  return v;
}

/// A reduction of `in` to `out` (out has size 1 where in is reduced) as reduce.h's kernels take
/// it: kept (in's dimensions that out keeps, with in's strides), reduced (the rest) and ov (out's
/// kept dimensions with out's strides).
struct ReductionViews {
  KernelView kept, reduced, ov;
};
inline ReductionViews reduction_views(const StridedView& out, const StridedView& in) {
  ReductionViews r;
  for (int d = 0; d < in.shape.size(); ++d) {
    if (out.shape[d] == 1 && in.shape[d] != 1) {
      r.reduced.push(in.shape[d], in.strides[d]);
    } else {
      r.kept.push(in.shape[d], in.strides[d]);
      r.ov.push(out.shape[d], out.strides[d]);
    }
  }
  return r;
}

/// The smallest power of two at least n, at most cap (a block size for a tree reduction).
inline int pow2_block(int64_t n, int cap) {
  int b = 1;
  while (b < cap && b < n) b *= 2;
  return b;
}

template <class Runtime>
class KernelBackend final : public Backend {
 public:
  template <class... Args>
  explicit KernelBackend(Args&&... args) : rt_(std::forward<Args>(args)...) {}
  Runtime& runtime() { return rt_; }

  Device device() const override { return rt_.device(); }
  std::string description() const override { return rt_.description(); }

  float* allocate(size_t count) override {
    rt_.enter();
    return rt_.allocate(count);
  }
  void deallocate(float* p, size_t count) override { rt_.deallocate(p, count); }
  void to_host(float* host, const float* src, size_t count) override {
    if (!count) return;
    rt_.enter();
    rt_.to_host(host, src, count);
  }
  void from_host(float* dst, const float* host, size_t count) override {
    if (!count) return;
    rt_.enter();
    rt_.from_host(dst, host, count);
  }

  void fill(const StridedView& out, float value) override {
    if (const int64_t n = out.shape.numel()) launch("fill", elementwise(n), FillLaunch{out.data, kernel_view(out), value});
  }
  void unary(UnaryOp op, const StridedView& out, const StridedView& in, float p0, float p1) override {
    if (const int64_t n = out.shape.numel())
      launch("unary_map", elementwise(n), UnaryLaunch{op, in.data, kernel_view(in), out.data, kernel_view(out), p0, p1});
  }
  void unary_backward(UnaryOp op, const StridedView& gin, const StridedView& gout, const StridedView& x, const StridedView& y, float p0,
                      float p1) override {
    if (const int64_t n = gin.shape.numel())
      launch("unary_backward_map", elementwise(n),
             UnaryBackwardLaunch{op, gin.data, kernel_view(gin), gout.data, x.data, y.data, kernel_view(gout), kernel_view(x), kernel_view(y),
                                 p0, p1});
  }
  void binary(BinaryOp op, const StridedView& out, const StridedView& a, const StridedView& b) override {
    if (const int64_t n = out.shape.numel())
      launch("binary_map", elementwise(n), BinaryLaunch{op, out.data, kernel_view(out), a.data, b.data, kernel_view(a), kernel_view(b)});
  }
  void where(const StridedView& out, const StridedView& cond, const StridedView& a, const StridedView& b) override {
    if (const int64_t n = out.shape.numel())
      launch("where_map", elementwise(n),
             WhereLaunch{out.data, kernel_view(out), cond.data, a.data, b.data, kernel_view(cond), kernel_view(a), kernel_view(b)});
  }

  void reduce(ReduceOp op, const StridedView& out, const StridedView& in, float scale) override {
    const auto [kept, reduced, ov] = reduction_views(out, in);
    const int64_t outputs = kept.numel(), n = reduced.numel();
    if (!outputs) return;
    // Many outputs adjacent in memory (a column sum): a thread per output and chunk, then one
    // per output over its chunks. Otherwise a block per output.
    const bool columns = outputs >= 256 && kept.rank > 0 && kept.strides[kept.rank - 1] == 1 && n > 1;
    if (columns) {
      const int64_t chunks = std::clamp<int64_t>((int64_t{1} << 16) / outputs, 1, std::min<int64_t>(65535, (n + 15) / 16));
      const int64_t chunk = (n + chunks - 1) / chunks;
      Scratch scratch(*this, static_cast<size_t>(chunks * outputs));
      LaunchShape s;
      s.grid_x = static_cast<int>(std::min<int64_t>((outputs + kThreads - 1) / kThreads, 1 << 16));
      s.grid_y = static_cast<int>(chunks);
      s.block_x = kThreads;
      launch("reduce_partials", s, ReducePartialsLaunch{op, in.data, kept, reduced, scratch.p, chunk});
      launch("reduce_finish", elementwise(outputs), ReduceFinishLaunch{op, scratch.p, outputs, chunks, out.data, ov, scale});
    } else {
      LaunchShape s;
      s.block_x = pow2_block(n, kThreads);
      s.grid_x = static_cast<int>(std::min<int64_t>(outputs, 1 << 20));
      s.shared_floats = static_cast<size_t>(s.block_x);
      launch("reduce_blocks", s, ReduceBlocksLaunch{op, in.data, kept, reduced, out.data, ov, scale});
    }
  }
  void argmax(const StridedView& out, const StridedView& in, int axis) override {
    KernelView rest;  // in without the axis
    for (int d = 0; d < in.shape.size(); ++d)
      if (d != axis) rest.push(in.shape[d], in.strides[d]);
    if (const int64_t outputs = rest.numel())
      launch("argmax_map", elementwise(outputs), ArgmaxLaunch{in.data, rest, in.shape[axis], in.strides[axis], out.data, kernel_view(out)});
  }
  void gather_rows(const StridedView& out, const StridedView& in, const StridedView& index) override {
    if (const int64_t n = out.shape.numel())
      launch("gather_rows_map", elementwise(n), GatherRowsLaunch{out.data, kernel_view(out), in.data, index.data, kernel_view(in), kernel_view(index)});
  }

  void matmul(const StridedView& out, const StridedView& a, const StridedView& b, bool accumulate) override {
    const int nd = out.shape.size();
    const int64_t m = out.shape[nd - 2], n = out.shape[nd - 1], k = a.shape[nd - 1];
    int64_t batches = 1;
    for (int d = 0; d < nd - 2; ++d) batches *= out.shape[d];
    for (int64_t t = 0; t < batches; ++t) {
      int64_t rest = t, oo = 0, ao = 0, bo = 0;  // each batch's element offset in the three views
      for (int d = nd - 3; d >= 0; --d) {
        const int64_t i = rest % out.shape[d];
        rest /= out.shape[d];
        oo += i * out.strides[d], ao += i * a.strides[d], bo += i * b.strides[d];
      }
      gemm({out.data + oo, m, n, out.strides[nd - 2], out.strides[nd - 1]}, {a.data + ao, m, k, a.strides[nd - 2], a.strides[nd - 1]},
           {b.data + bo, k, n, b.strides[nd - 2], b.strides[nd - 1]}, accumulate);
    }
  }
  void linear(const StridedView& out, const StridedView& x, const StridedView& wt, const float* bias, bool relu) override {
    const int64_t rows = out.shape[0], cols = out.shape[1];
    if (!rows || !cols) return;
    gemm({out.data, rows, cols, out.strides[0], out.strides[1]}, {x.data, rows, x.shape[1], x.strides[0], x.strides[1]},
         {wt.data, wt.shape[0], cols, wt.strides[0], wt.strides[1]}, false);
    if (bias || relu)
      launch("bias_activation_map", elementwise(rows * cols), BiasActivationLaunch{out.data, kernel_view(out), bias, relu});
  }
  void linear_backward(const StridedView* gx, float* gw, float* gb, const StridedView& gy, const StridedView& x, const StridedView& w) override {
    const int64_t rows = gy.shape[0], outs = gy.shape[1], ins = x.shape[1];
    if (gx)  // gx = gy·w
      gemm({gx->data, rows, ins, gx->strides[0], gx->strides[1]}, {gy.data, rows, outs, gy.strides[0], gy.strides[1]},
           {w.data, outs, ins, w.strides[0], w.strides[1]}, false);
    if (gw)  // gw = gyᵀ·x
      gemm({gw, outs, ins, ins, 1}, {gy.data, outs, rows, gy.strides[1], gy.strides[0]}, {x.data, rows, ins, x.strides[0], x.strides[1]}, false);
    if (gb) reduce(ReduceOp::Sum, {gb, {1, outs}, {outs, 1}}, gy, 1.0f);  // column sums
  }
  void bce_logits(float* out, const StridedView& z, const StridedView& y) override {
    LaunchShape s;  // one block: up to 1024 threads, a power of two
    s.block_x = pow2_block(z.shape.numel(), 1024);
    s.shared_floats = static_cast<size_t>(s.block_x);
    launch("bce_logits_mean", s, BceMeanLaunch{z.data, y.data, kernel_view(z), kernel_view(y), out});
  }
  void bce_logits_backward(const StridedView& gz, const StridedView& z, const StridedView& y, const float* gout, float scale) override {
    if (const int64_t n = gz.shape.numel())
      launch("bce_logits_backward_map", elementwise(n),
             BceBackwardLaunch{gz.data, kernel_view(gz), z.data, y.data, gout, kernel_view(z), kernel_view(y), scale});
  }
  void sgd_step(float* param, const float* grad, float* buf, size_t n, const SgdArgs& args) override {
    if (n) launch("sgd_step", elementwise(static_cast<int64_t>(n)), SgdLaunch{param, grad, buf, static_cast<int64_t>(n), args});
  }
  void adam_step(float* param, const float* grad, float* m, float* v, size_t n, const AdamArgs& a) override {
    if (!n) return;
    // As the CPU backend: the bias corrections in double, rounded once.
    const float bc1 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta1), static_cast<double>(a.step)));
    const float bc2 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta2), static_cast<double>(a.step)));
    launch("adam_step", elementwise(static_cast<int64_t>(n)), AdamLaunch{param, grad, m, v, static_cast<int64_t>(n), a, bc1, std::sqrt(bc2)});
  }

 private:
  static constexpr int kThreads = 256;

  // Scratch memory for one call; back to the allocator's cache at the end of the scope (stream
  // order makes reuse by later launches safe).
  struct Scratch {
    KernelBackend& be;
    size_t count;
    float* p;
    Scratch(KernelBackend& b, size_t n) : be(b), count(n), p(b.rt_.allocate(n)) {}
    ~Scratch() { be.rt_.deallocate(p, count); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
  };

  static LaunchShape elementwise(int64_t n) {
    LaunchShape s;
    s.grid_x = static_cast<int>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, 1 << 16));
    s.block_x = kThreads;
    return s;
  }

  template <class K>
  void launch(const char* name, const LaunchShape& s, const K& kernel) {
    rt_.enter();
    rt_.launch(name, s, kernel);
  }

  // C = A·B (+ C): cuBLAS when the runtime can, else the built-in kernel cuda_options() picks.
  void gemm(const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate) {
    if (c.rows == 0 || c.cols == 0) return;
    rt_.enter();
    const CudaOptions o = cuda_options();
    if (o.gemm != CudaGemm::SharedTiled && o.gemm != CudaGemm::RegisterTiled && rt_.blas_gemm(c, a, b, accumulate, o.tf32)) return;
    const bool teaching = o.gemm == CudaGemm::SharedTiled;
    const int tile = teaching ? 16 : kRegTile;
    // The grid's y dimension is at most 65535 blocks: taller products go in bands of rows.
    const int64_t band = int64_t{65535} * tile;
    for (int64_t r0 = 0; r0 < c.rows; r0 += band) {
      const int64_t rows = std::min(band, c.rows - r0);
      const MatrixView cb{c.data + r0 * c.rs, rows, c.cols, c.rs, c.cs}, ab{a.data + r0 * a.rs, rows, a.cols, a.rs, a.cs};
      LaunchShape s;
      s.grid_x = static_cast<int>((c.cols + tile - 1) / tile);
      s.grid_y = static_cast<int>((rows + tile - 1) / tile);
      if (teaching) {
        s.block_x = s.block_y = 16;
        s.shared_floats = 2 * 16 * 16;
        rt_.launch("tiled_matmul", s,
                   MatmulLaunch<true>{ab.data, b.data, matrix_kernel_view(ab), matrix_kernel_view(b), cb.data, matrix_kernel_view(cb), accumulate});
      } else {
        s.block_x = s.block_y = kRegThreads;
        s.shared_floats = 2 * kRegK * kRegTile;
        rt_.launch("register_matmul", s,
                   MatmulLaunch<false>{ab.data, b.data, matrix_kernel_view(ab), matrix_kernel_view(b), cb.data, matrix_kernel_view(cb), accumulate});
      }
    }
  }

  mutable Runtime rt_;
};

}  // namespace bp::cuda
