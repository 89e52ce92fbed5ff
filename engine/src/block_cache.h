// Internal: an allocator for the small fixed-size objects every op creates (a TensorImpl and its
// Storage, with their shared_ptr control blocks). Freed blocks wait in a per-thread list for the
// next allocation of the same size, so a warm training step calls malloc for none of them.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace bp {

template <size_t Size>
class FreeBlocks {
 public:
  static FreeBlocks* get() {
    if (dead()) return nullptr;  // this thread's list is gone (thread exit)
    thread_local FreeBlocks blocks;
    return &blocks;
  }
  void* pop() {
    if (list_.empty()) return nullptr;
    void* p = list_.back();
    list_.pop_back();
    return p;
  }
  bool push(void* p) {
    if (list_.size() >= kMaxCached) return false;
    list_.push_back(p);
    return true;
  }
  ~FreeBlocks() {
    for (void* p : list_) ::operator delete(p);
    dead() = true;
  }

 private:
  static constexpr size_t kMaxCached = 4096;
  static bool& dead() {
    thread_local bool d = false;  // trivially destructible: readable after ~FreeBlocks
    return d;
  }
  std::vector<void*> list_;
};

template <class T>
struct CachingAllocator {
  using value_type = T;
  CachingAllocator() = default;
  template <class U>
  CachingAllocator(const CachingAllocator<U>&) {}  // NOLINT: rebinding, as allocate_shared does

  T* allocate(size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    if (n == 1)
      if (auto* blocks = FreeBlocks<sizeof(T)>::get())
        if (void* p = blocks->pop()) return static_cast<T*>(p);
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n == 1)
      if (auto* blocks = FreeBlocks<sizeof(T)>::get())
        if (blocks->push(p)) return;
    ::operator delete(p);
  }
  template <class U>
  bool operator==(const CachingAllocator<U>&) const {
    return true;
  }
};

}  // namespace bp
