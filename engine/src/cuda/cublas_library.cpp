#include "cuda/cublas_library.h"

#include <dlfcn.h>

#include <mutex>

namespace bp::cuda {

std::string CublasLibrary::file_name() { return "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR); }

namespace {
template <class F>
bool find(void* lib, const char* name, F& fn, std::string* why) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  if (!fn) *why = std::string("symbol ") + name + " is missing";
  return fn != nullptr;
}
}  // namespace

const CublasLibrary* CublasLibrary::load(std::string* why) {
  static std::once_flag once;
  static CublasLibrary lib;
  static const CublasLibrary* loaded = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    void* h = dlopen(file_name().c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      failure = e ? e : "dlopen failed";
      return;
    }
    decltype(&cublasGetProperty) get_property = nullptr;
    if (!find(h, "cublasCreate_v2", lib.create, &failure) || !find(h, "cublasDestroy_v2", lib.destroy, &failure) ||
        !find(h, "cublasSetStream_v2", lib.set_stream, &failure) || !find(h, "cublasSetMathMode", lib.set_math_mode, &failure) ||
        !find(h, "cublasSgemm_v2", lib.sgemm, &failure) || !find(h, "cublasGetStatusString", lib.status_string, &failure) ||
        !find(h, "cublasGetProperty", get_property, &failure)) {
      dlclose(h);
      return;
    }
    int major = 0, minor = 0;
    get_property(MAJOR_VERSION, &major);
    get_property(MINOR_VERSION, &minor);
    lib.version = std::to_string(major) + "." + std::to_string(minor);
    loaded = &lib;  // the library stays loaded for the life of the process
  });
  if (!loaded && why) *why = failure;
  return loaded;
}

}  // namespace bp::cuda
