// Maps a Device to its backend. The CUDA backend registers itself only when compiled in
// (BACKPROP_WITH_CUDA); otherwise asking for CUDA explains why it is unavailable. The reference
// backend (tests only) is always built.
#include <atomic>

#include "backend.h"
#include "backprop/errors.h"

namespace bp {

Backend& reference_backend();  // reference/reference_backend.cpp

#ifndef BACKPROP_CUDA_OFF_WHY
#define BACKPROP_CUDA_OFF_WHY "built without nvcc"
#endif

#ifdef BACKPROP_WITH_CUDA
Backend* cuda_backend(int index, std::string* why_not);  // cuda/cuda_backend.cu
#endif

namespace {
std::atomic<Backend*> g_cuda_override{nullptr};
}  // namespace

void set_cuda_backend_override(Backend* b) { g_cuda_override = b; }

bool cuda_available() { return cuda_unavailable_reason().empty(); }

std::string cuda_unavailable_reason() {
  if (g_cuda_override) return "";
#ifdef BACKPROP_WITH_CUDA
  std::string why;
  cuda_backend(0, &why);
  return why;
#else
  return "this build has no CUDA backend (" BACKPROP_CUDA_OFF_WHY ")";
#endif
}

Backend& backend_for(Device device) {
  if (device.is_cpu()) return cpu_backend();
  if (device.type == DeviceType::Reference) return reference_backend();
  if (Backend* b = g_cuda_override.load(); b && device.index == 0) return *b;
#ifdef BACKPROP_WITH_CUDA
  std::string why;
  if (Backend* b = cuda_backend(device.index, &why)) return *b;
  throw DeviceError("CUDA device " + device.str() + " is unavailable: " + why);
#else
  throw DeviceError("CUDA device " + device.str() + " is unavailable: " + cuda_unavailable_reason());
#endif
}

}  // namespace bp
