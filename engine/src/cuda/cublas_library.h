// cuBLAS, loaded at run time with dlopen: linking it would stop every binary from starting where
// the library is missing, even for CPU-only use. Loaded once per process; when it is missing the
// backend uses its own register-tiled GEMM and says so once.
#pragma once
#include <cublas_v2.h>

#include <string>

namespace bp::cuda {

struct CublasLibrary {
  decltype(&cublasCreate_v2) create = nullptr;
  decltype(&cublasDestroy_v2) destroy = nullptr;
  decltype(&cublasSetStream_v2) set_stream = nullptr;
  decltype(&cublasSetMathMode) set_math_mode = nullptr;
  decltype(&cublasSgemm_v2) sgemm = nullptr;
  decltype(&cublasGetStatusString) status_string = nullptr;
  std::string version;  ///< e.g. "13.1"

  /// The library, or null with *why set (the dlopen or dlsym message).
  static const CublasLibrary* load(std::string* why);
  /// The file name tried: the soname of this toolkit's cuBLAS (libcublas.so.13).
  static std::string file_name();
};

}  // namespace bp::cuda
