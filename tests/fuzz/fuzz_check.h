// Shared by the fuzz targets: the check that reports a broken invariant, and the entry point.
// Built with clang's libFuzzer (BACKPROP_LIBFUZZER), a failed check aborts so libFuzzer saves the
// input; built into the corpus replay test (any compiler), it becomes a GoogleTest failure.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace bp::fuzz {

/// Reports a broken invariant (never returns under libFuzzer).
void fail(const std::string& what, const char* file, int line);

using Target = void (*)(const uint8_t* data, size_t size);

}  // namespace bp::fuzz

#define BP_FUZZ_CHECK(cond, what)                                       \
  do {                                                                  \
    if (!(cond)) ::bp::fuzz::fail(std::string(what), __FILE__, __LINE__); \
  } while (0)

// Each target defines `void bp_fuzz_<name>(const uint8_t*, size_t)` with BP_FUZZ_TARGET(name);
// under libFuzzer it is also the program's LLVMFuzzerTestOneInput.
#ifdef BACKPROP_LIBFUZZER
#include <cstdio>
#include <cstdlib>
#define BP_FUZZ_TARGET(name)                                                                            \
  void bp_fuzz_##name(const uint8_t* data, size_t size);                                               \
  namespace bp::fuzz {                                                                                  \
  void fail(const std::string& what, const char* file, int line) {                                      \
    std::fprintf(stderr, "fuzz check failed at %s:%d: %s\n", file, line, what.c_str());                  \
    std::abort();                                                                                       \
  }                                                                                                     \
  }                                                                                                     \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                           \
    bp_fuzz_##name(data, size);                                                                         \
    return 0;                                                                                           \
  }                                                                                                     \
  void bp_fuzz_##name(const uint8_t* data, size_t size)
#else
#define BP_FUZZ_TARGET(name) void bp_fuzz_##name(const uint8_t* data, size_t size)
#endif
