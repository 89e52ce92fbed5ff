// A small SIMT emulator: runs a CUDA kernel body (engine/src/cuda/kernels/) on the CPU, block by
// block, with one host thread per CUDA thread of the block, and checks what a GPU would not:
// - global and shared memory go through checked handles that report an index out of range;
// - a read of shared memory no thread of the block has written;
// - two threads touching one shared cell between the same two barriers when at least one of them
//   writes (a missing __syncthreads: read-after-write or write-after-read);
// - a barrier that some threads of the block never reach (an early return before it).
// What it cannot check: speed, coalescing, bank conflicts, the device compiler's arithmetic,
// warp intrinsics, atomics, streams and launch errors. Those need a GPU.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cuda/kernels/kernel_api.h"

namespace bp::simt {

struct Dim {
  int x = 1, y = 1;
};

/// What a launch found: one line per kind of problem (the first few places of each).
struct Report {
  std::vector<std::string> problems;
  bool clean() const { return problems.empty(); }
  std::string str() const {
    std::string s;
    for (const auto& p : problems) s += p + "\n";
    return s;
  }
};

class Launch;

/// Global memory: a host buffer behind bounds checks.
struct CheckedGlobal {
  float* p;
  int64_t n;
  Launch* launch;
  float load(int64_t i) const;
  void store(int64_t i, float v) const;
};

/// One block's shared memory, with a shadow that records who touched each cell since the last
/// barrier.
struct CheckedShared {
  Launch* launch;
  int thread;
  float load(int64_t i) const;
  void store(int64_t i, float v) const;
};

/// The context a kernel body sees for one CUDA thread.
class ThreadCtx {
 public:
  ThreadCtx(Launch* l, int tx, int ty) : launch_(l), tx_(tx), ty_(ty) {}
  int thread_x() const { return tx_; }
  int thread_y() const { return ty_; }
  int block_x() const;
  int block_y() const;
  int block_dim_x() const;
  int block_dim_y() const;
  int grid_dim_x() const;
  int grid_dim_y() const;
  void sync();
  CheckedShared shared() const;

 private:
  Launch* launch_;
  int tx_, ty_;
};

class Launch {
 public:
  Launch(Dim grid, Dim block, size_t shared_floats) : grid_(grid), block_(block), shared_(shared_floats) {}
  CheckedGlobal global(std::vector<float>& buffer) { return {buffer.data(), static_cast<int64_t>(buffer.size()), this}; }

  /// Runs body(ctx) for every thread of every block; returns what the checks found.
  Report run(const std::function<void(ThreadCtx&)>& body);
  /// The same for a kernel without barriers, thread after thread on the calling thread (much
  /// faster); a barrier reached there is reported.
  Report run_sequential(const std::function<void(ThreadCtx&)>& body);

 private:
  friend struct CheckedGlobal;
  friend struct CheckedShared;
  friend class ThreadCtx;
  struct Cell {
    float value = 0.0f;
    bool written = false;
    int writer = -1;              // the thread that wrote it in the current epoch (-1: none)
    std::set<int> readers;        // threads that read it in the current epoch
    uint64_t epoch = ~uint64_t{0};  // the epoch the writer and readers belong to
  };
  void problem(const std::string& kind, const std::string& where);
  int flat(int tx, int ty) const { return ty * block_.x + tx; }
  void barrier(int thread);
  void finished(int thread);
  void release_locked();
  Report report() const;
  Cell& touch(int64_t i, int thread, const char* what);

  Dim grid_, block_;
  size_t shared_;
  int bx_ = 0, by_ = 0;  // the block being run
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Cell> cells_;
  uint64_t epoch_ = 0;
  int waiting_ = 0, done_ = 0;
  bool sequential_ = false;
  std::vector<std::string> problems_;
};

}  // namespace bp::simt
