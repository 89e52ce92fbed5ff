// Where a tensor's storage lives. The CPU is always available; CUDA is available when the
// engine was built with the CUDA backend and a GPU with a working driver is present. The
// reference device is for tests: a slow double-precision backend whose memory the host cannot
// read, the oracle the other backends are checked against. It is not offered to users.
#pragma once
#include <string>

namespace bp {

enum class DeviceType { CPU, CUDA, Reference };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int i = 0) { return {DeviceType::CUDA, i}; }
  static Device reference() { return {DeviceType::Reference, 0}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  std::string str() const;
  friend bool operator==(const Device& a, const Device& b) {
    return a.type == b.type && a.index == b.index;
  }
  friend bool operator!=(const Device& a, const Device& b) { return !(a == b); }
};

/// Parses "cpu", "cuda" or "cuda:N"; throws ValueError otherwise. "reference" is accepted too
/// when the environment variable BACKPROP_TEST_DEVICES is 1 (tests drive the CLI and the app on
/// the reference device that way).
Device parse_device(const std::string& text);

/// What a --device choice asks for: a device, or "auto" (CUDA when available, else the CPU).
struct DeviceChoice {
  bool automatic = true;
  Device device;
};
/// Parses "auto" or what parse_device accepts.
DeviceChoice parse_device_choice(const std::string& text);

/// The device a choice resolves to, and a phrase saying which and why ("auto: cuda:0, as a CUDA
/// GPU is usable", "auto: the CPU, as this build has no CUDA backend ..." or "cpu, as chosen").
/// Throws DeviceError with the one-line reason when an explicit device is unavailable.
struct ResolvedDevice {
  Device device;
  std::string why;
};
ResolvedDevice resolve_device(const DeviceChoice& choice);

/// True when the CUDA backend was compiled in and found a usable GPU.
bool cuda_available();

/// One sentence explaining why CUDA is unavailable (empty when it is available). Decided once
/// per process: no NVIDIA driver, a stub driver library, a driver too old for this build, no GPU,
/// a GPU whose architecture this build has no code for.
std::string cuda_unavailable_reason();

/// What a device is, in one line: "cpu (4 threads)", "cuda:0 NVIDIA H200, compute 9.0, GEMM:
/// cuBLAS 13.1", or "cuda:0 (unavailable: <why>)".
std::string device_description(Device device);

/// The matrix-multiply kernel of the CUDA backend. Auto: cuBLAS when it could be loaded, else
/// RegisterTiled (the engine's fast kernel); SharedTiled is MiniTorch's 16×16 shared-memory
/// kernel, written to be read. All give float32 results within rounding of each other.
enum class CudaGemm { Auto, Cublas, RegisterTiled, SharedTiled };
struct CudaOptions {
  CudaGemm gemm = CudaGemm::Auto;
  bool tf32 = false;  ///< let cuBLAS use TF32 tensor cores (10-bit mantissa inputs): faster, less exact
};
/// The options the CUDA backend uses from its next matrix product on. They start from the
/// environment: BACKPROP_CUDA_GEMM=auto|cublas|register|tiled and BACKPROP_CUDA_TF32=1.
void set_cuda_options(const CudaOptions& options);
CudaOptions cuda_options();
/// Where `choice` may use CUDA (auto or a CUDA device), a sentence naming each of those
/// variables whose value was not understood (and is therefore ignored), e.g.
/// "BACKPROP_CUDA_GEMM='fast' is ignored (expected auto, cublas, register or tiled)"; else, or
/// when all were, empty. The environment is read once per process.
std::string cuda_environment_problem(const DeviceChoice& choice);
/// Parses "auto", "cublas", "register" or "tiled"; throws ValueError otherwise.
CudaGemm parse_cuda_gemm(const std::string& text);
std::string cuda_gemm_name(CudaGemm gemm);

}  // namespace bp
