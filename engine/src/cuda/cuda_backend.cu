// The CUDA backend: every Backend operation as kernels on one stream per GPU. The kernel bodies
// live in kernels/ (host-device templates, also run on the CPU under the tests' SIMT emulator);
// this file decides launch shapes, splits views for reductions, and checks every call.
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "backprop/errors.h"
#include "cuda/availability.h"
#include "cuda/cuda_context.h"
#include "cuda/device_ctx.cuh"
#include "cuda/kernels/elementwise.h"
#include "cuda/kernels/loss.h"
#include "cuda/kernels/optim_steps.h"
#include "cuda/kernels/reduce.h"

#ifndef BACKPROP_CUDA_ARCHITECTURES
#define BACKPROP_CUDA_ARCHITECTURES "?"
#endif

namespace bp::cuda {

// ---- kernels: the bodies of kernels/ on the device ------------------------------------------

__global__ void fill_kernel(DevicePointer o, KernelView ov, float value) {
  DeviceCtx c;
  fill_map(c, o, ov, value);
}
__global__ void unary_kernel(UnaryOp op, DevicePointer in, KernelView iv, DevicePointer out, KernelView ov, float p0, float p1) {
  DeviceCtx c;
  unary_map(c, op, in, iv, out, ov, p0, p1);
}
__global__ void unary_backward_kernel(UnaryOp op, DevicePointer gi, KernelView giv, DevicePointer g, KernelView gv, DevicePointer x,
                                      KernelView xv, DevicePointer y, KernelView yv, float p0, float p1) {
  DeviceCtx c;
  unary_backward_map(c, op, gi, giv, g, gv, x, xv, y, yv, p0, p1);
}
__global__ void binary_kernel(BinaryOp op, DevicePointer o, KernelView ov, DevicePointer a, KernelView av, DevicePointer b, KernelView bv) {
  DeviceCtx c;
  binary_map(c, op, o, ov, a, av, b, bv);
}
__global__ void where_kernel(DevicePointer o, KernelView ov, DevicePointer cd, KernelView cv, DevicePointer a, KernelView av, DevicePointer b,
                             KernelView bv) {
  DeviceCtx c;
  where_map(c, o, ov, cd, cv, a, av, b, bv);
}
__global__ void reduce_blocks_kernel(ReduceOp op, DevicePointer in, KernelView kept, KernelView reduced, DevicePointer out, KernelView ov,
                                     float scale) {
  DeviceCtx c;
  reduce_blocks(c, op, in, kept, reduced, out, ov, scale);
}
__global__ void reduce_partials_kernel(ReduceOp op, DevicePointer in, KernelView kept, KernelView reduced, DevicePointer scratch, int64_t chunk) {
  DeviceCtx c;
  reduce_partials(c, op, in, kept, reduced, scratch, chunk);
}
__global__ void reduce_finish_kernel(ReduceOp op, DevicePointer scratch, int64_t outputs, int64_t chunks, DevicePointer out, KernelView ov,
                                     float scale) {
  DeviceCtx c;
  reduce_finish(c, op, scratch, outputs, chunks, out, ov, scale);
}
__global__ void argmax_kernel(DevicePointer in, KernelView rest, int64_t len, int64_t axis_stride, DevicePointer out, KernelView ov) {
  DeviceCtx c;
  argmax_map(c, in, rest, len, axis_stride, out, ov);
}
__global__ void gather_rows_kernel(DevicePointer o, KernelView ov, DevicePointer in, KernelView iv, DevicePointer x, KernelView xv) {
  DeviceCtx c;
  gather_rows_map(c, o, ov, in, iv, x, xv);
}
__global__ void bias_activation_kernel(DevicePointer o, KernelView ov, DevicePointer bias, bool has_bias, bool relu) {
  DeviceCtx c;
  bias_activation_map(c, o, ov, bias, has_bias, relu);
}
__global__ void bce_mean_kernel(DevicePointer z, KernelView zv, DevicePointer y, KernelView yv, DevicePointer out) {
  DeviceCtx c;
  bce_logits_mean(c, z, zv, y, yv, out);
}
__global__ void bce_backward_kernel(DevicePointer gz, KernelView gv, DevicePointer z, KernelView zv, DevicePointer y, KernelView yv,
                                    DevicePointer gout, float scale) {
  DeviceCtx c;
  bce_logits_backward_map(c, gz, gv, z, zv, y, yv, gout, scale);
}
__global__ void sgd_kernel(DevicePointer p, DevicePointer g, DevicePointer b, int64_t n, Backend::SgdArgs a) {
  DeviceCtx c;
  sgd_step(c, p, g, b, n, a);
}
__global__ void adam_kernel(DevicePointer p, DevicePointer g, DevicePointer m, DevicePointer v, int64_t n, Backend::AdamArgs a, float bc1,
                            float bc2_sqrt) {
  DeviceCtx c;
  adam_step(c, p, g, m, v, n, a, bc1, bc2_sqrt);
}

// ---- the context ------------------------------------------------------------------------------

KernelView kernel_view(const StridedView& v) {
  KernelView k;
  k.rank = v.shape.size();
  for (int d = 0; d < k.rank; ++d) k.shape[d] = v.shape[d], k.strides[d] = v.strides[d];
  return k;
}

namespace {

std::string error_text(cudaError_t e) { return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e); }

// Errors after which the context cannot be used again (CUDA's "sticky" errors).
bool poisons_context(cudaError_t e) {
  const int code = static_cast<int>(e);
  return (code >= 700 && code < 800) || e == cudaErrorECCUncorrectable;
}

}  // namespace

CudaContext::CudaContext(int index, const CublasLibrary* cublas)
    : index_(index),
      cublas_(cublas),
      memory_([index](size_t bytes) -> void* {
        void* p = nullptr;
        cudaSetDevice(index);
        if (cudaMalloc(&p, bytes) != cudaSuccess) {
          cudaGetLastError();  // out of memory is not sticky: clear it
          return nullptr;
        }
        return p;
      },
              [index](void* p) {
                cudaSetDevice(index);
                cudaFree(p);
              }) {
  const char* s = std::getenv("BACKPROP_CUDA_SYNC");
  sync_each_launch_ = s && std::strcmp(s, "1") == 0;
  check(cudaSetDevice(index), "cudaSetDevice");
  check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  if (cublas_) {
    if (cublas_->create(&blas_) != CUBLAS_STATUS_SUCCESS) {
      std::fprintf(stderr, "%s\n", cublas_missing_warning(CublasLibrary::file_name(), "cublasCreate failed").c_str());
      blas_ = nullptr;
      cublas_ = nullptr;
    } else {
      check_blas(cublas_->set_stream(blas_, stream_), "cublasSetStream");
    }
  }
}

CudaContext::~CudaContext() {
  // The process is exiting (contexts live until then): give memory back only if the GPU is sane.
  if (poisoned_) return;
  cudaSetDevice(index_);
  cudaStreamSynchronize(stream_);
  memory_.release_cached();
  if (blas_) cublas_->destroy(blas_);
  if (stream_) cudaStreamDestroy(stream_);
}

void CudaContext::enter() {
  if (poisoned_) throw DeviceError(poison_);
  cudaSetDevice(index_);
}

void CudaContext::check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  const std::string where = "cuda:" + std::to_string(index_);
  if (poisons_context(e)) {
    if (!poisoned_.exchange(true))
      poison_ = "CUDA failed on " + where + " in " + what + " (" + error_text(e) +
                "); the GPU context is unusable now: save what you can and restart the program";
    throw DeviceError(poison_);
  }
  cudaGetLastError();  // clear a non-sticky error so that later calls report their own
  if (e == cudaErrorMemoryAllocation)
    throw DeviceError("out of GPU memory on " + where + " in " + what + "; try a smaller batch or model, or --device cpu");
  throw DeviceError("CUDA call " + std::string(what) + " failed on " + where + ": " + error_text(e));
}

void CudaContext::launched(const char* kernel) {
  check(cudaGetLastError(), kernel);
  if (sync_each_launch_) check(cudaStreamSynchronize(stream_), kernel);
}

void CudaContext::check_blas(cublasStatus_t s, const char* what) {
  if (s == CUBLAS_STATUS_SUCCESS) return;
  throw DeviceError(std::string(what) + " failed on cuda:" + std::to_string(index_) + ": " + cublas_->status_string(s));
}

Scratch::Scratch(CudaContext& ctx, size_t count)
    : ctx_(ctx), count_(count), p_(static_cast<float*>(ctx.memory().allocate(count * sizeof(float)))) {
  if (!p_) throw DeviceError("out of GPU memory on cuda:" + std::to_string(ctx.index()) + " for scratch space");
}

// ---- the backend ------------------------------------------------------------------------------

namespace {

constexpr int kThreads = 256;

dim3 grid_for(int64_t n) { return dim3(static_cast<unsigned>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, 1 << 16))); }

int pow2_at_most(int64_t n, int cap) {
  int t = 1;
  while (t < cap && t < n) t *= 2;
  return t;
}

DevicePointer dp(const StridedView& v) { return {v.data}; }
DevicePointer dp(float* p) { return {p}; }
DevicePointer dp(const float* p) { return {const_cast<float*>(p)}; }

class CudaBackend final : public Backend {
 public:
  CudaBackend(int index, const ProbeFacts& facts, const CublasLibrary* cublas) : ctx_(index, cublas), facts_(facts) {}

  Device device() const override { return Device::cuda(ctx_.index()); }
  std::string description() const override {
    return "cuda:" + std::to_string(ctx_.index()) + " " + facts_.name + ", compute " + std::to_string(facts_.major) + "." +
           std::to_string(facts_.minor) + ", GEMM: " + gemm_description(ctx_);
  }

  float* allocate(size_t count) override {
    ctx_.enter();
    void* p = ctx_.memory().allocate(count * sizeof(float));
    if (!p) {
      size_t free_bytes = 0, total = 0;
      cudaMemGetInfo(&free_bytes, &total);
      throw DeviceError("out of GPU memory on cuda:" + std::to_string(ctx_.index()) + ": a tensor of " + std::to_string(count) +
                        " floats does not fit (" + std::to_string(free_bytes >> 20) + " MiB free of " + std::to_string(total >> 20) +
                        " MiB); try a smaller batch or model, or --device cpu");
    }
    return static_cast<float*>(p);
  }
  void deallocate(float* p, size_t count) override { ctx_.memory().deallocate(p, count * sizeof(float)); }
  void to_host(float* host, const float* src, size_t count) override {
    if (!count) return;
    ctx_.enter();
    ctx_.check(cudaMemcpyAsync(host, src, count * sizeof(float), cudaMemcpyDeviceToHost, ctx_.stream()), "copy to the host");
    ctx_.check(cudaStreamSynchronize(ctx_.stream()), "copy to the host (or a kernel queued before it)");
  }
  void from_host(float* dst, const float* host, size_t count) override {
    if (!count) return;
    ctx_.enter();
    // From pageable memory the call returns once the host data is staged: the caller may reuse it.
    ctx_.check(cudaMemcpyAsync(dst, host, count * sizeof(float), cudaMemcpyHostToDevice, ctx_.stream()), "copy from the host");
  }

  void fill(const StridedView& out, float value) override {
    const int64_t n = out.shape.numel();
    if (!n) return;
    ctx_.enter();
    fill_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(dp(out), kernel_view(out), value);
    ctx_.launched("fill");
  }
  void unary(UnaryOp op, const StridedView& out, const StridedView& in, float p0, float p1) override {
    const int64_t n = out.shape.numel();
    if (!n) return;
    ctx_.enter();
    unary_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(op, dp(in), kernel_view(in), dp(out), kernel_view(out), p0, p1);
    ctx_.launched("unary_map");
  }
  void unary_backward(UnaryOp op, const StridedView& gin, const StridedView& gout, const StridedView& x, const StridedView& y, float p0,
                      float p1) override {
    const int64_t n = gin.shape.numel();
    if (!n) return;
    ctx_.enter();
    unary_backward_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(op, dp(gin), kernel_view(gin), dp(gout), kernel_view(gout), dp(x),
                                                                         kernel_view(x), dp(y), kernel_view(y), p0, p1);
    ctx_.launched("unary_backward_map");
  }
  void binary(BinaryOp op, const StridedView& out, const StridedView& a, const StridedView& b) override {
    const int64_t n = out.shape.numel();
    if (!n) return;
    ctx_.enter();
    binary_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(op, dp(out), kernel_view(out), dp(a), kernel_view(a), dp(b), kernel_view(b));
    ctx_.launched("binary_map");
  }
  void where(const StridedView& out, const StridedView& cond, const StridedView& a, const StridedView& b) override {
    const int64_t n = out.shape.numel();
    if (!n) return;
    ctx_.enter();
    where_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(dp(out), kernel_view(out), dp(cond), kernel_view(cond), dp(a), kernel_view(a),
                                                              dp(b), kernel_view(b));
    ctx_.launched("where_map");
  }

  void reduce(ReduceOp op, const StridedView& out, const StridedView& in, float scale) override {
    // kept: in's dimensions that out keeps (with in's strides); reduced: the rest.
    KernelView kept, reduced, ov;
    for (int d = 0; d < in.shape.size(); ++d) {
      const bool away = out.shape[d] == 1 && in.shape[d] != 1;
      KernelView& v = away ? reduced : kept;
      v.shape[v.rank] = in.shape[d];
      v.strides[v.rank] = in.strides[d];
      ++v.rank;
      if (!away) {
        ov.shape[ov.rank] = out.shape[d];
        ov.strides[ov.rank] = out.strides[d];
        ++ov.rank;
      }
    }
    const int64_t outputs = kept.numel(), n = reduced.numel();
    if (!outputs) return;
    ctx_.enter();
    // Neighbouring outputs adjacent in memory and many of them (a column sum): a thread per
    // output and chunk. Otherwise a block per output.
    const bool columns = outputs >= 256 && kept.rank > 0 && std::abs(kept.strides[kept.rank - 1]) == 1 && n > 1;
    if (columns) {
      const int64_t chunks = std::clamp<int64_t>((int64_t{1} << 16) / outputs, 1, std::min<int64_t>(65535, (n + 15) / 16));
      const int64_t chunk = (n + chunks - 1) / chunks;
      Scratch scratch(ctx_, static_cast<size_t>(chunks * outputs));
      const dim3 grid(static_cast<unsigned>(std::min<int64_t>((outputs + kThreads - 1) / kThreads, 1 << 16)), static_cast<unsigned>(chunks));
      reduce_partials_kernel<<<grid, kThreads, 0, ctx_.stream()>>>(op, dp(in), kept, reduced, dp(scratch.get()), chunk);
      ctx_.launched("reduce_partials");
      reduce_finish_kernel<<<grid_for(outputs), kThreads, 0, ctx_.stream()>>>(op, dp(scratch.get()), outputs, chunks, dp(out), ov, scale);
      ctx_.launched("reduce_finish");
    } else {
      const int threads = pow2_at_most(n, kThreads);
      const unsigned blocks = static_cast<unsigned>(std::min<int64_t>(outputs, 1 << 20));
      reduce_blocks_kernel<<<blocks, threads, threads * sizeof(float), ctx_.stream()>>>(op, dp(in), kept, reduced, dp(out), ov, scale);
      ctx_.launched("reduce_blocks");
    }
  }
  void argmax(const StridedView& out, const StridedView& in, int axis) override {
    KernelView rest;
    for (int d = 0; d < in.shape.size(); ++d)
      if (d != axis) {
        rest.shape[rest.rank] = in.shape[d];
        rest.strides[rest.rank] = in.strides[d];
        ++rest.rank;
      }
    const int64_t outputs = rest.numel();
    if (!outputs) return;
    ctx_.enter();
    argmax_kernel<<<grid_for(outputs), kThreads, 0, ctx_.stream()>>>(dp(in), rest, in.shape[axis], in.strides[axis], dp(out), kernel_view(out));
    ctx_.launched("argmax_map");
  }
  void gather_rows(const StridedView& out, const StridedView& in, const StridedView& index) override {
    const int64_t n = out.shape.numel();
    if (!n) return;
    ctx_.enter();
    gather_rows_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(dp(out), kernel_view(out), dp(in), kernel_view(in), dp(index),
                                                                    kernel_view(index));
    ctx_.launched("gather_rows_map");
  }

  void matmul(const StridedView& out, const StridedView& a, const StridedView& b, bool accumulate) override {
    const int nd = out.shape.size();
    const int64_t m = out.shape[nd - 2], n = out.shape[nd - 1], k = a.shape[nd - 1];
    int64_t batches = 1;
    for (int d = 0; d < nd - 2; ++d) batches *= out.shape[d];
    if (!batches || !m || !n) return;
    ctx_.enter();
    for (int64_t t = 0; t < batches; ++t) {
      int64_t rest = t, oo = 0, ao = 0, bo = 0;  // each batch's element offset in the three views
      for (int d = nd - 3; d >= 0; --d) {
        const int64_t i = rest % out.shape[d];
        rest /= out.shape[d];
        oo += i * out.strides[d], ao += i * a.strides[d], bo += i * b.strides[d];
      }
      gemm(ctx_, {out.data + oo, m, n, out.strides[nd - 2], out.strides[nd - 1]}, {a.data + ao, m, k, a.strides[nd - 2], a.strides[nd - 1]},
           {b.data + bo, k, n, b.strides[nd - 2], b.strides[nd - 1]}, accumulate);
    }
  }
  void linear(const StridedView& out, const StridedView& x, const StridedView& wt, const float* bias, bool relu) override {
    const int64_t rows = out.shape[0], cols = out.shape[1];
    if (!rows || !cols) return;
    ctx_.enter();
    gemm(ctx_, {out.data, rows, cols, out.strides[0], out.strides[1]}, {x.data, rows, x.shape[1], x.strides[0], x.strides[1]},
         {wt.data, wt.shape[0], cols, wt.strides[0], wt.strides[1]}, false);
    if (bias || relu) {
      bias_activation_kernel<<<grid_for(rows * cols), kThreads, 0, ctx_.stream()>>>(dp(out), kernel_view(out), dp(bias), bias != nullptr, relu);
      ctx_.launched("bias_activation_map");
    }
  }
  void linear_backward(const StridedView* gx, float* gw, float* gb, const StridedView& gy, const StridedView& x, const StridedView& w) override {
    const int64_t rows = gy.shape[0], outs = gy.shape[1], ins = x.shape[1];
    ctx_.enter();
    if (gx) gemm(ctx_, {gx->data, rows, ins, gx->strides[0], gx->strides[1]}, {gy.data, rows, outs, gy.strides[0], gy.strides[1]},
                 {w.data, outs, ins, w.strides[0], w.strides[1]}, false);
    if (gw) gemm(ctx_, {gw, outs, ins, ins, 1}, {gy.data, outs, rows, gy.strides[1], gy.strides[0]}, {x.data, rows, ins, x.strides[0], x.strides[1]},
                 false);
    if (gb) reduce(ReduceOp::Sum, {gb, {1, outs}, {0, 1}}, gy, 1.0f);
  }
  void bce_logits(float* out, const StridedView& z, const StridedView& y) override {
    ctx_.enter();
    constexpr int kBlock = 1024;
    bce_mean_kernel<<<1, kBlock, kBlock * sizeof(float), ctx_.stream()>>>(dp(z), kernel_view(z), dp(y), kernel_view(y), dp(out));
    ctx_.launched("bce_logits_mean");
  }
  void bce_logits_backward(const StridedView& gz, const StridedView& z, const StridedView& y, const float* gout, float scale) override {
    const int64_t n = gz.shape.numel();
    if (!n) return;
    ctx_.enter();
    bce_backward_kernel<<<grid_for(n), kThreads, 0, ctx_.stream()>>>(dp(gz), kernel_view(gz), dp(z), kernel_view(z), dp(y), kernel_view(y),
                                                                      dp(gout), scale);
    ctx_.launched("bce_logits_backward_map");
  }
  void sgd_step(float* param, const float* grad, float* buf, size_t n, const SgdArgs& args) override {
    if (!n) return;
    ctx_.enter();
    sgd_kernel<<<grid_for(static_cast<int64_t>(n)), kThreads, 0, ctx_.stream()>>>(dp(param), dp(grad), dp(buf), static_cast<int64_t>(n), args);
    ctx_.launched("sgd_step");
  }
  void adam_step(float* param, const float* grad, float* m, float* v, size_t n, const AdamArgs& a) override {
    if (!n) return;
    ctx_.enter();
    // As the CPU backend: the bias corrections in double, rounded once.
    const float bc1 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta1), static_cast<double>(a.step)));
    const float bc2 = 1.0f - static_cast<float>(std::pow(static_cast<double>(a.beta2), static_cast<double>(a.step)));
    adam_kernel<<<grid_for(static_cast<int64_t>(n)), kThreads, 0, ctx_.stream()>>>(dp(param), dp(grad), dp(m), dp(v), static_cast<int64_t>(n), a,
                                                                                   bc1, std::sqrt(bc2));
    ctx_.launched("adam_step");
  }

 private:
  mutable CudaContext ctx_;
  ProbeFacts facts_;
};

// What the runtime says about device `index`: gathered once per device per process.
ProbeFacts probe(int index) {
  ProbeFacts f;
  f.index = index;
  f.built_architectures = BACKPROP_CUDA_ARCHITECTURES;
  cudaRuntimeGetVersion(&f.runtime_version);
  cudaDriverGetVersion(&f.driver_version);
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  f.count_error = static_cast<int>(e);
  f.error_text = error_text(e);
  f.device_count = e == cudaSuccess ? count : 0;
  if (e != cudaSuccess || index < 0 || index >= count) return f;
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, index) == cudaSuccess) {
    f.name = prop.name;
    f.major = prop.major;
    f.minor = prop.minor;
  }
  cudaSetDevice(index);
  cudaFuncAttributes attr{};
  const cudaError_t k = cudaFuncGetAttributes(&attr, fill_kernel);
  f.kernel_error = static_cast<int>(k);
  f.kernel_error_text = error_text(k);
  if (k != cudaSuccess) cudaGetLastError();
  return f;
}

}  // namespace

}  // namespace bp::cuda

namespace bp {

/// The backend of cuda:index, or null with *why_not set. Availability is decided once per device
/// and process; the backend lives until the process exits.
Backend* cuda_backend(int index, std::string* why_not) {
  constexpr int kMaxDevices = 64;
  static std::mutex mu;
  struct Entry {
    bool probed = false;
    std::string why;
    std::unique_ptr<Backend> backend;
  };
  static Entry entries[kMaxDevices];
  if (index < 0 || index >= kMaxDevices) {
    *why_not = "cuda:" + std::to_string(index) + " is not a device index this build supports (0 to " + std::to_string(kMaxDevices - 1) + ")";
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu);
  Entry& e = entries[index];
  if (!e.probed) {
    e.probed = true;
    const cuda::ProbeFacts facts = cuda::probe(index);
    e.why = cuda::unavailable_reason(facts);
    if (e.why.empty()) {
      std::string why_blas;
      const cuda::CublasLibrary* blas = cuda::CublasLibrary::load(&why_blas);
      if (!blas) {
        static std::once_flag warned;
        std::call_once(warned, [&] { std::fprintf(stderr, "%s\n", cuda::cublas_missing_warning(cuda::CublasLibrary::file_name(), why_blas).c_str()); });
      }
      try {
        e.backend = std::make_unique<cuda::CudaBackend>(index, facts, blas);
      } catch (const DeviceError& err) {
        e.why = err.what();
      }
    }
  }
  if (!e.backend) *why_not = e.why;
  return e.backend.get();
}

}  // namespace bp
