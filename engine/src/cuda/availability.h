// Why the CUDA backend can or cannot run here, in sentences a user can act on. The probe
// (cuda_backend.cu) gathers the facts once per process with the CUDA runtime; turning them into
// a sentence is plain C++, so the tests check every case without a GPU.
#pragma once
#include <string>

namespace bp::cuda {

/// The CUDA runtime's error codes this file distinguishes (values of cudaError_t).
enum ProbeError : int {
  kSuccess = 0,
  kErrorStubLibrary = 34,
  kErrorInsufficientDriver = 35,
  kErrorNoDevice = 100,
  kErrorNoKernelImage = 209,
};

struct ProbeFacts {
  int count_error = kSuccess;   ///< what cudaGetDeviceCount returned
  std::string error_text;       ///< the runtime's message for it
  int driver_version = 0;       ///< cudaDriverGetVersion: 0 when no driver is installed
  int runtime_version = 0;      ///< cudaRuntimeGetVersion, e.g. 13000
  int device_count = 0;
  int index = 0;                ///< the device asked for (cuda:N)
  int major = 0, minor = 0;     ///< its compute capability
  std::string name;             ///< its name
  int kernel_error = kSuccess;  ///< what asking for a kernel's attributes on it returned
  std::string kernel_error_text;
  std::string built_architectures;  ///< CMAKE_CUDA_ARCHITECTURES of this build, e.g. "90"
};

/// "13.0" for 13000.
std::string cuda_version_string(int version);

/// Empty when the device can be used, else one sentence saying why not and what to do.
std::string unavailable_reason(const ProbeFacts& f);

/// The warning printed once when cuBLAS cannot be loaded (the built-in GEMM is used instead).
std::string cublas_missing_warning(const std::string& library, const std::string& why);

}  // namespace bp::cuda
