// Each kernel launch of the CUDA backend as a small struct: the arguments of one kernel body of
// this folder and a call operator that runs the body for one thread. The backend
// (../kernel_backend.h) fills them in and hands them to its runtime: on a GPU a single
// templated __global__ function runs them (mem(p) gives a raw pointer); in the tests the SIMT
// emulator does (mem(p) gives a bounds-checked handle on p's allocation). kBarriers says whether
// the body calls __syncthreads (the emulator runs barrier-free kernels thread after thread);
// kBlockStride, for those that do, whether their blocks stride over the work (any grid size
// is correct: the emulator runs such kernels on a few blocks, each playing many).
#pragma once
#include "../../backend.h"
#include "elementwise.h"
#include "loss.h"
#include "optim_steps.h"
#include "reduce.h"
#include "register_matmul.h"
#include "tiled_matmul.h"

namespace bp::cuda {

struct FillLaunch {
  static constexpr bool kBarriers = false;
  float* out;
  KernelView ov;
  float value;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { fill_map(c, mem(out), ov, value); }
};

struct UnaryLaunch {
  static constexpr bool kBarriers = false;
  UnaryOp op;
  const float* in;
  KernelView iv;
  float* out;
  KernelView ov;
  float p0, p1;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { unary_map(c, op, mem(in), iv, mem(out), ov, p0, p1); }
};

struct UnaryBackwardLaunch {
  static constexpr bool kBarriers = false;
  UnaryOp op;
  float* gin;
  KernelView giv;
  const float *gout, *x, *y;
  KernelView gv, xv, yv;
  float p0, p1;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const {
    unary_backward_map(c, op, mem(gin), giv, mem(gout), gv, mem(x), xv, mem(y), yv, p0, p1);
  }
};

struct BinaryLaunch {
  static constexpr bool kBarriers = false;
  BinaryOp op;
  float* out;
  KernelView ov;
  const float *a, *b;
  KernelView av, bv;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { binary_map(c, op, mem(out), ov, mem(a), av, mem(b), bv); }
};

struct WhereLaunch {
  static constexpr bool kBarriers = false;
  float* out;
  KernelView ov;
  const float *cond, *a, *b;
  KernelView cv, av, bv;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { where_map(c, mem(out), ov, mem(cond), cv, mem(a), av, mem(b), bv); }
};

struct ReduceBlocksLaunch {
  static constexpr bool kBarriers = true, kBlockStride = true;
  ReduceOp op;
  const float* in;
  KernelView kept, reduced;
  float* out;
  KernelView ov;
  float scale;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { reduce_blocks(c, op, mem(in), kept, reduced, mem(out), ov, scale); }
};

struct ReducePartialsLaunch {
  static constexpr bool kBarriers = false;
  ReduceOp op;
  const float* in;
  KernelView kept, reduced;
  float* scratch;
  int64_t chunk;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { reduce_partials(c, op, mem(in), kept, reduced, mem(scratch), chunk); }
};

struct ReduceFinishLaunch {
  static constexpr bool kBarriers = false;
  ReduceOp op;
  const float* scratch;
  int64_t outputs, chunks;
  float* out;
  KernelView ov;
  float scale;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { reduce_finish(c, op, mem(scratch), outputs, chunks, mem(out), ov, scale); }
};

struct ArgmaxLaunch {
  static constexpr bool kBarriers = false;
  const float* in;
  KernelView rest;
  int64_t len, axis_stride;
  float* out;
  KernelView ov;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { argmax_map(c, mem(in), rest, len, axis_stride, mem(out), ov); }
};

struct GatherRowsLaunch {
  static constexpr bool kBarriers = false;
  float* out;
  KernelView ov;
  const float *in, *index;
  KernelView iv, xv;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { gather_rows_map(c, mem(out), ov, mem(in), iv, mem(index), xv); }
};

struct BiasActivationLaunch {
  static constexpr bool kBarriers = false;
  float* out;
  KernelView ov;
  const float* bias;  // null: none
  bool relu;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const {
    bias_activation_map(c, mem(out), ov, mem(bias ? bias : out), bias != nullptr, relu);
  }
};

struct BceMeanLaunch {
  static constexpr bool kBarriers = true, kBlockStride = true;
  const float *z, *y;
  KernelView zv, yv;
  float* out;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { bce_logits_mean(c, mem(z), zv, mem(y), yv, mem(out)); }
};

struct BceBackwardLaunch {
  static constexpr bool kBarriers = false;
  float* gz;
  KernelView gv;
  const float *z, *y, *gout;
  KernelView zv, yv;
  float scale;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const {
    bce_logits_backward_map(c, mem(gz), gv, mem(z), zv, mem(y), yv, mem(gout), scale);
  }
};

struct SgdLaunch {
  static constexpr bool kBarriers = false;
  float* p;
  const float* g;
  float* buf;
  int64_t n;
  Backend::SgdArgs args;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { sgd_step(c, mem(p), mem(g), mem(buf ? buf : p), n, args); }
};

struct AdamLaunch {
  static constexpr bool kBarriers = false;
  float* p;
  const float* g;
  float *m, *v;
  int64_t n;
  Backend::AdamArgs args;
  float bc1, bc2_sqrt;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& c, const Mem& mem) const { adam_step(c, mem(p), mem(g), mem(m), mem(v), n, args, bc1, bc2_sqrt); }
};

/// C = A·B (+ C) for 2-d views; TEACHING picks MiniTorch's 16×16 kernel, else the register-tiled one.
template <bool TEACHING>
struct MatmulLaunch {
  static constexpr bool kBarriers = true, kBlockStride = false;  // a block per tile of C
  const float *a, *b;
  KernelView av, bv;
  float* c;
  KernelView cv;
  bool accumulate;
  template <class Ctx, class Mem>
  BP_HOST_DEVICE void operator()(Ctx& ctx, const Mem& mem) const {
    if constexpr (TEACHING)
      tiled_matmul<16>(ctx, mem(a), av, mem(b), bv, mem(c), cv, accumulate);
    else
      register_matmul(ctx, mem(a), av, mem(b), bv, mem(c), cv, accumulate);
  }
};

}  // namespace bp::cuda
