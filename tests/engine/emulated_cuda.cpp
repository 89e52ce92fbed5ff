#include "emulated_cuda.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "cuda/kernel_backend.h"
#include "simt_emulator.h"

namespace bp::testing {
namespace {

class EmulatedRuntime;

// mem(p) for a launch: a checked handle from p to the end of p's allocation.
struct CheckedMemory {
  const EmulatedRuntime* rt;
  simt::Launch* launch;
  simt::CheckedGlobal operator()(const float* p) const;
};

std::atomic<long> g_launches{0};

class EmulatedRuntime {
 public:
  Device device() const { return Device::cuda(0); }
  std::string description() const { return "cuda:0 under the SIMT emulator (tests)"; }
  void enter() {}
  float* allocate(size_t count) {
    float* p = new float[count ? count : 1];
    for (size_t i = 0; i < count; ++i) p[i] = NAN;
    std::lock_guard<std::mutex> lock(mu_);
    blocks_[p] = count;
    return p;
  }
  void deallocate(float* p, size_t count) {
    if (!p) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = blocks_.find(p);
      if (it == blocks_.end() || it->second != count) throw std::logic_error("emulated CUDA: deallocate of an unknown block or with the wrong size");
      blocks_.erase(it);
    }
    delete[] p;
  }
  void to_host(float* host, const float* src, size_t count) {
    if (room(src) < static_cast<int64_t>(count)) throw std::logic_error("emulated CUDA: to_host past the end of an allocation");
    std::memcpy(host, src, count * sizeof(float));
  }
  void from_host(float* dst, const float* host, size_t count) {
    if (room(dst) < static_cast<int64_t>(count)) throw std::logic_error("emulated CUDA: from_host past the end of an allocation");
    std::memcpy(dst, host, count * sizeof(float));
  }
  template <class K>
  void launch(const char* name, const cuda::LaunchShape& s, const K& kernel) {
    if (s.grid_x < 1 || s.grid_y < 1 || s.grid_y > 65535 || s.block_x * s.block_y < 1 || s.block_x * s.block_y > 1024 ||
        s.shared_floats * sizeof(float) > 48 * 1024)
      throw std::logic_error(std::string("emulated CUDA: launch shape a GPU refuses for ") + name);
    int grid_x = s.grid_x;
    if constexpr (K::kBarriers) {  // a host thread per CUDA thread: play block-stride kernels on 3 blocks
      if (K::kBlockStride) grid_x = std::min(grid_x, 3);
    }
    simt::Launch l({grid_x, s.grid_y}, {s.block_x, s.block_y}, s.shared_floats);
    const CheckedMemory mem{this, &l};
    auto body = [&](simt::ThreadCtx& c) { kernel(c, mem); };
    simt::Report r;
    if constexpr (K::kBarriers)
      r = l.run(body);
    else
      r = l.run_sequential(body);
    ++g_launches;
    if (!r.clean()) throw std::logic_error(std::string("emulated CUDA: kernel ") + name + ": " + r.str());
  }
  bool blas_gemm(const cuda::MatrixView&, const cuda::MatrixView&, const cuda::MatrixView&, bool, bool) { return false; }

  /// Elements from p to the end of its allocation (0 when p is in none).
  int64_t room(const float* p) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.upper_bound(const_cast<float*>(p));
    if (it == blocks_.begin()) return 0;
    --it;
    const int64_t at = p - it->first;
    return at >= 0 && at < static_cast<int64_t>(it->second) ? static_cast<int64_t>(it->second) - at : 0;
  }

 private:
  mutable std::mutex mu_;
  std::map<float*, size_t> blocks_;
};

simt::CheckedGlobal CheckedMemory::operator()(const float* p) const { return {const_cast<float*>(p), rt->room(p), launch}; }

}  // namespace

Backend& emulated_cuda_backend() {
  static cuda::KernelBackend<EmulatedRuntime> backend;
  return backend;
}

long emulated_cuda_launches() { return g_launches.load(); }

bool emulated_cuda_allowed(std::string* why) {
  const char* v = std::getenv("BACKPROP_EMULATED_CUDA");
  if (v && std::string(v) == "1") return true;
  *why = "emulated CUDA runs alone in the ctest entry EmulatedCuda.AllSuites (or set BACKPROP_EMULATED_CUDA=1)";
  return false;
}

}  // namespace bp::testing
