// The Training panel's one-line account of where training runs: the device note cut to its first
// clause ("auto: the CPU, as no NVIDIA driver is installed"), so that it takes one or two lines
// of a narrow panel rather than four; the whole note (the library not found, what to install)
// is its tooltip.
#pragma once
#include <string>

namespace bp::studio {

/// `note` (resolve_device's `why`: "auto: the CPU, as <reason>", "cuda:0, as chosen") up to the
/// first parenthesis, semicolon or colon after its leading "auto: "; all of it when it has none.
std::string device_summary(const std::string& note);

}  // namespace bp::studio
