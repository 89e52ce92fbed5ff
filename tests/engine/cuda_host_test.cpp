// The host-side parts of the CUDA backend, checked without a GPU: the sentences that say why
// CUDA is unavailable (every case the probe distinguishes), the caching allocator, and what a
// process on this machine actually reports.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <vector>

#include "backprop/backprop.h"
#include "cuda/availability.h"
#include "cuda/caching_allocator.h"

namespace bp {
namespace {

using cuda::ProbeFacts;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ProbeFacts usable_h200() {
  ProbeFacts f;
  f.runtime_version = 13000;
  f.driver_version = 13010;
  f.device_count = 1;
  f.name = "NVIDIA H200";
  f.major = 9;
  f.minor = 0;
  f.built_architectures = "90";
  return f;
}

TEST(CudaAvailability, EachCaseGetsASentenceAUserCanActOn) {
  EXPECT_EQ(cuda::unavailable_reason(usable_h200()), "");

  ProbeFacts f = usable_h200();
  f.count_error = cuda::kErrorInsufficientDriver, f.driver_version = 0;
  EXPECT_TRUE(has(cuda::unavailable_reason(f), "no NVIDIA driver is installed")) << cuda::unavailable_reason(f);

  f = usable_h200();
  f.count_error = cuda::kErrorInsufficientDriver, f.driver_version = 12040;
  const std::string old = cuda::unavailable_reason(f);
  EXPECT_TRUE(has(old, "too old") && has(old, "CUDA 12.4") && has(old, "CUDA 13.0")) << old;

  f = usable_h200();
  f.count_error = cuda::kErrorStubLibrary;
  EXPECT_TRUE(has(cuda::unavailable_reason(f), "stub")) << cuda::unavailable_reason(f);

  f = usable_h200();
  f.count_error = cuda::kErrorNoDevice, f.device_count = 0;
  EXPECT_TRUE(has(cuda::unavailable_reason(f), "no CUDA GPU was found")) << cuda::unavailable_reason(f);

  f = usable_h200();
  f.index = 2, f.device_count = 2;
  EXPECT_EQ(cuda::unavailable_reason(f), "cuda:2 does not exist: this machine has 2 CUDA GPUs (cuda:0 to cuda:1)");

  f = usable_h200();
  f.major = 7, f.minor = 5, f.name = "Tesla T4", f.kernel_error = cuda::kErrorNoKernelImage;
  const std::string arch = cuda::unavailable_reason(f);
  EXPECT_TRUE(has(arch, "compute 7.5") && has(arch, "(90)") && has(arch, "-DCMAKE_CUDA_ARCHITECTURES=75")) << arch;

  f = usable_h200();
  f.count_error = 999, f.error_text = "cudaErrorUnknown: unknown error";
  EXPECT_TRUE(has(cuda::unavailable_reason(f), "unknown error (error 999)")) << cuda::unavailable_reason(f);

  EXPECT_EQ(cuda::cuda_version_string(12040), "12.4");
  EXPECT_TRUE(has(cuda::cublas_missing_warning("libcublas.so.13", "not found"), "built-in register-tiled"));
}

TEST(CudaAvailability, ThisProcessGivesOneConsistentAnswer) {
  // Without a GPU (CI, this machine) CUDA is unavailable with a sentence; "auto" falls back to
  // the CPU and says why; an explicit cuda device is refused with the same sentence.
  const std::string why = cuda_unavailable_reason();
  EXPECT_EQ(cuda_available(), why.empty());
  EXPECT_EQ(cuda_unavailable_reason(), why) << "decided once per process";
  if (!cuda_available()) {
    const ResolvedDevice r = resolve_device(parse_device_choice("auto"));
    EXPECT_TRUE(r.device.is_cpu());
    EXPECT_EQ(r.why, "auto: the CPU, as " + why);
    try {
      resolve_device(parse_device_choice("cuda"));
      ADD_FAILURE() << "cuda resolved without a GPU";
    } catch (const DeviceError& e) {
      EXPECT_TRUE(has(e.what(), why)) << e.what();
    }
    EXPECT_EQ(device_description(Device::cuda(0)), "cuda:0 (unavailable: " + why + ")");
  } else {
    EXPECT_TRUE(has(device_description(Device::cuda(0)), "compute")) << device_description(Device::cuda(0));
  }
  EXPECT_TRUE(has(device_description(Device::cpu()), "cpu (")) << device_description(Device::cpu());
}

TEST(CudaOptions, ParseAndNameEveryGemmKernel) {
  for (CudaGemm g : {CudaGemm::Auto, CudaGemm::Cublas, CudaGemm::RegisterTiled, CudaGemm::SharedTiled})
    EXPECT_EQ(parse_cuda_gemm(cuda_gemm_name(g)), g);
  EXPECT_THROW(parse_cuda_gemm("fast"), ValueError);
  const CudaOptions saved = cuda_options();
  set_cuda_options({CudaGemm::SharedTiled, true});
  EXPECT_EQ(cuda_options().gemm, CudaGemm::SharedTiled);
  EXPECT_TRUE(cuda_options().tf32);
  set_cuda_options(saved);
}

// A fake device: raw allocations are counted host blocks, and a budget makes it run out.
struct FakeDevice {
  size_t budget = 64 << 20, used = 0, allocs = 0, frees = 0;
  std::map<void*, size_t> live;
  cuda::CachingAllocator allocator{[this](size_t bytes) -> void* {
                                     if (used + bytes > budget) return nullptr;
                                     used += bytes, ++allocs;
                                     void* p = std::malloc(bytes);
                                     live[p] = bytes;
                                     return p;
                                   },
                                   [this](void* p) {
                                     used -= live[p];
                                     live.erase(p);
                                     std::free(p);
                                     ++frees;
                                   }};
  ~FakeDevice() { allocator.release_cached(); }
};

TEST(CachingAllocator, AWarmStepReusesBlocksWithoutRawAllocations) {
  FakeDevice dev;
  // The tensors of one training step: sizes repeat exactly from step to step.
  const std::vector<size_t> step = {4 * 65536, 4 * 256, 4 * 65536, 4, 4 * 256 * 256, 4 * 65536};
  auto run_step = [&] {
    std::vector<void*> blocks;
    for (size_t b : step) blocks.push_back(dev.allocator.allocate(b));
    for (size_t i = 0; i < step.size(); ++i) dev.allocator.deallocate(blocks[i], step[i]);
  };
  run_step();
  const size_t cold = dev.allocs;
  EXPECT_EQ(cold, step.size());
  for (int i = 0; i < 10; ++i) run_step();
  EXPECT_EQ(dev.allocs, cold) << "a warm step must not allocate from the device";
  EXPECT_EQ(dev.allocator.stats().reuses, 10 * step.size());
  EXPECT_EQ(dev.allocator.stats().in_use_bytes, 0u);
}

TEST(CachingAllocator, SizeClassesAndOutOfMemoryGiveTheCacheBack) {
  EXPECT_EQ(cuda::CachingAllocator::size_class(0), 512u);
  EXPECT_EQ(cuda::CachingAllocator::size_class(513), 1024u);
  EXPECT_EQ(cuda::CachingAllocator::size_class((1 << 20) + 1), size_t{2} << 20);
  FakeDevice dev;
  dev.budget = 3 * 512 * 1024;
  void* a = dev.allocator.allocate(512 * 1024);
  void* b = dev.allocator.allocate(512 * 1024);
  dev.allocator.deallocate(a, 512 * 1024);
  dev.allocator.deallocate(b, 512 * 1024);
  EXPECT_EQ(dev.allocator.stats().cached_bytes, 2u * 512 * 1024);
  // A bigger block does not fit beside the cached ones: the cache is released and it fits.
  void* c = dev.allocator.allocate(1024 * 1024);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(dev.frees, 2u);
  EXPECT_EQ(dev.allocator.allocate(4u << 20), nullptr) << "truly out of memory";
  dev.allocator.deallocate(c, 1024 * 1024);
}

}  // namespace
}  // namespace bp
