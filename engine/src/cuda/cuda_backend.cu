// The CUDA backend on a GPU: kernel_backend.h's host logic over CudaContext, the runtime that
// owns one GPU's stream, memory and cuBLAS handle and checks every CUDA call; the probe that
// decides once per process whether a GPU is usable; and the registration behind backend_for.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "backprop/errors.h"
#include "cuda/availability.h"
#include "cuda/cuda_context.h"
#include "cuda/cuda_launch.cuh"

#ifndef BACKPROP_CUDA_ARCHITECTURES
#define BACKPROP_CUDA_ARCHITECTURES "?"
#endif

namespace bp::cuda {

// ---- the context ------------------------------------------------------------------------------

namespace {

std::string error_text(cudaError_t e) { return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e); }

// Errors after which the context cannot be used again (CUDA's "sticky" errors).
bool poisons_context(cudaError_t e) {
  const int code = static_cast<int>(e);
  return (code >= 700 && code < 800) || e == cudaErrorECCUncorrectable;
}

}  // namespace

CudaContext::CudaContext(const ProbeFacts& facts, const CublasLibrary* cublas)
    : index_(facts.index),
      facts_(facts),
      cublas_(cublas),
      memory_([index = facts.index](size_t bytes) -> void* {
        void* p = nullptr;
        cudaSetDevice(index);
        if (cudaMalloc(&p, bytes) != cudaSuccess) {
          cudaGetLastError();  // out of memory is not sticky: clear it
          return nullptr;
        }
        return p;
      },
              [index = facts.index](void* p) {
                cudaSetDevice(index);
                cudaFree(p);
              }) {
  const char* s = std::getenv("BACKPROP_CUDA_SYNC");
  sync_each_launch_ = s && std::strcmp(s, "1") == 0;
  check(cudaSetDevice(index_), "cudaSetDevice");
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

std::string CudaContext::description() const {
  return "cuda:" + std::to_string(index_) + " " + facts_.name + ", compute " + std::to_string(facts_.major) + "." + std::to_string(facts_.minor) +
         ", GEMM: " + gemm_description();
}

std::string CudaContext::gemm_description() const {
  const CudaOptions o = cuda_options();
  if (o.gemm == CudaGemm::SharedTiled) return "the teaching shared-memory tiled kernel";
  if (o.gemm == CudaGemm::RegisterTiled || !cublas_) return "the built-in register-tiled kernel";
  return "cuBLAS " + cublas_->version + (o.tf32 ? ", TF32" : ", FP32");
}

float* CudaContext::allocate(size_t count) {
  void* p = memory_.allocate(count * sizeof(float));
  if (!p) {
    size_t free_bytes = 0, total = 0;
    cudaMemGetInfo(&free_bytes, &total);
    throw DeviceError("out of GPU memory on cuda:" + std::to_string(index_) + ": " + std::to_string(count) + " floats do not fit (" +
                      std::to_string(free_bytes >> 20) + " MiB free of " + std::to_string(total >> 20) +
                      " MiB); try a smaller batch or model, or --device cpu");
  }
  return static_cast<float*>(p);
}

void CudaContext::to_host(float* host, const float* src, size_t count) {
  check(cudaMemcpyAsync(host, src, count * sizeof(float), cudaMemcpyDeviceToHost, stream_), "copy to the host");
  check(cudaStreamSynchronize(stream_), "copy to the host (or a kernel queued before it)");
}

void CudaContext::from_host(float* dst, const float* host, size_t count) {
  // From pageable memory the call returns once the host data is staged: the caller may reuse it.
  check(cudaMemcpyAsync(dst, host, count * sizeof(float), cudaMemcpyHostToDevice, stream_), "copy from the host");
}

namespace {

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
  const cudaError_t k = cudaFuncGetAttributes(&attr, run_kernel<FillLaunch>);
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
  // Never destroyed: at exit the CUDA runtime tears itself down first, and calling it from a
  // static destructor then can crash; the driver frees a process's GPU memory anyway.
  static Entry* const entries = new Entry[kMaxDevices];
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
        e.backend = std::make_unique<cuda::KernelBackend<cuda::CudaContext>>(facts, blas);
      } catch (const DeviceError& err) {
        e.why = err.what();
      }
    }
  }
  if (!e.backend) *why_not = e.why;
  return e.backend.get();
}

}  // namespace bp
