// The Training panel's one-line account of where training runs: the device note cut to its first
// clause ("auto: the CPU, as no NVIDIA driver is installed"), so that it takes one or two lines
// of a narrow panel rather than four; the whole note (the library not found, what to install)
// is its tooltip.
#pragma once
#include <string>

namespace bp::studio {

/// `note` (resolve_device's `why`: "auto: the CPU, as <reason>", "cuda:0, as chosen") up to its
/// first "; " and then its first ": " after the leading "auto: ", without parenthesised details.
std::string device_summary(const std::string& note);

}  // namespace bp::studio
