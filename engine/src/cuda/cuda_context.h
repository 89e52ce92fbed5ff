// Internal to the CUDA backend: the runtime of kernel_backend.h on a real GPU. One GPU's stream,
// cuBLAS handle and memory, and the checks run after every CUDA call. Every launch goes to the
// one stream; the host waits only where a value comes back to it (to_host).
#pragma once
#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "cuda/availability.h"
#include "cuda/caching_allocator.h"
#include "cuda/cublas_library.h"
#include "cuda/kernel_backend.h"

namespace bp::cuda {

class CudaContext {
 public:
  CudaContext(const ProbeFacts& facts, const CublasLibrary* cublas);
  ~CudaContext();
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;

  Device device() const { return Device::cuda(index_); }
  /// "cuda:0 NVIDIA H200, compute 9.0, GEMM: cuBLAS 13.1, FP32".
  std::string description() const;

  /// Makes this GPU current for the calling thread; throws when the context was poisoned.
  void enter();
  float* allocate(size_t count);
  void deallocate(float* p, size_t count) { memory_.deallocate(p, count * sizeof(float)); }
  void to_host(float* host, const float* src, size_t count);
  void from_host(float* dst, const float* host, size_t count);
  /// Runs a kernel struct of kernels/launches.h on the stream (cuda_launch.cuh).
  template <class K>
  void launch(const char* name, const LaunchShape& shape, const K& kernel);
  /// C = A·B (+ C) through cuBLAS; false when cuBLAS is missing or cannot read these views (gemm.cu).
  bool blas_gemm(const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate, bool tf32);

  /// Throws DeviceError naming `what` when e is an error. An error that leaves the GPU's
  /// context unusable (an illegal address, a kernel fault) poisons it: every later call says
  /// that the program must be restarted.
  void check(cudaError_t e, const char* what);
  /// The check after a kernel launch (launch errors; with BACKPROP_CUDA_SYNC=1 it also waits
  /// for the kernel, so that a fault names it instead of a later call).
  void launched(const char* kernel);
  void check_blas(cublasStatus_t s, const char* what);

 private:
  std::string gemm_description() const;
  int index_;
  ProbeFacts facts_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t blas_ = nullptr;
  std::mutex blas_mu_;  // the math mode and the call go together
  const CublasLibrary* cublas_;
  bool sync_each_launch_ = false;
  std::atomic<bool> poisoned_{false};
  std::string poison_;
  CachingAllocator memory_;
};

}  // namespace bp::cuda
