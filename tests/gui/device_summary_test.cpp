// The Training panel's short device line: the note's first clause, the rest in its tooltip.
#include <gtest/gtest.h>

#include "backprop/device.h"
#include "model/device_summary.h"

namespace bp::studio {
namespace {

TEST(DeviceSummary, IsTheNotesFirstClause) {
  EXPECT_EQ(device_summary("auto: the CPU, as no NVIDIA driver is installed (libcuda.so.1 was not found); install the NVIDIA "
                           "driver to use a GPU"),
            "auto: the CPU, as no NVIDIA driver is installed");
  EXPECT_EQ(device_summary("auto: the CPU, as the NVIDIA driver is too old: it supports CUDA 12.2, this build needs 13.0"),
            "auto: the CPU, as the NVIDIA driver is too old");
  EXPECT_EQ(device_summary("auto: the CPU, as this build has no CUDA backend (nvcc was not found)"),
            "auto: the CPU, as this build has no CUDA backend");
  // Each reason the CUDA backend gives (engine/src/cuda/availability.cpp): a clause that says it.
  EXPECT_EQ(device_summary("auto: the CPU, as the NVIDIA driver library found is the CUDA toolkit's link stub, not a driver (is "
                           "/usr/local/cuda/lib64/stubs on LD_LIBRARY_PATH?); install the NVIDIA driver or remove the stubs folder"),
            "auto: the CPU, as the NVIDIA driver library found is the CUDA toolkit's link stub, not a driver");
  EXPECT_EQ(device_summary("auto: the CPU, as no CUDA GPU was found (the NVIDIA driver is installed, CUDA 13.0, but it reports no device)"),
            "auto: the CPU, as no CUDA GPU was found");
  EXPECT_EQ(device_summary("auto: the CPU, as the CUDA runtime (CUDA 13.0) could not start: out of memory (error 2)"),
            "auto: the CPU, as the CUDA runtime could not start");
  EXPECT_EQ(device_summary("auto: the CPU, as the GPU Tesla M60 (compute 5.2) is not among the architectures this build has code for "
                           "(90); rebuild with -DCMAKE_CUDA_ARCHITECTURES=52"),
            "auto: the CPU, as the GPU Tesla M60 is not among the architectures this build has code for");
  EXPECT_EQ(device_summary("auto: the CPU, as the GPU Tesla M60 cannot run this build's kernels: invalid device function (error 98)"),
            "auto: the CPU, as the GPU Tesla M60 cannot run this build's kernels");
  EXPECT_EQ(device_summary("auto: cuda:0, as a CUDA GPU is usable"), "auto: cuda:0, as a CUDA GPU is usable");
  EXPECT_EQ(device_summary("cpu, as chosen"), "cpu, as chosen");
  EXPECT_EQ(device_summary(""), "");
  // What this machine's build says, whatever it is: a prefix of the note, never longer.
  const std::string note = resolve_device(DeviceChoice{}).why;
  const std::string s = device_summary(note);
  EXPECT_EQ(note.rfind(s, 0), 0u) << note;
  EXPECT_FALSE(s.empty());
}

}  // namespace
}  // namespace bp::studio
