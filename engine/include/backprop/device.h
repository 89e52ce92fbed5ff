// Where a tensor's storage lives. The CPU is always available; CUDA is available when the
// engine was built with the CUDA backend and a GPU with a working driver is present.
#pragma once
#include <string>

namespace bp {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int i = 0) { return {DeviceType::CUDA, i}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  std::string str() const;
  friend bool operator==(const Device& a, const Device& b) {
    return a.type == b.type && a.index == b.index;
  }
  friend bool operator!=(const Device& a, const Device& b) { return !(a == b); }
};

/// Parses "cpu", "cuda" or "cuda:N"; throws ValueError otherwise.
Device parse_device(const std::string& text);

/// True when the CUDA backend was compiled in and found a usable GPU.
bool cuda_available();

/// One sentence explaining why CUDA is unavailable (empty when it is available).
std::string cuda_unavailable_reason();

}  // namespace bp
