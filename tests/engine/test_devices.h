// Test suites run on every device: the CPU, the reference backend (the double-precision oracle
// whose memory the host cannot read) and CUDA when a GPU is present (skipped with the reason
// otherwise).
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backend.h"
#include "backprop/backprop.h"
#include "emulated_cuda.h"

namespace bp::testing {

/// The device a parameterised test runs on (the CPU unless a fixture set it).
inline Device& test_device() {
  static Device d;
  return d;
}

/// Parameter values for suites run on every device: "cpu", "reference" and "cuda".
inline std::vector<std::string> test_devices() { return {"cpu", "reference", "cuda"}; }
/// The same and "emulated_cuda": the CUDA backend's code over the SIMT emulator as cuda:0
/// (emulated_cuda.h), for suites short enough to run there (a kernel launch costs milliseconds).
inline std::vector<std::string> test_devices_and_emulated_cuda() { return {"cpu", "reference", "cuda", "emulated_cuda"}; }

/// Sets test_device() from a parameter; false (and a reason) when that device is unavailable.
inline bool use_test_device(const std::string& name, std::string* why_not) {
  if (name == "emulated_cuda" && !emulated_cuda_allowed(why_not)) return false;
  set_cuda_backend_override(name == "emulated_cuda" ? &emulated_cuda_backend() : nullptr);
  const Device d = name == "cpu" ? Device::cpu() : name == "reference" ? Device::reference() : Device::cuda(0);
  if (d.type == DeviceType::CUDA && !cuda_available()) {
    *why_not = "no CUDA device: " + cuda_unavailable_reason();
    return false;
  }
  test_device() = d;
  return true;
}

/// A fixture for TEST_P suites over test_devices(); skips a device that is not available.
class OnEveryDevice : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why;
    if (!use_test_device(GetParam(), &why)) GTEST_SKIP() << why;
  }
  void TearDown() override {
    test_device() = Device::cpu();
    set_cuda_backend_override(nullptr);
  }
  static Device device() { return test_device(); }
};

}  // namespace bp::testing
