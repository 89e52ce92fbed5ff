// The CUDA backend's device memory: blocks are kept on free lists by size when a tensor dies and
// handed to the next tensor of that size class, so a warm training step makes no cudaMalloc or
// cudaFree (each of which synchronises the whole device). All the backend's work runs on one
// stream, so a block freed by the host while kernels that use it are still queued is reused only
// by kernels queued after them: stream order keeps that safe.
//
// Plain C++ over two functions (the raw allocate and free), so the tests run it without a GPU.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace bp::cuda {

class CachingAllocator {
 public:
  /// raw_alloc returns null when the device is out of memory.
  using RawAlloc = std::function<void*(size_t bytes)>;
  using RawFree = std::function<void(void* p)>;
  CachingAllocator(RawAlloc raw_alloc, RawFree raw_free) : raw_alloc_(std::move(raw_alloc)), raw_free_(std::move(raw_free)) {}
  ~CachingAllocator() { release_cached(); }
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  /// The size class of a request: multiples of 512 bytes up to 1 MiB, then of 2 MiB.
  static size_t size_class(size_t bytes);

  /// A block of at least `bytes`; null only when the device is out of memory even after the
  /// cache was given back to it.
  void* allocate(size_t bytes);
  /// Returns a block from allocate(bytes) (the same `bytes`) to the cache.
  void deallocate(void* p, size_t bytes);
  /// Gives every cached block back to the device.
  void release_cached();

  struct Stats {
    size_t raw_allocations = 0, raw_frees = 0, reuses = 0;
    size_t in_use_bytes = 0, cached_bytes = 0;
  };
  Stats stats() const;

 private:
  void release_cached_locked();
  RawAlloc raw_alloc_;
  RawFree raw_free_;
  mutable std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_;  // size class -> free blocks
  Stats stats_;
};

}  // namespace bp::cuda
