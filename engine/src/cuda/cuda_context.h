// Internal to the CUDA backend: one GPU's stream, cuBLAS handle and memory, and the checks run
// after every CUDA call. Every launch goes to the one stream; the host waits only where a value
// comes back to it (to_host).
#pragma once
#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "../backend.h"
#include "cuda/caching_allocator.h"
#include "cuda/cublas_library.h"
#include "cuda/kernels/kernel_api.h"

namespace bp::cuda {

class CudaContext {
 public:
  CudaContext(int index, const CublasLibrary* cublas);
  ~CudaContext();
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;

  int index() const { return index_; }
  cudaStream_t stream() const { return stream_; }
  /// The cuBLAS handle bound to the stream, or null when cuBLAS is missing.
  cublasHandle_t blas() const { return blas_; }
  const CublasLibrary* cublas() const { return cublas_; }

  /// Makes this GPU current for the calling thread; throws when the context was poisoned.
  void enter();
  /// Throws DeviceError naming `what` when e is an error. An error that leaves the GPU's
  /// context unusable (an illegal address, a kernel fault) poisons it: every later call says
  /// that the program must be restarted.
  void check(cudaError_t e, const char* what);
  /// The check after a kernel launch (launch errors; with BACKPROP_CUDA_SYNC=1 it also waits
  /// for the kernel, so a fault names it instead of a later call).
  void launched(const char* kernel);
  void check_blas(cublasStatus_t s, const char* what);

  CachingAllocator& memory() { return memory_; }

 private:
  int index_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t blas_ = nullptr;
  const CublasLibrary* cublas_;
  bool sync_each_launch_ = false;
  std::atomic<bool> poisoned_{false};
  std::string poison_;
  CachingAllocator memory_;
};

/// Scratch device memory for one call, back to the cache when it goes out of scope.
class Scratch {
 public:
  Scratch(CudaContext& ctx, size_t count);
  ~Scratch() { ctx_.memory().deallocate(p_, count_ * sizeof(float)); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  float* get() const { return p_; }

 private:
  CudaContext& ctx_;
  size_t count_;
  float* p_;
};

/// A StridedView as kernels see it (offset 0: the pointer goes separately).
KernelView kernel_view(const StridedView& v);

/// A matrix: rows × cols with element strides (rs, cs).
struct MatrixView {
  float* data;
  int64_t rows, cols, rs, cs;
};

/// C = A·B (+ C when accumulate) with the kernel cuda_options() selects (gemm.cu).
void gemm(CudaContext& ctx, const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate);
/// The GEMM a matrix product uses now, for descriptions: "cuBLAS 13.1", "cuBLAS 13.1, TF32", ...
std::string gemm_description(const CudaContext& ctx);

}  // namespace bp::cuda
