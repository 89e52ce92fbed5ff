#include "cuda/availability.h"

namespace bp::cuda {

std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

std::string unavailable_reason(const ProbeFacts& f) {
  const std::string runtime = "CUDA " + cuda_version_string(f.runtime_version);
  switch (f.count_error) {
    case kSuccess: break;
    case kErrorInsufficientDriver:
      if (f.driver_version == 0)
        return "no NVIDIA driver is installed (libcuda.so.1 was not found); install the NVIDIA driver to use a GPU";
      return "the NVIDIA driver is too old: it supports CUDA " + cuda_version_string(f.driver_version) + ", this build needs " +
             runtime + " or newer; update the driver";
    case kErrorStubLibrary:
      return "the NVIDIA driver library found is the CUDA toolkit's link stub, not a driver (is "
             "/usr/local/cuda/lib64/stubs on LD_LIBRARY_PATH?); install the NVIDIA driver or remove the stubs folder from the "
             "library path";
    case kErrorNoDevice:
      return "no CUDA GPU was found (the NVIDIA driver is installed, CUDA " + cuda_version_string(f.driver_version) +
             ", but it reports no device)";
    default:
      return "the CUDA runtime (" + runtime + ") could not start: " + f.error_text + " (error " + std::to_string(f.count_error) + ")";
  }
  if (f.device_count <= 0) return "no CUDA GPU was found";
  if (f.index < 0 || f.index >= f.device_count)
    return "cuda:" + std::to_string(f.index) + " does not exist: this machine has " + std::to_string(f.device_count) + " CUDA GPU" +
           (f.device_count == 1 ? "" : "s") + " (cuda:0" + (f.device_count > 1 ? " to cuda:" + std::to_string(f.device_count - 1) : "") + ")";
  if (f.kernel_error == kErrorNoKernelImage)
    return "the GPU " + f.name + " (compute " + std::to_string(f.major) + "." + std::to_string(f.minor) +
           ") is not among the architectures this build has code for (" + f.built_architectures +
           "); rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(f.major) + std::to_string(f.minor);
  if (f.kernel_error != kSuccess)
    return "the GPU " + f.name + " cannot run this build's kernels: " + f.kernel_error_text + " (error " +
           std::to_string(f.kernel_error) + ")";
  return "";
}

std::string cublas_missing_warning(const std::string& library, const std::string& why) {
  return "warning: cuBLAS (" + library + ") could not be loaded: " + why +
         "; matrix products use the built-in register-tiled kernel instead (slower)";
}

}  // namespace bp::cuda
