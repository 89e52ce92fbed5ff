// Device names, the --device choice and how "auto" resolves.
#include "backprop/device.h"

#include <cstdlib>
#include <cstring>

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

}  // namespace bp
