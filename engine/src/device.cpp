// Device names, the --device choice and how "auto" resolves.
#include "backprop/device.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "backend.h"
#include "backprop/errors.h"

namespace bp {

std::string Device::str() const {
  switch (type) {
    case DeviceType::CPU: return "cpu";
    case DeviceType::CUDA: return "cuda:" + std::to_string(index);
    case DeviceType::Reference: return "reference";
  }
  return "?";
}

namespace {
bool test_devices_allowed() {
  const char* v = std::getenv("BACKPROP_TEST_DEVICES");
  return v && std::strcmp(v, "1") == 0;
}
}  // namespace

Device parse_device(const std::string& text) {
  if (text == "cpu") return Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 8 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos)
    return Device::cuda(std::stoi(text.substr(5)));
  if (text == "reference" && test_devices_allowed()) return Device::reference();
  throw ValueError("unknown device " + quote_text(text) + " (expected cpu, cuda, cuda:N or auto)");
}

DeviceChoice parse_device_choice(const std::string& text) {
  if (text == "auto") return {};
  return {false, parse_device(text)};
}

ResolvedDevice resolve_device(const DeviceChoice& choice) {
  if (choice.automatic) {
    const std::string why_not = cuda_unavailable_reason();
    if (why_not.empty()) return {Device::cuda(0), "auto: cuda:0, as a CUDA GPU is usable"};
    return {Device::cpu(), "auto: the CPU, as " + why_not};
  }
  backend_for(choice.device);  // throws DeviceError with the reason
  return {choice.device, choice.device.str() + ", as chosen"};
}

namespace {
std::mutex options_mu;
// The options the environment asks for, and a sentence on each value refused there.
struct FromEnvironment {
  CudaOptions options;
  std::string problem;
};
const FromEnvironment& from_environment() {
  static const FromEnvironment env = [] {
    FromEnvironment e;
    if (const char* g = std::getenv("BACKPROP_CUDA_GEMM"); g && *g) {
      try {
        e.options.gemm = parse_cuda_gemm(g);
      } catch (const ValueError&) {  // a bad value must not stop the program: keep auto, and say so
        e.problem = "BACKPROP_CUDA_GEMM=" + quote_text(g) + " is ignored (expected auto, cublas, register or tiled)";
      }
    }
    if (const char* t = std::getenv("BACKPROP_CUDA_TF32"); t && *t) {
      if (std::strcmp(t, "1") == 0) e.options.tf32 = true;
      else if (std::strcmp(t, "0") != 0)
        e.problem += (e.problem.empty() ? "" : "; ") + std::string("BACKPROP_CUDA_TF32=") + quote_text(t) +
                     " is ignored (expected 1 for TF32, or 0)";
    }
    return e;
  }();
  return env;
}
CudaOptions& options_storage() {
  static CudaOptions options = from_environment().options;
  return options;
}
}  // namespace

void set_cuda_options(const CudaOptions& options) {
  std::lock_guard<std::mutex> lock(options_mu);
  options_storage() = options;
}

CudaOptions cuda_options() {
  std::lock_guard<std::mutex> lock(options_mu);
  return options_storage();
}

std::string cuda_environment_problem(const DeviceChoice& choice) {
  return choice.automatic || choice.device.type == DeviceType::CUDA ? from_environment().problem : std::string();
}

CudaGemm parse_cuda_gemm(const std::string& text) {
  for (CudaGemm g : {CudaGemm::Auto, CudaGemm::Cublas, CudaGemm::RegisterTiled, CudaGemm::SharedTiled})
    if (text == cuda_gemm_name(g)) return g;
  throw ValueError("unknown matrix-multiply kernel " + quote_text(text) + " (expected auto, cublas, register or tiled)");
}

std::string cuda_gemm_name(CudaGemm gemm) {
  switch (gemm) {
    case CudaGemm::Auto: return "auto";
    case CudaGemm::Cublas: return "cublas";
    case CudaGemm::RegisterTiled: return "register";
    case CudaGemm::SharedTiled: return "tiled";
  }
  return "?";
}

std::string device_description(Device device) {
  if (device.type == DeviceType::CUDA) {
    if (const std::string why = cuda_unavailable_reason(); !why.empty()) return device.str() + " (unavailable: " + why + ")";
  }
  try {
    return backend_for(device).description();
  } catch (const DeviceError& e) {
    return device.str() + " (unavailable: " + e.what() + ")";
  }
}

}  // namespace bp
